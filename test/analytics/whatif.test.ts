/**
 * Issue 14, "what if": the stock example's calls priced on another model, by the CLI and the
 * API, equal an independent computation: each event's recorded tokens priced by the catalog
 * package's own engine (`calcPrice` of @pydantic/genai-prices) at the target's list prices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelSwap } from '#src/analytics/index.js';
import type { WhatIfReport } from '#src/types/index.js';
import { parseConfig } from '#src/config/index.js';
import { type RunningServer, startServer } from '#src/server/index.js';
import { openStore } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { runStockAnalysis } from '../../examples/stock-analysis/analysis.js';
import { runCli } from '../cli/run-cli.js';

let dir: string;
let db: string;
let events: UsageEvent[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tl-whatif-'));
  db = `sqlite:${join(dir, 'ledger.db')}`;
  const store = await openStore(db);
  try {
    await runStockAnalysis({ tickers: ['AAPL', 'MSFT', 'NVDA'], store, latencyScale: 0 });
    events = (await store.events({ filter: {}, limit: 1000 })).events;
  } finally {
    await store.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The target's list price of one event's tokens, by the catalog package's own engine. */
function listPrice(event: UsageEvent, model: string, providerId: string, withCache = true): number {
  const usage = event.usage;
  const tokens = {
    input_tokens: usage.inputTokens ?? 0,
    output_tokens: usage.outputTokens ?? 0,
    ...(withCache && usage.cacheReadTokens ? { cache_read_tokens: usage.cacheReadTokens } : {}),
  };
  const price = calcPrice(tokens, model, { providerId, timestamp: new Date(event.time) });
  if (price === null) throw new Error(`no list price for ${model}`);
  return price.total_price;
}

interface Expected {
  actual: number;
  whatIf: number;
  calls: number;
  byAgent: Map<string, { actual: number; whatIf: number }>;
}

function independently(model: string, price: (event: UsageEvent) => number): Expected {
  const expected: Expected = { actual: 0, whatIf: 0, calls: 0, byAgent: new Map() };
  for (const event of events.filter((e) => e.model.startsWith(model))) {
    const actual = event.cost?.total ?? Number.NaN;
    const whatIf = price(event);
    expected.calls += 1;
    expected.actual += actual;
    expected.whatIf += whatIf;
    const agent = expected.byAgent.get(event.agent ?? '') ?? { actual: 0, whatIf: 0 };
    agent.actual += actual;
    agent.whatIf += whatIf;
    expected.byAgent.set(event.agent ?? '', agent);
  }
  return expected;
}

function expectEqual(report: WhatIfReport, expected: Expected): void {
  expect(report.totals.calls).toBe(expected.calls);
  expect(report.totals.comparedCalls).toBe(expected.calls);
  // Nano-dollar sums against float sums: equal to well under a millionth of a cent.
  expect(report.totals.actualUsd).toBeCloseTo(expected.actual, 9);
  expect(report.totals.whatIfUsd).toBeCloseTo(expected.whatIf, 9);
  expect(report.totals.differenceUsd).toBeCloseTo(expected.whatIf - expected.actual, 9);
  expect(report.byAgent).toHaveLength(expected.byAgent.size);
  for (const line of report.byAgent) {
    const agent = expected.byAgent.get(line.agent ?? '');
    expect(line.actualUsd).toBeCloseTo(agent?.actual ?? Number.NaN, 9);
    expect(line.whatIfUsd).toBeCloseTo(agent?.whatIf ?? Number.NaN, 9);
  }
  expect(report.byRun.map((run) => run.run).sort()).toEqual(['AAPL', 'MSFT', 'NVDA']);
}

async function cliReport(args: string[]): Promise<WhatIfReport> {
  const result = await runCli(['whatif', '--db', db, ...args, '--format', 'json']);
  expect(result.stderr).not.toContain('Error');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as WhatIfReport;
}

