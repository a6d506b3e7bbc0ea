import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterFromOptions, parseSince, toCsv } from '#src/cli/commands/report.js';
import { openStore } from '#src/store/index.js';
import { AAPL_REPORT, EVENTS } from '../analytics/dataset.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-report-'));
const db = `sqlite:${join(dir, 'ledger.db')}`;

beforeAll(async () => {
  const store = await openStore(db);
  await store.insert(EVENTS);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tokenledger report', () => {
  it('prints the run report block for --run', async () => {
    const result = await runCli(['report', '--db', db, '--run', 'AAPL']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${AAPL_REPORT}\n`);
  });

  it('--format json without --by prints the overview object', async () => {
    const result = await runCli(['report', '--db', db, '--format', 'json', '--tag', 'team=a']);
    const data = JSON.parse(result.stdout) as {
      summary: { calls: number; cost: { totalNanos: number } };
      models: unknown[];
      agentModels: unknown[];
    };
    expect(data.summary.calls).toBe(6);
    expect(data.summary.cost.totalNanos).toBe(2_997_000);
    expect(data.models).toHaveLength(2);
    expect(data.agentModels).toHaveLength(5);
  });

  it('--by run as a table, --by agent-model as CSV with a header row', async () => {
    const table = await runCli(['report', '--db', db, '--by', 'run']);
    const [rowsText = '', notesText] = table.stdout.trim().split('\n\n');
    const lines = rowsText.split('\n');
    // AAPL's sector_agent call has usage and no price (*); its failed volume_agent call has no usage.
    expect(notesText).toBe(
      [
        "* 1 call with usage but no known price: not included in the cost (n/a: no call of the row has one; the config's prices: sets one)",
        '  1 call without usage (failed before an answer): no tokens, nothing to price',
      ].join('\n'),
    );
    // AAPL's pro call read 100 tokens from cache: a cache saved column (no failure was billed: none for failed cost).
    expect(lines[0]).toMatch(
      /^run\s+calls\s+success\s+input\s+output\s+total\s+cost\s+share\s+cache saved\s+p50\s+p95\s+wall$/,
    );
    // Most expensive first: AAPL $0.002997, MSFT $0.00155, no run $0.000225 (of $0.004772).
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(['AAPL', 'MSFT', '(no run)']);
    expect(lines[1]).toMatch(
      /AAPL\s+6\s+83\.3%\s+1,150\s+540\s+1,690\s+\$0\.002997\*\s+62\.8%\s+\$0\.000112\s+1,000ms\s+3,000ms\s+8\.80s$/,
    );
    expect(lines[3]).toMatch(/\(no run\)\s+1\s+100\.0%\s+50\s+10\s+60\s+\$0\.000225\s+4\.7%\s+\$0\.00\s/);

    const csv = await runCli(['report', '--db', db, '--by', 'agent-model', '--format', 'csv', '--run', 'AAPL']);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]?.startsWith('agent,model,calls,successes,failures,successRate,tokens.input,')).toBe(true);
    expect(rows).toHaveLength(1 + 5);
    const header = rows[0]?.split(',') ?? [];
    const volume = rows.find((r) => r.startsWith('volume_agent,'))?.split(',') ?? [];
    expect(volume[header.indexOf('calls')]).toBe('2');
    expect(volume[header.indexOf('tokens.total')]).toBe('200');
    expect(volume[header.indexOf('successRate')]).toBe('0.5');
  });

  it('--sort ranks the rows by tokens, calls or mean latency instead of cost', async () => {
    const order = async (sort: string) => {
      const result = await runCli(['report', '--db', db, '--by', 'run', '--sort', sort, '--format', 'json']);
      return (JSON.parse(result.stdout) as { run: string | null }[]).map((r) => r.run);
    };
    expect(await order('cost')).toEqual(['AAPL', 'MSFT', null]);
    expect(await order('tokens')).toEqual(['AAPL', 'MSFT', null]); // 1,690, 1,500, 60
    expect(await order('calls')).toEqual(['AAPL', 'MSFT', null]); // 6, then 1 and 1 by cost
    expect(await order('latency')).toEqual(['MSFT', 'AAPL', null]); // mean 2,000, 1,500, 400 ms
  });

  it('--by tag:team (and two dimensions) ranks the tag values by cost; --not and repeated filters narrow it', async () => {
    const json = async (...args: string[]) => {
      const result = await runCli(['report', '--db', db, '--format', 'json', ...args]);
      expect(result.stderr).toBe('');
      return JSON.parse(result.stdout) as {
        total: number;
        groups: { key: Record<string, string | null>; calls: number; cost: { totalNanos: number } }[];
      };
    };
    const figures = (b: Awaited<ReturnType<typeof json>>) => b.groups.map((g) => [g.key, g.calls, g.cost.totalNanos]);
    // team a: events 1-6 ($0.002997), team b: event 7, no team: event 8.
    expect(figures(await json('--by', 'tag:team'))).toEqual([
      [{ 'tag:team': 'a' }, 6, 2_997_000],
      [{ 'tag:team': 'b' }, 1, 1_550_000],
      [{ 'tag:team': null }, 1, 225_000],
    ]);
    expect(figures(await json('--by', 'tag:team', '--not', 'agent=indicator_agent'))).toEqual([
      [{ 'tag:team': 'a' }, 5, 2_687_000],
      [{ 'tag:team': null }, 1, 225_000],
    ]);
    const two = await json('--by', 'tag:team,model', '--model', 'gemini-2.5-pro', '--model', 'gpt-4o');
    expect(figures(two)).toEqual([
      [{ 'tag:team': 'a', model: 'gemini-2.5-pro' }, 2, 2_387_000],
      [{ 'tag:team': null, model: 'gpt-4o' }, 1, 225_000],
    ]);
    const table = await runCli(['report', '--db', db, '--by', 'tag:team']);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^tag:team\s+calls\s+success\s+input\s+output\s+total\s+cost\s+share\s+cache saved\s+p50\s+p95$/,
    );
    expect(lines[3]).toMatch(/^\(none\)\s+1\s/);
  });

  it('filters by time with --from/--to and --since', async () => {
    const range = await runCli([
      'report',
      '--db',
      db,
      '--format',
      'json',
      '--from',
      '2025-01-01T11:00:00Z',
      '--to',
      '2025-01-01T12:00:00Z',
    ]);
    expect((JSON.parse(range.stdout) as { summary: { calls: number } }).summary.calls).toBe(1);
    const recent = await runCli(['report', '--db', db, '--format', 'json', '--since', '1h']);
    expect((JSON.parse(recent.stdout) as { summary: { calls: number } }).summary.calls).toBe(0); // the data set is from 2025
  });

  it.each([
    [['--by', 'color'], /--by must be one of model, agent, run, agent-model/],
    [['--format', 'xml'], /--format must be one of table, json, csv/],
    [['--by', 'model', '--sort', 'fame'], /--sort must be one of cost, tokens, calls, latency/],
    [['--since', 'yesterday'], /--since must look like/],
    [['--from', 'soon'], /--from must be an ISO date-time/],
    [['--from', '2026-02-30'], /--from names a day or hour that does not exist/],
    [['--since', '1h', '--from', '2025-01-01'], /either --since or --from/],
    [['--tag', 'novalue'], /--tag must be KEY=VALUE/],
    [['--by', 'tag:team,model,agent'], /--by must be one of/],
    [['--not', 'status=ok'], /--not must name provider, model, agent, run or tag.KEY/],
    [['--db', 'mysql://x'], /unknown store URL scheme/],
  ])('bad input %j: one stderr line, exit 1, no stack trace', async (args, message) => {
    const result = await runCli(['report', '--db', db, ...args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('report helpers', () => {
  it('parses durations and builds filters', () => {
    expect(parseSince('24h')).toBe(86_400_000);
    expect(parseSince('30m')).toBe(1_800_000);
    expect(
      filterFromOptions(
        { tag: ['team=a', 'user=u=1'], since: '1d', format: 'table' },
        Date.parse('2025-01-02T00:00:00Z'),
      ),
    ).toEqual({
      from: new Date('2025-01-01T00:00:00Z'),
      tags: { team: 'a', user: 'u=1' },
    });
  });

  it('quotes CSV cells that need it', () => {
    expect(toCsv([{ a: 'x,y', b: 'say "hi"', c: null }], { a: '', b: '', c: null })).toBe('a,b,c\n"x,y","say ""hi""",');
  });
});

describe('unpriced calls', () => {
  it('a row whose calls have no known price shows n/a, not $0.00; the run report says n/a too', async () => {
    const unpriced = `sqlite:${join(dir, 'unpriced.db')}`;
    const store = await openStore(unpriced);
    // Only the sample's call with usage and no price (sector_agent, gemini-2.5-pro).
    await store.insert(EVENTS.filter((event) => event.cost === null && event.usage.inputTokens !== undefined));
    await store.close();
    const table = await runCli(['report', '--db', unpriced, '--by', 'model']);
    expect(table.stdout).toMatch(/\ngemini-2\.5-pro\s+1\s+100\.0%\s+300\s+150\s+450\s+n\/a\*\s/);
    expect(table.stdout).toContain('\n\n* 1 call with usage but no known price: not included in the cost');
    expect(table.stdout).not.toContain('without usage');
    const block = await runCli(['report', '--db', unpriced]);
    expect(block.stdout).toContain('Total Cost: n/a (1 call with usage but no known price, not included)\n');
  });
});

describe('failed calls that were billed', () => {
  it('--by model shows a failed cost column when a failure cost something, and the run report says so', async () => {
    const billed = `sqlite:${join(dir, 'billed.db')}`;
    const store = await openStore(billed);
    // The sample's MSFT call, failed after its usage was billed ($0.00155).
    const msft = EVENTS.find((event) => event.run === 'MSFT');
    if (msft === undefined) throw new Error('no MSFT call in the sample');
    await store.insert([{ ...msft, status: 'error', error: { type: 'StreamError', message: 'cut after usage' } }]);
    await store.close();
    const table = await runCli(['report', '--db', billed, '--by', 'model']);
    const [header = '', row = ''] = table.stdout.split('\n');
    expect(header).toMatch(/\sshare\s+failed cost\s+p50/);
    expect(row).toMatch(/\$0\.00155\s+100\.0%\s+\$0\.00155\s/);
    const block = await runCli(['report', '--db', billed]);
    expect(block.stdout).toContain('Failures: 1 of 1 calls (success rate 0.0%), $0.00155 spent on them\n');
  });
});
