/**
 * price() runs on every event: it must never throw, and must agree with the genai-prices
 * engine on the catalog's own arithmetic.
 */
import { calcPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#src/errors/index.js';
import { createPricer } from '#src/pricing/index.js';
import type { PriceOverride, Usage } from '#src/types/index.js';
import { usage } from './helpers.js';

const pricer = createPricer();

describe('never throws', () => {
  const anyCount = fc.oneof(fc.constant(undefined), fc.nat(), fc.double(), fc.constant(null), fc.string());
  const anyUsage = fc.record({
    inputTokens: anyCount,
    outputTokens: anyCount,
    totalTokens: anyCount,
    cacheReadTokens: anyCount,
    cacheWriteTokens: anyCount,
    cacheWrite5mTokens: anyCount,
    cacheWrite1hTokens: anyCount,
    reasoningTokens: anyCount,
    inputAudioTokens: anyCount,
  });
  const anyModel = fc.oneof(
    fc.constantFrom(
      'gpt-4o',
      'claude-sonnet-4-20250514',
      'gemini-2.5-pro',
      'openai/gpt-4o:nitro',
      'x/y:free',
      'deepseek-chat',
      'o3',
      'gpt-4o-realtime-preview',
    ),
    fc.string(),
  );
  const anyProvider = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('openai', 'anthropic', 'google', 'openrouter', 'deepseek'),
    fc.string(),
  );

  it('on arbitrary usage, model, provider and time; a cost is never negative and is exactly its parts', () => {
    fc.assert(
      fc.property(anyProvider, anyModel, anyUsage, fc.date({ noInvalidDate: false }), (provider, model, raw, time) => {
        const result = pricer.price({ provider, model, usage: raw as unknown as Usage, time });
        if (result.cost === null) {
          expect(result.reason.length).toBeGreaterThan(0);
        } else {
          const { cost } = result;
          expect(cost.totalNanos).toBeGreaterThanOrEqual(0);
          expect(Number.isInteger(cost.totalNanos)).toBe(true);
          expect(Math.round((cost.input + cost.cacheRead + cost.cacheWrite + cost.output) * 1e9)).toBe(cost.totalNanos);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses counts no call can have, rather than a cost that is not exactly its parts (fast-check seed 818587954)', () => {
    const huge = pricer.price({
      model: 'gpt-4o',
      usage: usage({ inputTokens: 6.742399354737409e304, outputTokens: 0 }),
      time: new Date(0),
    });
    expect(huge).toEqual({ cost: null, reason: 'invalid usage: token counts must be whole numbers from 0 to 10^10' });
    const fractional = pricer.price({ model: 'gpt-4o', usage: usage({ inputTokens: 10.5, outputTokens: 1 }) });
    expect(fractional.cost).toBeNull();
    const largest = pricer.price({ model: 'gpt-4o', usage: usage({ inputTokens: 1e10, outputTokens: 1e10 }) });
    expect(largest.cost?.totalNanos).toBe(1e10 * 2.5 * 1000 + 1e10 * 10 * 1000);
  });

  it('on garbage input objects', () => {
    for (const input of [
      undefined,
      null,
      {},
      { model: 5 },
      { model: 'gpt-4o' },
      { model: 'gpt-4o', usage: 'x' },
      { model: 'gpt-4o', provider: 7, usage: {} },
    ]) {
      const result = pricer.price(input as never);
      expect(result.cost).toBeNull();
      expect(typeof result.reason).toBe('string');
      expect(() => pricer.lookup(input as never)).not.toThrow();
    }
  });

  it('rejects parts that exceed their totals with a reason', () => {
    const over = pricer.price({
      provider: 'openai',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 10, cacheReadTokens: 20, outputTokens: 0 }),
    });
    expect(over).toEqual({ cost: null, reason: 'invalid usage: cache reads and writes exceed input tokens' });
    const reasoning = pricer.price({
      provider: 'openai',
      model: 'o3',
      usage: usage({ inputTokens: 10, outputTokens: 5, reasoningTokens: 6 }),
    });
    expect(reasoning.reason).toBe('invalid usage: reasoning tokens exceed output tokens');
  });
});

describe('model ids', () => {
  it('a vendor prefix that repeats the provider is dropped; another vendor is not guessed', () => {
    expect(pricer.lookup({ provider: 'openai', model: 'openai/gpt-4o' })?.prices).toMatchObject({
      input: 2.5,
      output: 10,
    });
    expect(pricer.lookup({ provider: 'openai', model: 'anthropic/claude-sonnet-4' })).toBeUndefined();
  });

  it('an OpenRouter id the OpenRouter catalog lacks is priced at the vendor list price, with a note', () => {
    const found = pricer.lookup({ provider: 'openrouter', model: 'openai/gpt-4o-2024-05-13:nitro' });
    expect(found?.source).toBe('catalog');
    expect(found?.note).toContain(':nitro variant');
  });

  it('listPrices lists every priced catalog model of a provider, overrides applied', async () => {
    const custom = createPricer({
      overrides: [{ provider: 'deepseek', model: 'my-tuned-model', input: 1, output: 2 }],
    });
    const rows = await custom.listPrices('deepseek');
    expect(rows.find((row) => row.modelId === 'deepseek-chat')).toMatchObject({
      source: 'override',
      prices: { input: 0.28, output: 0.42 },
    });
    expect(rows.find((row) => row.modelId === 'my-tuned-model')).toMatchObject({
      source: 'override',
      prices: { input: 1, output: 2 },
    });
    expect(rows.every((row) => row.provider === 'deepseek')).toBe(true);
    const all = await pricer.listPrices();
    expect(all.length).toBeGreaterThan(1000);
    // Listed in the catalog without prices: not a price we would use.
    expect(all.some((row) => row.provider === 'github-copilot' && row.modelId === 'gpt-4o')).toBe(false);
  });
});

describe('overrides are validated when the pricer is created', () => {
  it('throws ValidationError naming the field', () => {
    const bad = [{ model: 'x', input: -1, output: 1 }] as PriceOverride[];
    expect(() => createPricer({ overrides: bad })).toThrow(ValidationError);
    expect(() => createPricer({ overrides: bad })).toThrow('overrides[0].input');
    expect(() => createPricer({ overrides: [{ model: '', input: 1, output: 1 }] })).toThrow('overrides[0].model');
    expect(() => createPricer({ overrides: [{ model: 'x', input: 1 } as PriceOverride] })).toThrow(
      'overrides[0].output',
    );
  });

  it('provider-specific overrides are tried before generic ones; first match wins', () => {
    const custom = createPricer({
      overrides: [
        { model: 'gpt-4o', input: 9, output: 9 },
        { provider: 'openai', model: 'GPT-4o', input: 1, output: 1 },
        { provider: 'openai', model: 'gpt-4o', input: 2, output: 2 },
      ],
    });
    expect(custom.lookup({ provider: 'openai', model: 'gpt-4o' })?.prices.input).toBe(1);
    expect(custom.lookup({ provider: 'azure', model: 'gpt-4o' })?.prices.input).toBe(9);
  });

  it('an override for the catalog provider id applies to its aliases', () => {
    const custom = createPricer({ overrides: [{ provider: 'google', model: 'gemini-2.5-pro', input: 1, output: 1 }] });
    expect(custom.lookup({ provider: 'gemini', model: 'gemini-2.5-pro' })?.source).toBe('override');
  });
});

describe('agrees with the genai-prices engine', () => {
  const cases: Array<{ provider: string; model: string; counts: Usage; at?: string }> = [
    {
      provider: 'openai',
      model: 'o3',
      counts: usage({ inputTokens: 10_000, cacheReadTokens: 1_000, outputTokens: 20_000 }),
      at: '2025-06-09T12:00:00Z',
    },
    {
      provider: 'deepseek',
      model: 'deepseek-v4-flash',
      counts: usage({ inputTokens: 10_000, cacheReadTokens: 1_000, outputTokens: 2_000 }),
      at: '2026-09-01T02:30:00Z',
    },
    {
      provider: 'deepseek',
      model: 'deepseek-v4-flash',
      counts: usage({ inputTokens: 10_000, outputTokens: 2_000 }),
      at: '2026-09-01T23:00:00Z',
    },
    {
      provider: 'openai',
      model: 'gpt-4o',
      counts: usage({ inputTokens: 123_456, cacheReadTokens: 23_456, outputTokens: 7_890 }),
    },
    {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      counts: usage({ inputTokens: 250_000, cacheReadTokens: 50_000, cacheWriteTokens: 10_000, outputTokens: 3_000 }),
    },
    {
      provider: 'google',
      model: 'gemini-2.5-flash',
      counts: usage({ inputTokens: 80_000, cacheReadTokens: 1_000, outputTokens: 9_000 }),
    },
    {
      provider: 'openrouter',
      model: 'anthropic/claude-sonnet-4',
      counts: usage({ inputTokens: 5_000, outputTokens: 1_000 }),
    },
    { provider: 'mistral', model: 'mistral-medium-latest', counts: usage({ inputTokens: 5_000, outputTokens: 1_000 }) },
  ];
  it.each(cases)('$provider $model $at', ({ provider, model, counts, at }) => {
    const time = new Date(at ?? '2026-10-01T12:00:00Z');
    const ours = pricer.price({ provider, model, usage: counts, time }).cost;
    const theirs = calcPrice(
      {
        input_tokens: counts.inputTokens,
        cache_read_tokens: counts.cacheReadTokens,
        cache_write_tokens: counts.cacheWriteTokens,
        output_tokens: counts.outputTokens,
      },
      model,
      { providerId: provider, timestamp: time },
    );
    expect(theirs).not.toBeNull();
    expect(ours?.total).toBeCloseTo(theirs?.total_price ?? -1, 9);
  });
});