describe('tokenledger whatif over the stock example', () => {
  it('the pro calls on flash: the same as their tokens at flash list prices', async () => {
    const report = await cliReport(['--as', 'gemini-2.5-pro=gemini-2.5-flash']);
    const expected = independently('gemini-2.5-pro', (e) => listPrice(e, 'gemini-2.5-flash', 'google'));
    expect(expected.calls).toBe(9);
    expectEqual(report, expected);
    expect(report.totals.differenceUsd).toBeLessThan(0);
  });

  it('the flash calls (cache reads included) on pro: cache reads at pro cache-read prices', async () => {
    const report = await cliReport(['--as', 'gemini-2.5-flash=gemini-2.5-pro']);
    const expected = independently('gemini-2.5-flash', (e) => listPrice(e, 'gemini-2.5-pro', 'google'));
    expect(events.some((e) => e.model.startsWith('gemini-2.5-flash') && (e.usage.cacheReadTokens ?? 0) > 0)).toBe(true);
    expectEqual(report, expected);
  });

  it('on a target without cache prices, cache reads are priced as input', async () => {
    const report = await cliReport(['--as', 'gemini-2.5-flash=openai:gpt-3.5-turbo']);
    const expected = independently('gemini-2.5-flash', (e) => listPrice(e, 'gpt-3.5-turbo', 'openai', false));
    expectEqual(report, expected);
  });

  it('a table for people; clear errors naming what is wrong', async () => {
    const table = await runCli(['whatif', '--db', db, '--as', 'gemini-2.5-pro=gemini-2.5-flash', '--run', 'AAPL']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^model +as +calls +actual +what if +difference +ratio$/m);
    expect(table.stdout).toMatch(/^gemini-2\.5-pro +gemini-2\.5-flash +3 /m);
    const noAs = await runCli(['whatif', '--db', db]);
    expect(noAs.code).toBe(1);
    expect(noAs.stderr).toContain('--as FROM=TO is required');
    const unpriced = await runCli(['whatif', '--db', db, '--as', 'gemini-2.5-pro=no-such-model-x']);
    expect(unpriced.code).toBe(1);
    expect(unpriced.stderr).toContain('no price known for no-such-model-x');
    const unknown = await runCli(['whatif', '--db', db, '--as', 'gemini-9=gemini-2.5-flash']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no model 'gemini-9' in the ledger");
  });
});

describe('POST /analytics/tokens/whatif', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      config: parseConfig({}, 'inline', {}),
      env: {},
      port: 0,
      db,
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (body: unknown) =>
    fetch(`${server.url}/analytics/tokens/whatif`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers what the CLI prints, with the filter echoed', async () => {
    const response = await post({
      swaps: [{ from: 'gemini-2.5-pro', to: 'gemini-2.5-flash' }],
      filter: { run: 'MSFT' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as WhatIfReport & { filter: unknown };
    expect(body.filter).toMatchObject({ run: 'MSFT' });
    const cli = await cliReport(['--as', 'gemini-2.5-pro=gemini-2.5-flash', '--run', 'MSFT']);
    const { filter: _filter, ...report } = body;
    expect(report).toEqual(cli);
    expect(report.totals.calls).toBe(3);
  });

  it('bad swaps are a 400 naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'swaps'],
      [{ swaps: [] }, 'swaps'],
      [{ swaps: [{ from: 'gemini-2.5-pro' }] }, 'swaps[0]'],
      [{ swaps: [{ from: 'a', to: 'b', toProvider: 7 }] }, 'swaps[0].toProvider'],
      [{ swaps: [{ from: 'gemini-2.5-pro', to: 'no-such-model-x' }] }, 'swaps'],
      [{ swaps: [{ from: 'a', to: 'gemini-2.5-flash' }], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    }
  });
});

describe('parseModelSwap', () => {
  it('reads FROM=TO and FROM=provider:TO; names what is wrong otherwise', () => {
    expect(parseModelSwap('gemini-2.5-pro=gemini-2.5-flash')).toEqual({
      from: 'gemini-2.5-pro',
      to: 'gemini-2.5-flash',
    });
    expect(parseModelSwap('a=openai:gpt-4o')).toEqual({ from: 'a', to: 'gpt-4o', toProvider: 'openai' });
    expect(parseModelSwap('gemini-2.5-pro')).toMatch(/expected FROM=TO/);
    expect(parseModelSwap('=b')).toMatch(/expected FROM=TO/);
    expect(parseModelSwap('a=')).toMatch(/expected FROM=TO/);
  });
});
