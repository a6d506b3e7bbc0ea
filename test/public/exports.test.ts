/**
 * The public surface, pinned: what `import ... from 'tokenledger'` offers at run time. A new
 * export is a decision (and a CHANGELOG line), not an accident of `index.ts`; internals such as
 * money helpers, built-in price tables and format sniffing stay out.
 */
import { describe, expect, it } from 'vitest';
import * as tokenledger from '#src/index.js';

const PUBLIC_VALUES = [
  'AbortError',
  'AuthenticationError',
  'BudgetExceededError',
  'BudgetUnavailableError',
  'ConfigError',
  'ConnectionError',
  'InvalidUsageError',
  'ProviderError',
  'RateLimitError',
  'StoreError',
  'TimeoutError',
  'TokenledgerError',
  'ValidationError',
  'compareModels',
  'createClient',
  'createLedger',
  'createPricer',
  'createRateLimiter',
  'createStreamMeter',
  'deleteEvents',
  'estimateUsage',
  'loadConfig',
  'loadRunReport',
  'meterStream',
  'meterStreamText',
  'normalizeResponse',
  'openBudgetCounters',
  'openStore',
  'parseConfig',
  'renderRunReport',
  'startServer',
  'summarizeUsage',
  'usageByAgent',
  'usageByAgentModel',
  'usageByModel',
  'usageByRun',
  'usageOverview',
  'usageTimeseries',
];

describe('public API surface', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(tokenledger).sort()).toEqual(PUBLIC_VALUES);
  });

  it('keeps internals and generic names out', () => {
    const names = new Set(Object.keys(tokenledger));
    for (const internal of [
      'DEEPSEEK_PRICES',
      'tokensToNanos',
      'nanosToUsd',
      'providerFromHint',
      'detectFormat',
      'addCounts',
      'createApp',
      'summary',
      'compare',
      'reset',
      'overview',
      'timeseries',
      'validateRecordInput',
      'redactSecrets',
    ]) {
      expect(names.has(internal), internal).toBe(false);
    }
  });

  it('has one ledger type: a scope has fetch and aiSdkMiddleware, and is itself a ledger', async () => {
    const store = await tokenledger.openStore('memory:');
    const ledger: tokenledger.Ledger = tokenledger.createLedger({ store });
    const scoped: tokenledger.Ledger = ledger.scope({ run: 'r' }).scope({ agent: 'a' });
    expect(typeof scoped.fetch).toBe('function');
    expect(typeof scoped.aiSdkMiddleware).toBe('function');
    expect(scoped.attribution).toEqual({ run: 'r', agent: 'a' });
    await ledger.close();
    await store.close();
  });
});
