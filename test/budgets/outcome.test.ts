import { describe, expect, it } from 'vitest';
import { outcomeOfEvent } from '#src/budgets/index.js';
import type { UsageEvent } from '#src/types/index.js';

const usage = (input?: number, output?: number) => ({
  inputTokens: input,
  outputTokens: output,
  totalTokens: input === undefined || output === undefined ? undefined : input + output,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});
const cost = (totalNanos: number) => ({
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  total: totalNanos / 1e9,
  currency: 'USD' as const,
  totalNanos,
  cacheSavings: 0,
});
function event(fields: Partial<UsageEvent>): UsageEvent {
  return {
    id: 'e',
    time: '2026-12-01T00:00:00Z',
    provider: 'openai',
    model: 'gpt-4o-mini',
    tags: {},
    usage: usage(),
    cost: null,
    status: 'ok',
    attempts: 1,
    estimated: false,
    ...fields,
  };
}

describe('what a finished call settles to', () => {
  it('a success: its cost, or the provider-reported cost when there is one', () => {
    // A completed call's output is what adaptive budgets learn from.
    expect(outcomeOfEvent(event({ usage: usage(10, 5), cost: cost(1234) }))).toEqual({
      costNanos: 1234,
      tokens: 15,
      completedOutput: 5,
    });
    expect(outcomeOfEvent(event({ usage: usage(10, 5), cost: cost(1234), providerCost: 0.000002 }))).toEqual({
      costNanos: 2000,
      tokens: 15,
      completedOutput: 5,
    });
  });

  it('an unpriced success: unknown cost (the guard keeps the hold), known tokens', () => {
    expect(outcomeOfEvent(event({ usage: usage(10, 5) }))).toEqual({
      costNanos: undefined,
      tokens: 15,
      completedOutput: 5,
    });
  });

  it('a provider error status, or no response at all: nothing billed', () => {
    const failed = { status: 'error' as const, error: { type: 'ProviderError', status: 500, message: 'HTTP 500' } };
    expect(outcomeOfEvent(event(failed))).toEqual({ costNanos: 0, tokens: 0 });
    const unreachable = { status: 'error' as const, error: { type: 'ConnectionError', message: 'refused' } };
    expect(outcomeOfEvent(event(unreachable), false)).toEqual({ costNanos: 0, tokens: 0 });
  });

  it('a stream cut before any usage: unknown (settled at the hold)', () => {
    const cut = { status: 'error' as const, error: { type: 'ConnectionError', message: 'response body cut' } };
    expect(outcomeOfEvent(event(cut))).toEqual({ costNanos: undefined, tokens: undefined });
    expect(outcomeOfEvent(undefined)).toEqual({ costNanos: undefined, tokens: undefined });
  });

  it('a stream cancelled after its input count but before its output count: input known, output held', () => {
    const cancelled = event({
      status: 'error',
      error: { type: 'AbortError', message: 'the caller stopped reading' },
      usage: usage(42, undefined),
    });
    expect(outcomeOfEvent(cancelled)).toEqual({ costNanos: undefined, tokens: undefined, inputOnly: cancelled.usage });
  });
});
