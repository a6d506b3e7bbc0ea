/**
 * Acceptance through `tokenledger usage`: every corpus response (as a JSON file) and stream (as
 * raw SSE text, Ollama as NDJSON) normalizes exactly. The command runs in-process through
 * commander for the 45 files, and once as a real process for the error path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerUsageCommand } from '#src/cli/commands/usage.js';
import { corpusStreamToText, loadCorpus } from '../helpers/sse.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenledger-usage-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runUsage(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    const program = new Command().exitOverride();
    registerUsageCommand(program);
    await program.parseAsync(['node', 'tokenledger', 'usage', ...args]);
    return { stdout: out.join(''), stderr: err.join(''), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = previous;
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe.each(loadCorpus().map((fixture) => [fixture.name, fixture] as const))('tokenledger usage %s', (name, fixture) => {
  it('prints the exact expected usage', async () => {
    const path = join(dir, fixture.kind === 'stream' ? name.replace(/\.json$/, '.txt') : name);
    writeFileSync(path, fixture.kind === 'stream' ? corpusStreamToText(fixture) : JSON.stringify(fixture.body));
    const { stdout, exitCode } = await runUsage([path]);
    expect(exitCode).toBe(0);
    const printed = JSON.parse(stdout) as { usage: Record<string, number> };
    const { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } = printed.usage;
    expect({ inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens }).toEqual(fixture.expected);
  });
});

describe('tokenledger usage on bad input', () => {
  it('exits 1 with one stderr line when the input holds no usage', async () => {
    const path = join(dir, 'garbage.txt');
    writeFileSync(path, 'data: {"truncated\n\n');
    const { stdout, stderr, exitCode } = await runUsage([path]);
    expect(exitCode).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^tokenledger usage: usage unavailable: /);
    expect(JSON.parse(stdout)).toMatchObject({ usage: null });
  });

  it('as a real process: a missing file is one clear stderr line and exit 1, no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', join(dir, 'missing.json')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`tokenledger usage: cannot read ${join(dir, 'missing.json')} (ENOENT)`);
  });

  it('reads stdin and honours --text', () => {
    const body = JSON.stringify({ usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, thoughtsTokenCount: 2 } });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', '--text'], { input: body, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('output 5 (reasoning 2)');
  });
});
