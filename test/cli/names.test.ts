/**
 * Issue 11 item 6: read-only commands never create a ledger; a run, model or agent nobody
 * recorded is said so, with the close names; a model named without its date finds its one
 * dated version.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeNames, datedVersions } from '#src/analytics/index.js';
import { openStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { EVENTS } from '../analytics/dataset.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-cli-names-'));
const db = `sqlite:${join(dir, 'ledger.db')}`;

/** A sample event answered by `model`. */
function answeredBy(n: number, model: string, provider: string): UsageEvent {
  return { ...(EVENTS[0] as UsageEvent), id: `01JK${String(n).padStart(22, '0')}`, model, provider };
}

beforeAll(async () => {
  const store = await openStore(db);
  await store.insert([
    // The sample's own undated gpt-4o call is left out: here gpt-4o is known only by its date.
    ...EVENTS.filter((event) => event.model !== 'gpt-4o'),
    answeredBy(1, 'gpt-4o-2024-08-06', 'openai'),
    answeredBy(2, 'gpt-4o-2024-08-06', 'openai'),
    answeredBy(3, 'gpt-4.1-2025-04-14', 'openai'),
    answeredBy(4, 'gpt-4.1-2025-05-01', 'openai'),
  ]);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('read-only commands never create a ledger', () => {
  it('report in an empty folder says there is no ledger and leaves none behind', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const result = await runCli(['report'], { cwd: empty, env: { TOKENLEDGER_DB: '', TOKENLEDGER_CONFIG: '' } });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tokenledger report: no ledger at ./tokenledger.db; record something first or pass --db\n',
    });
    expect(existsSync(join(empty, 'tokenledger.db'))).toBe(false);
  });

  it('compare --db with a missing file names it', async () => {
    const missing = join(dir, 'missing.db');
    const result = await runCli(['compare', 'a', 'b', '--db', `sqlite:${missing}`]);
    expect(result.code).toBe(1);
    // (The message's temp folder name is random enough for the secret redaction to mask it.)
    expect(result.stderr).toMatch(
      /^tokenledger compare: no ledger at \/.*\/missing\.db; record something first or pass --db\n$/,
    );
    expect(existsSync(missing)).toBe(false);
  });
});

describe('unknown names', () => {
  it('report --run NOPE says so instead of printing a zero report', async () => {
    const result = await runCli(['report', '--db', db, '--run', 'NOPE']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: "tokenledger report: no run 'NOPE' in the ledger; tokenledger report --by run lists the 2 recorded\n",
    });
  });

  it('suggests the close names of a run, an agent and a model', async () => {
    const run = await runCli(['report', '--db', db, '--run', 'aapl']);
    expect(run.stderr).toBe("tokenledger report: no run 'aapl' in the ledger; close names: AAPL\n");
    const agent = await runCli(['report', '--db', db, '--by', 'model', '--agent', 'volume']);
    expect(agent.stderr).toBe("tokenledger report: no agent 'volume' in the ledger; close names: volume_agent\n");
    const model = await runCli(['compare', 'gemini-2.5-flsh', 'gemini-2.5-pro', '--db', db]);
    expect(model.code).toBe(1);
    expect(model.stderr).toBe(
      "tokenledger compare: no model 'gemini-2.5-flsh' in the ledger; close names: gemini-2.5-flash, gemini-2.5-pro\n",
    );
  });

  it('closeNames ranks by edits and containment, ignoring case, and leaves far names out', () => {
    const names = ['AAPL', 'MSFT', 'gemini-2.5-flash', 'gemini-2.5-pro', 'volume_agent'];
    expect(closeNames('msft', names)).toEqual(['MSFT']);
    expect(closeNames('gemini-2.5', names)).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(closeNames('NOPE', names)).toEqual([]);
  });
});

describe('a model name finds its dated version', () => {
  it('compare gpt-4o finds gpt-4o-2024-08-06, and says so on stderr', async () => {
    const result = await runCli(['compare', 'gpt-4o', 'gemini-2.5-pro', '--db', db, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('tokenledger compare: gpt-4o: the ledger has it as gpt-4o-2024-08-06\n');
    const models = (JSON.parse(result.stdout) as { models: { model: string; calls: number }[] }).models;
    expect(models.map((m) => [m.model, m.calls])).toEqual([
      ['gpt-4o-2024-08-06', 2],
      ['gemini-2.5-pro', 2],
    ]);
  });

  it('report --model gpt-4o filters on the dated version', async () => {
    const result = await runCli(['report', '--db', db, '--model', 'gpt-4o', '--format', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { summary: { calls: number } }).summary.calls).toBe(2);
  });

  it('several dated versions: refused, naming them', async () => {
    const result = await runCli(['compare', 'gpt-4.1', 'gpt-4o', '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "tokenledger compare: model 'gpt-4.1' is recorded only under dated versions, several of them: gpt-4.1-2025-04-14, gpt-4.1-2025-05-01; name one\n",
    );
  });

  it('datedVersions knows the date suffixes of OpenAI, Anthropic and Mistral, not version counters', () => {
    const names = ['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'claude-sonnet-4-5-20250929', 'mistral-large-2411'];
    expect(datedVersions('gpt-4o', names)).toEqual(['gpt-4o-2024-08-06']);
    expect(datedVersions('claude-sonnet-4-5', names)).toEqual(['claude-sonnet-4-5-20250929']);
    expect(datedVersions('mistral-large', names)).toEqual(['mistral-large-2411']);
    expect(datedVersions('gemini-2.0-flash', ['gemini-2.0-flash-001'])).toEqual([]);
  });
});
