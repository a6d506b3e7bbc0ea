/**
 * `tokenledger usage` reads bytes: a real binary Bedrock ConverseStream capture (AWS event-stream
 * frames, CRC32s intact) gives the library's numbers from a file and from stdin, as a real process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStreamMeter, meterStream } from '#src/usage/index.js';
import { FIXTURES_DIR } from '../helpers/sse.js';

const capture = join(FIXTURES_DIR, 'bedrock', 'converse-stream-nova-micro.1.eventstream.bin');
const bytes = readFileSync(capture);

function runCli(args: string[], input?: Buffer): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', ...args], {
    input,
    encoding: 'utf8',
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** What the library's stream meter makes of the same bytes, fed the way a socket would (split anywhere). */
function libraryResult() {
  const meter = createStreamMeter();
  for (let offset = 0; offset < bytes.length; offset += 97) meter.write(bytes.subarray(offset, offset + 97));
  return meter.end();
}

describe('tokenledger usage on a binary Bedrock ConverseStream capture', () => {
  const library = libraryResult();

  it('the library meters the capture: Nova Micro, 13 input and 82 output tokens', () => {
    expect(library.format).toBe('bedrock-converse');
    expect(library.usage).toEqual({
      inputTokens: 13,
      outputTokens: 82,
      totalTokens: 95,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    });
    expect(library.warnings).toEqual([]);
    expect(meterStream(bytes)).toEqual(library);
  });

  it('from a file, prints exactly the library result', () => {
    const run = runCli([capture]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed['usage']).toEqual(library.usage);
    expect(printed['format']).toBe(library.format);
    expect(printed['provider']).toBe(library.provider ?? null);
    expect(printed['warnings']).toEqual(library.warnings);
  });

  it('from stdin, prints exactly the library result', () => {
    const run = runCli(['-'], bytes);
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed['usage']).toEqual(library.usage);
    expect(printed['warnings']).toEqual(library.warnings);
  });

  it('from stdin with --text, a short summary of the same numbers', () => {
    const run = runCli(['--text'], bytes);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('format bedrock-converse');
    expect(run.stdout).toContain('input 13 (cache read 0, cache write 0)');
    expect(run.stdout).toContain('output 82 (reasoning 0)');
    expect(run.stdout).toContain('total 95');
  });

  it('a capture cut inside a frame says so and is not metered as complete', () => {
    const cut = bytes.subarray(0, bytes.length - 10);
    const run = runCli([], cut);
    expect(run.status).toBe(1);
    const printed = JSON.parse(run.stdout) as { usage: unknown; warnings: string[] };
    expect(printed.usage).toBeNull();
    expect(printed.warnings).toContain('stream ended inside an AWS event-stream frame');
  });
});
