/**
 * Issue 11 item 2, in part: the README's Python (standard library only) and curl examples run as shown
 * against `tokenledger serve` (ingest API and gateway; the upstream is the mock provider) and
 * prints exactly the README's output block.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { spawnServe, type ServeProcess } from '../server/serve-process.js';
import { expectedText, librarySnippets } from './readme-blocks.js';

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** The README's first ```LANGUAGE block and the ```text block right after it. */
function example(language: 'python' | 'bash'): { code: string; output: string } {
  const [snippet] = librarySnippets(README, language);
  if (snippet?.expected === undefined) throw new Error(`README: no ${language} block with its output`);
  return { code: snippet.code, output: expectedText(snippet.expected) };
}

/** Runs `code` on the interpreter's stdin against the served ledger; its stdout. */
function run(interpreter: string, code: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = execFile(
      interpreter,
      ['-'],
      { env: { PATH: process.env.PATH ?? '', TOKENLEDGER_URL: serve.url, OPENAI_API_KEY: 'sk-readme-example' } },
      (error, out, err) => (error === null ? resolve(out) : reject(new Error(`${error.message}\n${err}`))),
    );
    child.stdin?.end(code);
  });
}

let mock: MockProvider;
let serve: ServeProcess;

beforeAll(async () => {
  mock = await startMockProvider();
  serve = await spawnServe(['--db', 'memory:', '--port', '0'], {
    TOKENLEDGER_CONFIG: '',
    OPENAI_BASE_URL: `${mock.url}/v1`,
    OPENAI_API_KEY: 'sk-server-key-not-used',
  });
});
afterAll(async () => {
  serve.child.kill('SIGTERM');
  await serve.exited;
  await mock.close();
});

describe('README: Python through the ingest API and the gateway', () => {
  it('runs with python3 and prints what the README shows', async () => {
    const { code, output } = example('python');
    expect(await run('python3', code)).toBe(output);
    // The gateway call reached the upstream, attributed as the headers said.
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]?.path).toBe('/v1/chat/completions');
    // Both calls are in the ledger under the run and agent the script gave (the gateway's
    // recording completes just after its answer: wait for it, bounded).
    type Event = { agent?: string; model: string; usage: { totalTokens?: number } };
    let events: Event[] = [];
    for (let tries = 0; tries < 50 && events.length < 2; tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const page = await fetch(`${serve.url}/analytics/events?run=py-demo`);
      events = ((await page.json()) as { events: Event[] }).events;
    }
    expect(events.map((event) => [event.agent, event.model, event.usage.totalTokens]).sort()).toEqual([
      ['py_agent', 'gpt-4.1-nano-2025-04-14', 379],
      ['py_agent', 'gpt-4o-mini', 150],
    ]);
  });

  it('the curl block prints what the README shows', async () => {
    const { code, output } = example('bash');
    const before = mock.requests.length;
    expect(await run('bash', code)).toBe(output);
    expect(mock.requests.length - before).toBe(1);
  });
});
