import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '#src/store/index.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';

const run = promisify(execFile);
let mock: MockProvider;
let dir: string;

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.reset();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = await mkdtemp(join(tmpdir(), 'tl-cli-batch-'));
});

const KEY = 'sk-test-cli-SECRET-000000000';

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'test/cli/batch-main.ts', 'batch', ...args], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH ?? '',
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: `${mock.url}/v1`,
        TOKENLEDGER_CONFIG: '',
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

type OutLine = {
  id: string;
  status: string;
  text: string | null;
  usage: Record<string, number> | null;
  cost: number | null;
  attempts: number;
  error?: { type: string; status?: number; message: string };
};

async function outLines(path: string): Promise<OutLine[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OutLine);
}

describe('tokenledger batch', () => {
  it('runs every line, reports a malformed one with its line number, records events, ends with the summary', async () => {
    const input = join(dir, 'in.jsonl');
    const out = join(dir, 'out.jsonl');
    const db = `sqlite:${join(dir, 'ledger.db')}`;
    await writeFile(
      input,
      [
        '{"id":"a","prompt":"one"}',
        '{"prompt":"two"}',
        '{oops',
        '',
        '{"id":"c","messages":[{"role":"user","content":"three"}]}',
      ].join('\n'),
    );
    const result = await cli([
      input,
      '--out',
      out,
      '--model',
      'openai/gpt-4o-mini',
      '--db',
      db,
      '--concurrency',
      '2',
      '--run',
      'r1',
    ]);
    // A malformed line is a failure a script must notice: exit 2, though every call succeeded.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 3: not valid JSON');
    expect(result.stdout).toMatch(/3 calls, 3 ok, 0 failed \(100\.00% success\), 1 malformed lines/);
    expect(result.stdout).toMatch(/tokens 1,137 \(in 48, out 1,089\)/);
    const lines = await outLines(out);
    expect(lines.map((line) => line.id).sort()).toEqual(['2', '3', 'a', 'c']);
    const bad = lines.find((line) => line.id === '3')!;
    expect(bad).toMatchObject({ status: 'error', attempts: 0, error: { type: 'InvalidInput' } });
    const good = lines.find((line) => line.id === 'a')!;
    expect(good).toMatchObject({ status: 'ok', attempts: 1, usage: { inputTokens: 16, outputTokens: 363 } });
    expect(good.cost).toBeGreaterThan(0);
    expect(mock.requests).toHaveLength(3);
    const store = await openStore(db);
    const page = await store.events({ filter: { run: 'r1' }, limit: 100 });
    await store.close();
    expect(page.events).toHaveLength(3);
    expect(JSON.stringify(page.events) + (await readFile(out, 'utf8')) + result.stdout + result.stderr).not.toContain(
      KEY,
    );
  });

  it('re-running skips ids already in OUT', async () => {
    const input = join(dir, 'in.jsonl');
    const out = join(dir, 'out.jsonl');
    const db = `sqlite:${join(dir, 'ledger.db')}`;
    await writeFile(input, '{"id":"a","prompt":"one"}\n{"id":"b","prompt":"two"}\n');
    await cli([input, '--out', out, '--model', 'openai/gpt-4o-mini', '--db', db]);
    expect(mock.requests).toHaveLength(2);
    await appendFile(input, '{"id":"c","prompt":"three"}\n');
    const again = await cli([input, '--out', out, '--model', 'openai/gpt-4o-mini', '--db', db]);
    expect(again.stdout).toMatch(/1 calls, 1 ok.*2 skipped/);
    expect(mock.requests).toHaveLength(3);
    expect((await outLines(out)).map((line) => line.id).sort()).toEqual(['a', 'b', 'c']);
    expect(await outLines(out)).toHaveLength(3);
  });

  it('fills a template from each line; a missing field is an error line', async () => {
    const input = join(dir, 'in.jsonl');
    const out = join(dir, 'out.jsonl');
    const template = join(dir, 'prompt.txt');
    await writeFile(template, 'Triage: {{issue.title}} on {{page}}');
    await writeFile(input, '{"id":"x","issue":{"title":"low contrast"},"page":"/home"}\n{"id":"y","issue":{}}\n');
    const result = await cli([
      input,
      '--out',
      out,
      '--model',
      'openai/gpt-4o-mini',
      '--template',
      template,
      '--db',
      'memory:',
    ]);
    expect(result.code).toBe(2);
    expect(mock.requests).toHaveLength(1);
    const sent = mock.requests[0]!.json as { messages: Array<{ content: string }> };
    expect(sent.messages.at(-1)!.content).toBe('Triage: low contrast on /home');
    const lines = await outLines(out);
    expect(lines.find((line) => line.id === 'y')).toMatchObject({
      status: 'error',
      error: { message: expect.stringContaining('{{issue.title}}') },
    });
    expect(result.stderr).toContain('line 2:');
  });

  it('retries a 429 and honours --max-retries', async () => {
    const input = join(dir, 'in.jsonl');
    await writeFile(input, '{"id":"a","prompt":"one"}\n');
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '10' } });
    const retried = await cli([
      input,
      '--out',
      join(dir, 'o1.jsonl'),
      '--model',
      'openai/gpt-4o-mini',
      '--db',
      'memory:',
    ]);
    expect(retried.code).toBe(0);
    expect((await outLines(join(dir, 'o1.jsonl')))[0]).toMatchObject({ status: 'ok', attempts: 2 });
    mock.enqueue({ kind: 'status', status: 429, headers: { 'retry-after-ms': '10' } });
    // Every call failed: exit 2, the summary still printed.
    const failed = await cli([
      input,
      '--out',
      join(dir, 'o2.jsonl'),
      '--model',
      'openai/gpt-4o-mini',
      '--db',
      'memory:',
      '--max-retries',
      '0',
    ]);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toMatch(/1 calls, 0 ok, 1 failed/);
    expect((await outLines(join(dir, 'o2.jsonl')))[0]).toMatchObject({
      status: 'error',
      attempts: 1,
      error: { type: 'RateLimitError', status: 429 },
    });
  });

  for (const [what, args, env, message] of [
    ['no --out', ['--model', 'openai/x'], {}, /--out OUT\.jsonl is required/],
    ['an unknown agent', ['--out', 'o.jsonl', '--agent', 'nobody'], {}, /unknown agent 'nobody'/],
    [
      'a missing key',
      ['--out', 'o.jsonl', '--model', 'anthropic/claude-x'],
      {},
      /provider 'anthropic' is not configured: set ANTHROPIC_API_KEY/,
    ],
    [
      'a bad number',
      ['--out', 'o.jsonl', '--model', 'openai/x', '--rpm', 'lots'],
      {},
      /--rpm must be a positive integer, got "lots"/,
    ],
    [
      'a bad config file',
      ['--out', 'o.jsonl', '--model', 'openai/x', '--config', 'test/cli/missing.yaml'],
      {},
      /config file not found/,
    ],
  ] as const) {
    it(`${what}: one line on stderr, exit 1, nothing sent`, async () => {
      const input = join(dir, 'in.jsonl');
      await writeFile(input, '{"prompt":"x"}\n');
      const result = await cli([input, ...args], env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(mock.requests).toHaveLength(0);
    });
  }
});

