import { describe, expect, it } from 'vitest';
import { ValidationError } from '#src/errors/index.js';
import { createRecordingLedger, validateRecordInput } from '#src/ledger/index.js';
import { openStore } from '#src/store/index.js';

const OK = { provider: 'openai', model: 'gpt-4o' };

const BAD: [string, Record<string, unknown>, string][] = [
  ['negative count', { usage: { inputTokens: -1 } }, 'usage.inputTokens'],
  ['fractional count', { usage: { outputTokens: 1.5 } }, 'usage.outputTokens'],
  ['non-numeric count', { usage: { cacheReadTokens: '12' } }, 'usage.cacheReadTokens'],
  ['NaN count', { usage: { reasoningTokens: Number.NaN } }, 'usage.reasoningTokens'],
  ['infinite count', { usage: { inputTokens: Infinity } }, 'usage.inputTokens'],
  ['part above total', { usage: { inputTokens: 10, cacheReadTokens: 11 } }, 'usage.cacheReadTokens'],
  ['reasoning above output', { usage: { outputTokens: 10, reasoningTokens: 11 } }, 'usage.reasoningTokens'],
  ['unknown status', { status: 'maybe' }, 'status'],
  ['time that is not a time', { time: 'yesterday' }, 'time'],
  ['invalid Date', { time: new Date('nope') }, 'time'],
  ['time of the wrong type', { time: true }, 'time'],
  ['oversized tag value', { tags: { team: 'x'.repeat(257) } }, 'tags.team'],
  ['oversized tag key', { tags: { ['k'.repeat(65)]: 'v' } }, `tags.${'k'.repeat(64)}`],
  ['non-string tag', { tags: { n: 3 } }, 'tags.n'],
  ['too many tags', { tags: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, 'tags'],
  ['negative duration', { durationMs: -5 }, 'durationMs'],
  ['zero attempts', { attempts: 0 }, 'attempts'],
  ['empty model', { model: '' }, 'model'],
  ['long agent', { agent: 'a'.repeat(257) }, 'agent'],
  ['error without message', { error: { type: 'x' } }, 'error.message'],
  ['negative provider cost', { providerCost: -0.1 }, 'providerCost'],
  ['short trace id', { trace: { traceId: 'abc', spanId: '00f067aa0ba902b7' } }, 'trace.traceId'],
  ['all-zero trace id', { trace: { traceId: '0'.repeat(32), spanId: '00f067aa0ba902b7' } }, 'trace.traceId'],
  ['non-hex span id', { trace: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: 'zz' } }, 'trace.spanId'],
  ['trace that is not an object', { trace: 'abc' }, 'trace'],
  // Issue 9, item 9: values no store holds were stored as Inf/REAL (SQLite) or refused for ever (PostgreSQL).
  ['duration beyond bigint microseconds', { durationMs: 1e17 }, 'durationMs'],
  ['duration of 1e308', { durationMs: 1e308 }, 'durationMs'],
  ['time to first token of 1e308', { timeToFirstTokenMs: 1e308 }, 'timeToFirstTokenMs'],
  ['provider cost beyond bigint nano-dollars', { providerCost: 1e12 }, 'providerCost'],
  ['attempts beyond an integer column', { attempts: 1e10 }, 'attempts'],
  ['count above a trillion', { usage: { inputTokens: 1e13 } }, 'usage.inputTokens'],
  ['NUL in a tag value', { tags: { a: 'x\u0000' } }, 'tags.a'],
  ['NUL in the agent', { agent: 'a\u0000b' }, 'agent'],
  ['lone surrogate in the model', { model: 'gpt\uD800' }, 'model'],
  ['NUL in the raw usage', { rawUsage: { note: '\u0000' } }, 'rawUsage'],
  ['NUL in a raw usage key', { rawUsage: { ['a\u0000']: 1 } }, 'rawUsage'],
  ['February 30th', { time: '2026-02-30' }, 'time'],
  ['February 29th of a common year', { time: '2025-02-29T00:00:00Z' }, 'time'],
  ['hour 24', { time: '2026-01-01T24:00:00Z' }, 'time'],
  ['offset beyond a day', { time: '2026-01-01T00:00:00+24:00' }, 'time'],
];

