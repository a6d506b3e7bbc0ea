/**
 * Acceptance: every real response and stream of the usage corpus normalizes EXACTLY to its
 * `expected`, with and without a hint; streams from raw wire text, whole and split at every
 * byte offset, and in random multi-splits.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createStreamAccumulator, createStreamMeter, meterStreamText, normalizeResponse } from '#src/usage/index.js';
import type { UsageResult } from '#src/types/index.js';
import { corpusHint, corpusStreamToText, loadCorpus, type CorpusEvent, type CorpusFixture } from '../helpers/sse.js';

const corpus = loadCorpus();
const responses = corpus.filter((fixture) => fixture.kind === 'response');
const streams = corpus.filter((fixture) => fixture.kind === 'stream');
const encoder = new TextEncoder();

function counts(result: UsageResult): Record<string, number | undefined> {
  const usage = result.usage;
  return {
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
    totalTokens: usage?.totalTokens,
    cacheReadTokens: usage?.cacheReadTokens,
    cacheWriteTokens: usage?.cacheWriteTokens,
    reasoningTokens: usage?.reasoningTokens,
  };
}

function expectExact(fixture: CorpusFixture, result: UsageResult): void {
  expect(counts(result), fixture.name).toEqual(fixture.expected);
  expect(result.usageUnavailableReason, fixture.name).toBeUndefined();
}

it('holds the 45 corpus files (13 providers) and the 4 Anthropic iteration fixtures added since', () => {
  expect(corpus).toHaveLength(49);
  expect(new Set(corpus.map((fixture) => fixture.provider)).size).toBe(13);
});

describe.each(responses.map((fixture) => [fixture.name, fixture] as const))('response %s', (_name, fixture) => {
  it('normalizes exactly from the body alone', () => {
    expectExact(fixture, normalizeResponse(fixture.body));
  });
  it('normalizes exactly with a provider + URL hint', () => {
    expectExact(fixture, normalizeResponse(fixture.body, corpusHint(fixture)));
  });
  it('normalizes exactly from JSON text and from bytes', () => {
    const text = JSON.stringify(fixture.body);
    expectExact(fixture, normalizeResponse(text));
    expectExact(fixture, normalizeResponse(encoder.encode(text), corpusHint(fixture)));
  });
  it('keeps the raw usage object', () => {
    expect(normalizeResponse(fixture.body).rawUsage).toBeDefined();
  });
});

describe.each(streams.map((fixture) => [fixture.name, fixture] as const))('stream %s', (_name, fixture) => {
  const text = corpusStreamToText(fixture);
  const bytes = encoder.encode(text);

  it('meters exactly from raw text, without and with a hint', () => {
    expectExact(fixture, meterStreamText(text));
    expectExact(fixture, meterStreamText(text, corpusHint(fixture)));
  });

  it('meters exactly from pushed events (accumulator)', () => {
    const hinted = meterStreamText(text, corpusHint(fixture));
    const format = hinted.format;
    expect(format).toBeDefined();
    const accumulator = createStreamAccumulator(format!, corpusHint(fixture));
    for (const event of fixture.body as CorpusEvent[]) {
      const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
      accumulator.push(event.event === null ? { data } : { event: event.event, data });
    }
    expectExact(fixture, accumulator.result());
  });

  it('meters exactly when the bytes arrive in two chunks split at EVERY offset', () => {
    for (let offset = 0; offset <= bytes.length; offset++) {
      const meter = createStreamMeter();
      meter.write(bytes.subarray(0, offset));
      meter.write(bytes.subarray(offset));
      const result = meter.end();
      if (result.usage?.totalTokens !== fixture.expected.totalTokens) {
        throw new Error(`${fixture.name}: split at byte ${offset} gave ${JSON.stringify(counts(result))}`);
      }
      expect(counts(result)).toEqual(fixture.expected);
    }
  });

  it('meters exactly in random multi-chunk splits', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const meter = createStreamMeter(corpusHint(fixture));
        for (let index = 1; index < points.length; index++)
          meter.write(bytes.subarray(points[index - 1], points[index]));
        expect(counts(meter.end())).toEqual(fixture.expected);
      }),
      { numRuns: 50 },
    );
  });

  it('reports usage unavailable (never zeros) when cut before its usage arrived', () => {
    const events = fixture.body as CorpusEvent[];
    const firstUsage = events.findIndex(
      (event) => JSON.stringify(event.data).match(/"usage(Metadata|_metadata)?":\{|"eval_count"/) !== null,
    );
    expect(firstUsage).toBeGreaterThanOrEqual(0);
    const cut = corpusStreamToText({ ...fixture, body: events.slice(0, firstUsage) });
    const result = meterStreamText(cut, corpusHint(fixture));
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toMatch(/stream ended before usage arrived/);
  });
});
