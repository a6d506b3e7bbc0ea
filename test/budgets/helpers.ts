/** Budget definitions for tests: a strict USD budget on everything unless told otherwise. */
import type { BudgetSpec } from '#src/types/index.js';

export function budget(overrides: Partial<BudgetSpec> & { name: string }): BudgetSpec {
  return {
    unit: 'usd',
    cap: 5_000_000_000,
    scope: {},
    window: { kind: 'day', timeZone: 'UTC' },
    defaultMaxOutputTokens: 4096,
    failureMode: 'closed',
    mode: { kind: 'strict' },
    leaseMs: 60_000,
    paused: false,
    ...overrides,
  };
}
