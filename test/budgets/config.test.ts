import { describe, expect, it } from 'vitest';
import { budgetFromConfig } from '#src/budgets/index.js';
import { parseConfig } from '#src/config/index.js';

describe('budgets in the config file', () => {
  it('become BudgetSpecs: USD caps in nanos, windows, scopes with canonical providers', () => {
    const config = parseConfig(
      {
        budgets: [
          { name: 'daily', capUsd: 5, window: 'day' },
          {
            name: 'quant-month',
            capUsd: 120.5,
            window: 'month',
            timeZone: 'Europe/Paris',
            scope: { tags: { team: 'quant' }, provider: 'gemini' },
            failureMode: 'open',
            leaseSeconds: 30,
            unpricedHoldUsd: 0.25,
          },
          { name: 'tokens-6h', capTokens: 2_000_000, window: { rollingHours: 6 }, defaultMaxOutputTokens: 1024 },
          { name: 'prepaid', capUsd: 50, window: 'lifetime', paused: true },
        ],
      },
      'inline',
      {},
    );
    const specs = config.budgets.map(budgetFromConfig);
    expect(specs[0]).toEqual({
      name: 'daily',
      unit: 'usd',
      cap: 5_000_000_000,
      scope: {},
      window: { kind: 'day', timeZone: 'UTC' },
      defaultMaxOutputTokens: 4096,
      failureMode: 'closed',
      mode: { kind: 'strict' },
      leaseMs: 60_000,
      paused: false,
    });
    expect(specs[1]).toMatchObject({
      cap: 120_500_000_000,
      scope: { tags: { team: 'quant' }, provider: 'google' },
      window: { kind: 'month', timeZone: 'Europe/Paris' },
      failureMode: 'open',
      leaseMs: 30_000,
      unpricedHoldNanos: 250_000_000,
    });
    expect(specs[2]).toMatchObject({ unit: 'tokens', cap: 2_000_000, window: { kind: 'rolling', hours: 6 } });
    expect(specs[3]).toMatchObject({ window: { kind: 'lifetime' }, paused: true });
  });

  it.each([
    [{ name: 'x', window: 'day' }, 'budgets.0.capUsd', 'exactly one of capUsd and capTokens'],
    [{ name: 'x', capUsd: 1, capTokens: 5, window: 'day' }, 'budgets.0.capUsd', 'exactly one'],
    [{ name: 'x', capUsd: 1, window: 'day', timeZone: 'Mars/Olympus' }, 'budgets.0.timeZone', 'time zone'],
    [{ name: 'x', capUsd: -1, window: 'day' }, 'budgets.0.capUsd', ''],
    [{ name: 'x|y', capUsd: 1, window: 'day' }, 'budgets.0.name', 'letters'],
    [{ name: 'x', capUsd: 1, window: 'fortnight' }, 'budgets.0.window', ''],
    [{ name: 'x', capUsd: 1, window: 'day', scope: { team: 'a' } }, 'budgets.0.scope', ''],
    [{ name: 'x', capUsd: 1, window: 'day', mode: 'lenient' }, 'budgets.0.mode', ''],
    [{ name: 'x', capUsd: 1, window: 'day', percentile: 90 }, 'budgets.0.percentile', 'mode: adaptive only'],
    [{ name: 'x', capUsd: 1, window: 'day', mode: 'adaptive', percentile: 0 }, 'budgets.0.percentile', ''],
    [{ name: 'x', capUsd: 1, window: 'day', mode: 'adaptive', percentile: 101 }, 'budgets.0.percentile', ''],
    [
      { name: 'x', capUsd: 1, window: 'day', mode: 'strict', minObservations: 5 },
      'budgets.0.minObservations',
      'adaptive',
    ],
  ])('a bad budget is a ConfigError naming the field: %j', (entry, field, message) => {
    expect(() => parseConfig({ budgets: [entry] }, 'inline', {})).toThrow(
      expect.objectContaining({ code: 'config', field, message: expect.stringContaining(message) }),
    );
  });

  it('two budgets may not share a name', () => {
    const budgets = [
      { name: 'same', capUsd: 1, window: 'day' },
      { name: 'same', capUsd: 2, window: 'month' },
    ];
    expect(() => parseConfig({ budgets }, 'inline', {})).toThrow(
      expect.objectContaining({ field: 'budgets.1.name', message: expect.stringContaining('duplicate budget name') }),
    );
  });

  it('mode: adaptive holds the 99th percentile after 20 calls unless told otherwise', () => {
    const config = parseConfig(
      {
        budgets: [
          { name: 'a', capUsd: 1, window: 'day', mode: 'adaptive' },
          { name: 'b', capUsd: 1, window: 'day', mode: 'adaptive', percentile: 95.5, minObservations: 50 },
        ],
      },
      'inline',
      {},
    );
    expect(config.budgets.map((entry) => budgetFromConfig(entry).mode)).toEqual([
      { kind: 'adaptive', percentile: 99, minObservations: 20 },
      { kind: 'adaptive', percentile: 95.5, minObservations: 50 },
    ]);
  });
});
