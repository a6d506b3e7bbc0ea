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

describe.each(loadCorpus().map((fixture) => [fixture.name, fixture] as const))(
  'tokenledger usage %s',
  (name, fixture) => {
    it('prints the exact expected usage', async () => {
      const path = join(dir, fixture.kind === 'stream' ? name.replace(/\.json$/, '.txt') : name);
      writeFileSync(path, fixture.kind === 'stream' ? corpusStreamToText(fixture) : JSON.stringify(fixture.body));
      const { stdout, exitCode } = await runUsage([path]);
      expect(exitCode).toBe(0);
      const printed = JSON.parse(stdout) as { usage: Record<string, number> };
      const { inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens } =
        printed.usage;
      expect({ inputTokens, outputTokens, totalTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens }).toEqual(
        fixture.expected,
      );
    });
  },
);

describe('tokenledger usage prices what it read', () => {
  it('prints our cost on exclusive parts beside the usage (Claude Sonnet 4.5 with cache read and write)', async () => {
    const fixture = loadCorpus().find((f) => f.name === 'anthropic-02-cache-read-write.json');
    const path = join(dir, 'priced.json');
    writeFileSync(path, JSON.stringify(fixture?.body));
    const { stdout, exitCode } = await runUsage([path]);
    expect(exitCode).toBe(0);
    const printed = JSON.parse(stdout) as { cost: Record<string, number | string>; costUnavailableReason: unknown };
    // 3 uncached input at $3, 1,111 cache reads at $0.30, 418 5-minute writes at $3.75, 33 output at $15 (per 1M).
    expect(printed.cost).toEqual({
      input: 0.000009,
      cacheRead: 0.0003333,
      cacheWrite: 0.0015675,
      output: 0.000495,
      total: 0.0024048,
      currency: 'USD',
    });
    expect(printed.costUnavailableReason).toBeUndefined();
  });

  it('says why there is no cost when the model has no known price', async () => {
    const path = join(dir, 'unknown-model.json');
    writeFileSync(
      path,
      JSON.stringify({
        model: 'my-private-model-7b',
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
    );
    const { stdout, exitCode } = await runUsage([path, '--provider', 'openai']);
    expect(exitCode).toBe(0);
    const printed = JSON.parse(stdout) as { cost: unknown; costUnavailableReason: string };
    expect(printed.cost).toBeNull();
    expect(printed.costUnavailableReason).toContain('my-private-model-7b');
  });
});

describe('tokenledger usage on bad input', () => {
  it('names truncated JSON for what it is', async () => {
    const path = join(dir, 'truncated.json');
    writeFileSync(path, '{"usage": {"prompt_tokens": ');
    const { stderr, exitCode } = await runUsage([path]);
    expect(exitCode).toBe(1);
    expect(stderr).toBe(
      'tokenledger usage: usage unavailable: the input is neither valid JSON (truncated?) nor an SSE/NDJSON stream in a known format\n',
    );
  });

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
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'usage', join(dir, 'missing.json')],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`tokenledger usage: cannot read ${join(dir, 'missing.json')} (ENOENT)`);
  });

  it('reads stdin and honours --text', () => {
    const body = JSON.stringify({
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, thoughtsTokenCount: 2 },
    });
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', '--text'], {
      input: body,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('output 5 (reasoning 2)');
  });
});