describe('validation', () => {
  it.each(BAD)('rejects a %s naming the field', (_name, patch, field) => {
    let caught: unknown;
    try {
      validateRecordInput({ ...OK, ...patch });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe(field);
    expect((caught as ValidationError).message.startsWith(`${field}: `)).toBe(true);
  });

  it('reads ISO times exactly: real days only, UTC without an offset, offsets applied', () => {
    expect(validateRecordInput({ ...OK, time: '2024-02-29' }).timeMs).toBe(Date.UTC(2024, 1, 29));
    expect(validateRecordInput({ ...OK, time: '2026-01-31T12:00:00' }).timeMs).toBe(Date.UTC(2026, 0, 31, 12));
    expect(validateRecordInput({ ...OK, time: '2026-01-31T12:00:00.5+02:00' }).timeMs).toBe(
      Date.UTC(2026, 0, 31, 10, 0, 0, 500),
    );
    expect(validateRecordInput({ ...OK, time: '0001-01-01T00:00:00Z' }).timeMs).toBe(-62_135_596_800_000);
  });

  it('cleans error messages and warnings of NUL and broken Unicode instead of refusing them', () => {
    const valid = validateRecordInput({
      ...OK,
      error: { type: 'ProviderError', message: 'bad\u0000 answer \uDC00' },
      warnings: ['a\u0000b'],
    });
    expect(valid.error?.message).toBe('bad answer \uFFFD');
    expect(valid.warnings).toEqual(['ab']);
  });

  it('accepts null counts as unknown and the limits themselves', () => {
    const valid = validateRecordInput({
      ...OK,
      usage: { inputTokens: null, outputTokens: 3 },
      tags: { ['k'.repeat(64)]: 'v'.repeat(256) },
      agent: 'a'.repeat(256),
    });
    expect(valid.usage?.inputTokens).toBeUndefined();
    expect(valid.usage?.totalTokens).toBeUndefined();
  });

  it('keeps a trace context, lower-cased, through record', async () => {
    const ledger = createRecordingLedger({ store: await openStore('memory:') });
    const event = await ledger.record({
      ...OK,
      usage: { inputTokens: 1, outputTokens: 1 },
      trace: { traceId: '4BF92F3577B34DA6A3CE929D0E0E4736', spanId: '00F067AA0BA902B7' },
    });
    expect(event.trace).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' });
    const [stored] = (await ledger.store.events({ filter: {}, limit: 1 })).events;
    expect(stored?.trace).toEqual(event.trace);
  });

  it('requires provider and model, on record', async () => {
    const ledger = createRecordingLedger({ store: await openStore('memory:') });
    await expect(ledger.record({ model: 'gpt-4o' })).rejects.toMatchObject({ field: 'provider' });
    await expect(ledger.record({ provider: 'openai' })).rejects.toMatchObject({ field: 'model' });
    expect(ledger.stats().rejected).toBe(2);
  });

  it('recordMany keeps the valid events of a batch and reports the bad ones by index', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    const result = await ledger.recordMany([
      { ...OK, usage: { inputTokens: 1, outputTokens: 1 } },
      { ...OK, usage: { inputTokens: -1 } },
      { ...OK, status: 'weird' as 'ok' },
      { ...OK, usage: { inputTokens: 2, outputTokens: 2 } },
    ]);
    expect(result.events).toHaveLength(2);
    expect(result.rejected.map((r) => [r.index, r.error.field])).toEqual([
      [1, 'usage.inputTokens'],
      [2, 'status'],
    ]);
    const [row] = await store.aggregate({ filter: {}, groupBy: [] });
    expect(row?.calls).toBe(2);
    expect(row?.totalTokens).toBe(6);
  });
});
