/**
 * Property tests: random and corrupted input never throws, never yields a negative, NaN,
 * infinite or fractional count, and parts never exceed their totals.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createStreamAccumulator, createStreamMeter, meterStreamText, normalizeResponse } from '#src/usage/index.js';
import type { FormatHint, Usage, UsageFormat, UsageResult } from '#src/types/index.js';
import { corpusHint, corpusStreamToText, loadCorpus, type CorpusEvent } from '../helpers/sse.js';

const corpus = loadCorpus();
const responses = corpus.filter((fixture) => fixture.kind === 'response');
const streams = corpus.filter((fixture) => fixture.kind === 'stream');
const FORMATS: UsageFormat[] = [
  'openai-chat',
  'openai-responses',
  'anthropic',
  'gemini',
  'bedrock-converse',
  'cohere',
  'ollama',
];
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

/** The invariants every result must keep. */
function checkInvariants(result: UsageResult): void {
  expect(Array.isArray(result.warnings)).toBe(true);
  const usage = result.usage;
  if (usage === undefined) {
    expect(typeof result.usageUnavailableReason).toBe('string');
    return;
  }
  for (const [field, value] of Object.entries(usage)) {
    if (value === undefined || field === 'iterations') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      throw new Error(`${field} = ${String(value)}`);
  }
  const { inputTokens: input, outputTokens: output } = usage;
  if (input !== undefined && output !== undefined) expect(usage.totalTokens).toBe(input + output);
  if (input === undefined || output === undefined) expect(usage.totalTokens).toBeUndefined();
  if (input !== undefined) {
    expect((usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0)).toBeLessThanOrEqual(input);
    expect(usage.inputAudioTokens ?? 0).toBeLessThanOrEqual(input);
  }
  if (output !== undefined) {
    expect(usage.reasoningTokens ?? 0).toBeLessThanOrEqual(output);
    expect(usage.outputAudioTokens ?? 0).toBeLessThanOrEqual(output);
  }
  if (usage.cacheWrite5mTokens !== undefined || usage.cacheWrite1hTokens !== undefined) {
    expect((usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0)).toBe(usage.cacheWriteTokens);
  }
  if (result.providerCost !== undefined)
    expect(Number.isFinite(result.providerCost) && result.providerCost >= 0).toBe(true);
  // A call billed in steps: each step keeps the invariants, and the call's counts are their sums.
  if (usage.iterations !== undefined) {
    for (const step of usage.iterations) checkInvariants({ ...result, usage: step.usage, providerCost: undefined });
    const sum = (pick: (step: Usage) => number | undefined) =>
      usage.iterations?.reduce((total, step) => total + (pick(step.usage) ?? Number.NaN), 0);
    expect(usage.inputTokens).toBe(sum((step) => step.inputTokens));
    expect(usage.outputTokens).toBe(sum((step) => step.outputTokens));
  }
}