describe('tokenledger batch, interrupted', () => {
  it('Ctrl-C stops new work, settles calls in flight, exits 130, and a re-run resumes', async () => {
    const { spawn } = await import('node:child_process');
    const input = join(dir, 'in.jsonl');
    const out = join(dir, 'out.jsonl');
    await writeFile(
      input,
      Array.from({ length: 5 }, (_, index) => JSON.stringify({ id: `i${index}`, prompt: `p${index}` })).join('\n'),
    );
    mock.enqueue({ kind: 'fixture', name: 'openai-01-chat-plain' });
    mock.setDefault({ kind: 'hang' });
    const child = spawn(
      'node',
      [
        '--import',
        'tsx',
        'test/cli/batch-main.ts',
        'batch',
        input,
        '--out',
        out,
        '--model',
        'openai/gpt-4o-mini',
        '--db',
        'memory:',
        '--concurrency',
        '2',
      ],
      {
        cwd: process.cwd(),
        env: {
          PATH: process.env.PATH ?? '',
          OPENAI_API_KEY: KEY,
          OPENAI_BASE_URL: `${mock.url}/v1`,
          TOKENLEDGER_CONFIG: '',
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // One answered, then two hanging in flight.
    while (mock.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toContain('interrupted');
    expect(mock.requests).toHaveLength(3);
    const answered = await outLines(out);
    expect(answered.map((line) => line.id)).toEqual(['i0']);
    mock.reset();
    const again = await cli([input, '--out', out, '--model', 'openai/gpt-4o-mini', '--db', 'memory:']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/4 calls, 4 ok.*1 skipped/);
  });
});
