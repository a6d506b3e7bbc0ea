/**
 * Property: whatever valid calls are recorded, the analytics totals equal the sums of the
 * events record() returned (calls, successes, tokens, cost nanos), on memory and SQLite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { usageByModel, summarizeUsage } from '#src/analytics/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore } from '#src/store/index.js';
import type { RecordInput } from '#src/types/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-ledger-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const count = fc.integer({ min: 0, max: 200_000 });
const call: fc.Arbitrary<RecordInput> = fc
  .record({
    model: fc.constantFrom('gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'unknown-model-x'),
    agent: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
    input: fc.option(count, { nil: undefined }),
    output: count,
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    ok: fc.boolean(),
    durationMs: fc.integer({ min: 0, max: 60_000 }),
  })
  .map((c) => ({
    provider: c.model.startsWith('claude') ? 'anthropic' : 'openai',
    model: c.model,
    agent: c.agent,
    status: c.ok ? 'ok' : 'error',
    durationMs: c.durationMs,
    usage:
      c.input === undefined
        ? { outputTokens: c.output }
        : { inputTokens: c.input, outputTokens: c.output, cacheReadTokens: Math.floor(c.input * c.cachedShare) },
  }));

describe.each(['memory:', 'sqlite'])('ledger totals on %s', (kind) => {
  it('equal the sums of the recorded events', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 40 }), async (inputs) => {
        const store = await openStore(kind === 'sqlite' ? `sqlite:${join(dir, `p${++n}.db`)}` : kind);
        try {
          const ledger = createRecordingLedger({ store });
          const { events, rejected } = await ledger.recordMany(inputs);
          expect(rejected).toEqual([]);
          const s = await summarizeUsage(store);
          expect(s.calls).toBe(inputs.length);
          expect(s.successes).toBe(events.filter((e) => e.status === 'ok').length);
          expect(s.tokens.input).toBe(events.reduce((t, e) => t + (e.usage.inputTokens ?? 0), 0));
          expect(s.tokens.output).toBe(events.reduce((t, e) => t + (e.usage.outputTokens ?? 0), 0));
          expect(s.tokens.total).toBe(events.reduce((t, e) => t + (e.usage.totalTokens ?? 0), 0));
          expect(s.cost.totalNanos).toBe(events.reduce((t, e) => t + (e.cost?.totalNanos ?? 0), 0));
          expect(s.unpricedCalls).toBe(events.filter((e) => e.cost === null).length);
          const models = await usageByModel(store);
          expect(models.reduce((t, m) => t + m.calls, 0)).toBe(inputs.length);
          expect(models.reduce((t, m) => t + m.cost.totalNanos, 0)).toBe(s.cost.totalNanos);
        } finally {
          await store.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