const hintArbitrary: fc.Arbitrary<FormatHint | undefined> = fc.option(
  fc.record(
    {
      provider: fc.constantFrom(
        'openai',
        'anthropic',
        'google',
        'bedrock',
        'xai',
        'ollama',
        'cohere',
        'openrouter',
        'nonsense',
      ),
      url: fc.constantFrom(
        'https://api.openai.com/v1/chat/completions',
        'https://api.anthropic.com/v1/messages',
        'http://localhost:11434/api/chat',
        'x/models/m:generateContent',
        'garbage',
      ),
      model: fc.constantFrom('grok-3-mini', 'gpt-4o', 'claude'),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

/** Values a corrupted counter may take. */
const corruption = fc.constantFrom<unknown>(
  -1,
  -0,
  0.5,
  12.25,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e15,
  Number.MAX_SAFE_INTEGER,
  2 ** 60,
  null,
  undefined,
  '42',
  'NaN',
  '-3',
  '',
  true,
  {},
  [],
  10_000_000,
);

/** Every path to a number inside a JSON value. */
function numberPaths(
  value: unknown,
  path: Array<string | number> = [],
  found: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  if (typeof value === 'number') found.push(path);
  else if (Array.isArray(value))
    for (const [index, item] of value.entries()) numberPaths(item, [...path, index], found);
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) numberPaths(item, [...path, key], found);
  return found;
}

function setAt(root: unknown, path: Array<string | number>, replacement: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
}

/** A deep copy of `body` with some numbers replaced by corruptions, chosen from `picks`. */
function corrupt(body: unknown, picks: Array<{ at: number; value: unknown }>): unknown {
  const copy = structuredClone(body);
  const paths = numberPaths(copy);
  if (paths.length === 0) return copy;
  for (const pick of picks) setAt(copy, paths[pick.at % paths.length]!, pick.value);
  return copy;
}

const picksArbitrary = fc.array(fc.record({ at: fc.nat(), value: corruption }), { minLength: 1, maxLength: 6 });

describe('normalizeResponse', () => {
  it('random JSON values never throw and keep the invariants', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hintArbitrary, (value, hint) => {
        checkInvariants(normalizeResponse(value, hint));
        checkInvariants(normalizeResponse(JSON.stringify(value) ?? 'undefined', hint));
      }),
      RUNS,
    );
  });

  it('random usage-shaped objects with arbitrary counter values keep the invariants', () => {
    const counter = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom<unknown>(null, '7', 'x', 2 ** 60),
      fc.nat({ max: 5000 }),
    );
    const usage = fc.dictionary(
      fc.constantFrom(
        'prompt_tokens',
        'completion_tokens',
        'total_tokens',
        'input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation_input_tokens',
        'inputTokens',
        'outputTokens',
        'cacheReadInputTokens',
        'cacheWriteInputTokens',
      ),
      counter,
    );
    const details = fc.record(
      { cached_tokens: counter, cache_write_tokens: counter, reasoning_tokens: counter, audio_tokens: counter },
      { requiredKeys: [] },
    );
    const shaped = fc.oneof(
      fc.record({
        object: fc.constant('chat.completion'),
        model: fc.constantFrom('gpt-4o', 'grok-3'),
        usage: fc
          .tuple(usage, details, details)
          .map(([u, p, c]) => ({ ...u, prompt_tokens_details: p, completion_tokens_details: c })),
      }),
      fc.record({
        object: fc.constant('response'),
        usage: fc
          .tuple(usage, details, details)
          .map(([u, i, o]) => ({ ...u, input_tokens_details: i, output_tokens_details: o })),
      }),
      fc.record({
        type: fc.constant('message'),
        content: fc.constant([]),
        usage: fc.tuple(usage, counter, counter).map(([u, a, b]) => ({
          ...u,
          cache_creation: { ephemeral_5m_input_tokens: a, ephemeral_1h_input_tokens: b },
        })),
      }),
      fc.record({
        usageMetadata: fc.record(
          {
            promptTokenCount: counter,
            candidatesTokenCount: counter,
            thoughtsTokenCount: counter,
            cachedContentTokenCount: counter,
            toolUsePromptTokenCount: counter,
          },
          { requiredKeys: [] },
        ),
      }),
      fc.record({ stopReason: fc.constant('end_turn'), usage }),
      fc.record({
        finish_reason: fc.constant('COMPLETE'),
        message: fc.constant({}),
        usage: fc.record({
          tokens: fc.record({ input_tokens: counter, output_tokens: counter }),
          cached_tokens: counter,
        }),
      }),
      fc.record({
        done: fc.constant(true),
        created_at: fc.constant('t'),
        prompt_eval_count: counter,
        eval_count: counter,
      }),
    );
    fc.assert(
      fc.property(shaped, hintArbitrary, (body, hint) => checkInvariants(normalizeResponse(body, hint))),
      RUNS,
    );
  });

  it('corrupted corpus responses (strings, negatives, NaN, fractions, huge, nulls, parts > totals)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...responses), picksArbitrary, fc.boolean(), (fixture, picks, hinted) => {
        const body = corrupt(fixture.body, picks);
        checkInvariants(normalizeResponse(body, hinted ? corpusHint(fixture) : undefined));
      }),
      RUNS,
    );
  });

  it('truncated corpus JSON text is unavailable with a reason, never zeros', () => {
    fc.assert(
      fc.property(fc.constantFrom(...responses), fc.double({ min: 0, max: 1, noNaN: true }), (fixture, fraction) => {
        const text = JSON.stringify(fixture.body);
        const cut = text.slice(0, Math.floor(text.length * fraction) - 1);
        const result = normalizeResponse(cut);
        checkInvariants(result);
        expect(result.usage).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe('streams', () => {
  const garbage = fc.constantFrom(
    'data: {"broken":\n\n',
    'data: not json\n\n',
    ': comment\n\n',
    'event: ping\n\n',
    'retry: x\n\n',
    'data: [DONE]\n\n',
    '\n',
    'garbage line\n\n',
    'data: {"usage": "lots"}\n\n',
    'data: {"usage": {"prompt_tokens": -5}}\n\n',
  );

  it('corrupted corpus streams: numbers, garbage between events, truncation, random chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...streams),
        fc.array(fc.record({ at: fc.nat(), value: corruption }), { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), garbage), { maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (fixture, picks, insertions, keep, cuts, hinted) => {
          const events = corrupt(fixture.body, picks) as CorpusEvent[];
          let text = corpusStreamToText({
            ...fixture,
            body: events.map((event) => ({ ...event, data: event.data ?? null })),
          });
          for (const [at, junk] of insertions) {
            const boundary = text.indexOf('\n\n', at % Math.max(1, text.length));
            if (boundary >= 0) text = `${text.slice(0, boundary + 2)}${junk}${text.slice(boundary + 2)}`;
          }
          text = text.slice(0, Math.floor(text.length * keep));
          const bytes = new TextEncoder().encode(text);
          const points = [0, ...cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
          const meter = createStreamMeter(hinted ? corpusHint(fixture) : undefined);
          for (let index = 1; index < points.length; index++)
            meter.write(bytes.subarray(points[index - 1], points[index]));
          checkInvariants(meter.end());
        },
      ),
      RUNS,
    );
  });

  it('random text and bytes as a stream never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), hintArbitrary, (text, hint) => {
        checkInvariants(meterStreamText(text, hint));
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const meter = createStreamMeter();
        meter.write(bytes);
        checkInvariants(meter.end());
      }),
      RUNS,
    );
  });

  it('random events pushed to every accumulator never throw', () => {
    const data = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
      fc.constant('[DONE]'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.array(fc.record({ event: fc.option(fc.string(), { nil: undefined }), data }), { maxLength: 12 }),
        (format, events) => {
          const accumulator = createStreamAccumulator(format);
          for (const event of events)
            accumulator.push(
              event.event === undefined ? { data: event.data } : { event: event.event, data: event.data },
            );
          checkInvariants(accumulator.result());
        },
      ),
      RUNS,
    );
  });

  it('an empty stream is unavailable in every format', () => {
    for (const format of FORMATS) {
      const result = createStreamAccumulator(format).result();
      expect(result.usage).toBeUndefined();
      expect(result.usageUnavailableReason).toBe('stream ended before usage arrived');
    }
  });
});
