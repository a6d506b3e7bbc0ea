/**
 * `tokenledger prices` run as a real child process (tsx), output checked as a user sees it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Of } from '#src/pricing/index.js';
import { catalogFiles } from '../pricing/catalog-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function prices(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'src/cli/main.ts'), 'prices', ...args],
      // Run in an empty directory so no tokenledger.config.* of the checkout applies.
      { cwd: dir, env: { ...process.env, TOKENLEDGER_CONFIG: '' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenledger-prices-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tokenledger prices', () => {
  it('MODEL prints the per-1M prices, source and matched catalog id', async () => {
    const run = await prices('gpt-4o');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('catalog id openai/gpt-4o');
    expect(run.stdout).toMatch(/input\s+2\.50\n/);
    expect(run.stdout).toMatch(/cached input \(read\)\s+1\.25\n/);
    expect(run.stdout).toMatch(/output\s+10\.00\n/);
    expect(run.stdout).toContain('source: catalog');
  });

  it('shows long-context tiers and honours --provider aliases', async () => {
    const run = await prices('gemini-2.5-pro', '--provider', 'gemini');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('above 200,000 input tokens: input 2.50, cached 0.25');
    expect(run.stdout).toContain('output 15.00');
  });

  it('--json prints the lookup', async () => {
    const run = await prices('openai/gpt-4o:nitro', '--provider', 'openrouter', '--json');
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as {
      modelId: string;
      prices: { input: number; output: number };
      note: string;
    };
    expect(parsed.modelId).toBe('openai/gpt-4o');
    expect(parsed.prices).toMatchObject({ input: 2.5, output: 10 });
    expect(parsed.note).toContain(':nitro');
  });

  it('--at prices at another time', async () => {
    const run = await prices('o3', '--at', '2025-01-01T00:00:00Z', '--json');
    expect((JSON.parse(run.stdout) as { prices: { input: number } }).prices.input).toBe(10);
  });

  it('status says the data source and age, stale past 30 days, at --at', async () => {
    const fresh = await prices('status', '--at', '2026-10-01T00:00:00Z');
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toBe(
      'source: bundled @pydantic/genai-prices 0.1.8\ndata from: 2026-09-23 (7 days old)\nfresh: within 30 days\n',
    );
    const stale = await prices('status', '--at', '2026-12-01T12:00:00Z', '--json');
    expect(JSON.parse(stale.stdout)).toEqual({
      source: 'bundled @pydantic/genai-prices 0.1.8',
      dataTime: '2026-09-23T10:11:04.000Z',
      ageDays: 69,
      stale: true,
      staleAfterDays: 30,
    });
  });

  it('without MODEL lists the provider models, overrides included', async () => {
    const run = await prices('--provider', 'deepseek');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/deepseek\s+deepseek-chat\s+0\.28\s+0\.028\s+0\.28\s+0\.28\s+0\.42\s+override/);
    expect(run.stdout).toMatch(/\d+ models, USD per 1M tokens/);
  });

  it('applies the config file price overrides', async () => {
    const config = join(dir, 'custom.json');
    await writeFile(config, JSON.stringify({ prices: [{ provider: 'openai', model: 'gpt-4o', input: 1, output: 3 }] }));
    const run = await prices('gpt-4o', '--config', config, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ source: 'override', prices: { input: 1, output: 3 } });
  });

  it('unknown model: one stderr line, exit 1, no stack trace', async () => {
    const run = await prices('no-such-model-xyz', '--provider', 'openai');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('tokenledger prices: no price known for model "no-such-model-xyz" (provider "openai")\n');
  });

  it('bad input: one stderr line, exit 1', async () => {
    for (const args of [
      ['gpt-4o', '--at', 'yesterday-ish'],
      ['--provider', 'no-such-provider'],
      ['gpt-4o', '--config', join(dir, 'missing.json')],
    ]) {
      const run = await prices(...args);
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^tokenledger prices: /);
    }
  });

  it('update installs a catalog file in the ledger, refuses a bad one in one line; status and MODEL use the ledger', async () => {
    const files = await catalogFiles();
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, `${name}.json`), text);
    const db = `sqlite:${join(dir, 'update.db')}`;
    const newer = join(dir, 'newer.json');
    const sha = sha256Of(files['newer'] ?? '').slice(0, 12);

    const installed = await prices('update', '--from', newer, '--db', db);
    expect(installed.stderr).toBe('');
    expect(installed.code).toBe(0);
    expect(installed.stdout).toBe(
      `installed: catalog sha256:${sha} from ${newer}, 43 providers, 1694 models (was bundled @pydantic/genai-prices 0.1.8)\n`,
    );

    const refused = await prices('update', '--from', join(dir, 'negative.json'), '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `tokenledger prices: update refused, prices unchanged (catalog sha256:${sha} from ${newer}): openai/gpt-4o output_mtok: negative price (-10)\n`,
    );

    const status = await prices('status', '--db', db);
    expect(status.code).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`source: catalog sha256:${sha} from ${newer}`);
    expect(lines[3]).toMatch(
      new RegExp(
        `^last update refused \\(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z, ${join(dir, 'negative.json')}\\): openai/gpt-4o output_mtok: negative price \\(-10\\)$`,
      ),
    );

    const model = await prices('gpt-4o', '--provider', 'openai', '--db', db, '--json');
    expect(JSON.parse(model.stdout)).toMatchObject({ source: 'catalog', prices: { input: 2, output: 10 } });
    // Without the ledger: the bundle.
    const bundled = await prices('gpt-4o', '--provider', 'openai', '--json');
    expect(JSON.parse(bundled.stdout)).toMatchObject({ source: 'catalog', prices: { input: 2.5, output: 10 } });
  }, 60_000);
});
