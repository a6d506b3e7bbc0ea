/**
 * The acceptance list, each with its arithmetic spelled out against list prices.
 */
import { describe, expect, it } from 'vitest';
import { createPricer } from '#src/pricing/index.js';
import type { PriceResult } from '#src/types/index.js';
import { nanos, usage } from './helpers.js';

const pricer = createPricer();

function costOf(result: PriceResult) {
  if (result.cost === null) throw new Error(`expected a cost, got: ${result.reason}`);
  return result.cost;
}

describe('gpt-4o: 2.50 / 10.00 per 1M, cached input 1.25', () => {
  it('1M in of which 200k cached, 100k out -> (800k*2.5 + 200k*1.25 + 100k*10)/1e6 USD', () => {
    const result = pricer.price({
      provider: 'openai',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 1_000_000, cacheReadTokens: 200_000, outputTokens: 100_000 }),
    });
    const cost = costOf(result);
    expect(cost.input).toBe((800_000 * 2.5) / 1e6);
    expect(cost.cacheRead).toBe((200_000 * 1.25) / 1e6);
    expect(cost.output).toBe((100_000 * 10) / 1e6);
    expect(cost.cacheWrite).toBe(0);
    expect(cost.total).toBe(3.25);
    expect(cost.totalNanos).toBe(3_250_000_000);
    expect(cost.cacheSavings).toBe((200_000 * (2.5 - 1.25)) / 1e6);
    expect(result.source).toBe('catalog');
    expect(result.modelId).toBe('gpt-4o');
  });

  it('a dated snapshot id matches the same prices', () => {
    const cost = costOf(
      pricer.price({
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        usage: usage({ inputTokens: 1000, outputTokens: 1000 }),
      }),
    );
    expect(cost.totalNanos).toBe(nanos(1000, 2.5) + nanos(1000, 10));
  });
});

describe('Claude Sonnet 4: input 3, cache write 3.75 (5m) / 6 (1h), cache read 0.30, output 15', () => {
  it('prices 5-minute and 1-hour writes apart, on exclusive parts', () => {
    // 100k input in all: 20k read from cache, 30k written (10k for 5m, 20k for 1h), 50k uncached.
    const cost = costOf(
      pricer.price({
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        usage: usage({
          inputTokens: 100_000,
          cacheReadTokens: 20_000,
          cacheWriteTokens: 30_000,
          cacheWrite5mTokens: 10_000,
          cacheWrite1hTokens: 20_000,
          outputTokens: 5_000,
        }),
      }),
    );
    expect(cost.input).toBe((50_000 * 3) / 1e6);
    expect(cost.cacheRead).toBe((20_000 * 0.3) / 1e6);
    expect(cost.cacheWrite).toBe((10_000 * 3.75 + 20_000 * 6) / 1e6);
    expect(cost.output).toBe((5_000 * 15) / 1e6);
    expect(cost.totalNanos).toBe(
      nanos(50_000, 3) + nanos(20_000, 0.3) + nanos(10_000, 3.75) + nanos(20_000, 6) + nanos(5_000, 15),
    );
  });

  it('a write with no TTL split is a 5-minute write (3.75)', () => {
    const cost = costOf(
      pricer.price({
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        usage: usage({ inputTokens: 10_000, cacheWriteTokens: 10_000, outputTokens: 0 }),
      }),
    );
    expect(cost.cacheWrite).toBe((10_000 * 3.75) / 1e6);
    expect(cost.input).toBe(0);
  });

  it('all 1h: 6 per 1M, twice the input price', () => {
    const cost = costOf(
      pricer.price({
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        usage: usage({
          inputTokens: 1_000_000,
          cacheWriteTokens: 1_000_000,
          cacheWrite1hTokens: 1_000_000,
          outputTokens: 0,
        }),
      }),
    );
    expect(cost.cacheWrite).toBe(6);
  });
});

describe('gemini-2.5-pro: 1.25/10 at <= 200k prompt tokens, 2.50/15 above', () => {
  it('exactly 200,000 prompt tokens is the base tier', () => {
    const cost = costOf(
      pricer.price({
        provider: 'google',
        model: 'gemini-2.5-pro',
        usage: usage({ inputTokens: 200_000, outputTokens: 1_000 }),
      }),
    );
    expect(cost.input).toBe((200_000 * 1.25) / 1e6);
    expect(cost.output).toBe((1_000 * 10) / 1e6);
    expect(cost.total).toBe(0.26);
  });

  it('200,001 prompt tokens bills every token at the long-context price', () => {
    const cost = costOf(
      pricer.price({
        provider: 'google',
        model: 'gemini-2.5-pro',
        usage: usage({ inputTokens: 200_001, outputTokens: 1_000 }),
      }),
    );
    expect(cost.input).toBe((200_001 * 2.5) / 1e6);
    expect(cost.output).toBe((1_000 * 15) / 1e6);
    expect(cost.totalNanos).toBe(nanos(200_001, 2.5) + nanos(1_000, 15));
  });

  it('the tier counts cached tokens too (total prompt size), and the provider alias gemini works', () => {
    const cost = costOf(
      pricer.price({
        provider: 'gemini',
        model: 'gemini-2.5-pro',
        usage: usage({ inputTokens: 250_000, cacheReadTokens: 100_000, outputTokens: 0 }),
      }),
    );
    expect(cost.input).toBe((150_000 * 2.5) / 1e6);
    expect(cost.cacheRead).toBe((100_000 * 0.25) / 1e6);
  });
});

describe('OpenRouter ids', () => {
  it('openai/gpt-4o at 2.50/10', () => {
    const result = pricer.price({
      provider: 'openrouter',
      model: 'openai/gpt-4o',
      usage: usage({ inputTokens: 10_000, outputTokens: 2_000 }),
    });
    expect(costOf(result).totalNanos).toBe(nanos(10_000, 2.5) + nanos(2_000, 10));
    expect(result.modelId).toBe('openai/gpt-4o');
  });

  it('a :free model the catalog lists costs 0', () => {
    const result = pricer.price({
      provider: 'openrouter',
      model: 'meta-llama/llama-3.3-70b-instruct:free',
      usage: usage({ inputTokens: 50_000, outputTokens: 5_000 }),
    });
    expect(costOf(result).totalNanos).toBe(0);
    expect(result.source).toBe('free');
  });

  it('a :free model the catalog lacks costs 0, not null', () => {
    const result = pricer.price({
      provider: 'openrouter',
      model: 'some-lab/brand-new-model:free',
      usage: usage({ inputTokens: 1_000, outputTokens: 1_000 }),
    });
    expect(result.cost).not.toBeNull();
    expect(costOf(result).total).toBe(0);
    expect(result.source).toBe('free');
  });

  it(':nitro and :floor map to the base id', () => {
    for (const model of ['openai/gpt-4o:nitro', 'openai/gpt-4o:floor']) {
      const result = pricer.price({
        provider: 'openrouter',
        model,
        usage: usage({ inputTokens: 10_000, outputTokens: 2_000 }),
      });
      expect(costOf(result).totalNanos).toBe(nanos(10_000, 2.5) + nanos(2_000, 10));
      expect(result.modelId).toBe('openai/gpt-4o');
    }
    expect(pricer.lookup({ provider: 'openrouter', model: 'openai/gpt-4o:nitro' })?.note).toContain(
      ':nitro variant priced as openai/gpt-4o',
    );
  });

  it('a vendor/model id without a provider is priced as OpenRouter', () => {
    const result = pricer.price({ model: 'openai/gpt-4o', usage: usage({ inputTokens: 1_000, outputTokens: 0 }) });
    expect(costOf(result).totalNanos).toBe(nanos(1_000, 2.5));
  });
});

describe('overrides win over the catalog', () => {
  it('an override for gpt-4o replaces the catalog price', () => {
    const custom = createPricer({
      overrides: [{ provider: 'openai', model: 'gpt-4o', input: 1, output: 2, cacheRead: 0.5 }],
    });
    const result = custom.price({
      provider: 'openai',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 1_000_000, cacheReadTokens: 200_000, outputTokens: 100_000 }),
    });
    expect(result.source).toBe('override');
    expect(costOf(result).total).toBe((800_000 * 1 + 200_000 * 0.5 + 100_000 * 2) / 1e6);
  });

  it('an override to 0 makes a priced model free (a self-hosted copy)', () => {
    const custom = createPricer({
      overrides: [{ provider: 'openrouter', model: 'openai/gpt-4o', input: 0, output: 0 }],
    });
    const result = custom.price({
      provider: 'openrouter',
      model: 'openai/gpt-4o',
      usage: usage({ inputTokens: 5_000, outputTokens: 5_000 }),
    });
    expect(result.source).toBe('override');
    expect(costOf(result).totalNanos).toBe(0);
  });

  it('an override to 0 prices an otherwise unknown local model at 0', () => {
    expect(
      pricer.price({ provider: 'ollama', model: 'llama3.1:8b', usage: usage({ inputTokens: 10, outputTokens: 10 }) })
        .cost,
    ).toBeNull();
    const custom = createPricer({ overrides: [{ provider: 'ollama', model: 'llama3.1:8b', input: 0, output: 0 }] });
    const result = custom.price({
      provider: 'ollama',
      model: 'llama3.1:8b',
      usage: usage({ inputTokens: 10, outputTokens: 10 }),
    });
    expect(result.cost?.total).toBe(0);
  });
});

describe('unknown prices are null with a reason, never 0', () => {
  it('an unknown model', () => {
    expect(
      pricer.price({ provider: 'openai', model: 'gpt-99-ultra', usage: usage({ inputTokens: 10, outputTokens: 10 }) }),
    ).toEqual({
      cost: null,
      reason: 'no price known for model "gpt-99-ultra" (provider "openai")',
    });
    expect(pricer.price({ model: 'mystery', usage: usage({ inputTokens: 10, outputTokens: 10 }) }).reason).toBe(
      'no price known for model "mystery" (provider unknown)',
    );
  });

  it('a catalog model listed without prices', () => {
    const result = pricer.price({
      provider: 'github-copilot',
      model: 'gpt-4o',
      usage: usage({ inputTokens: 10, outputTokens: 10 }),
    });
    expect(result.cost).toBeNull();
    expect(result.reason).toContain('without prices');
  });

  it('usage unavailable', () => {
    const unknown = {
      inputTokens: undefined,
      outputTokens: undefined,
      totalTokens: undefined,
      cacheReadTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
    };
    expect(pricer.price({ provider: 'openai', model: 'gpt-4o', usage: unknown })).toEqual({
      cost: null,
      reason: 'usage unavailable',
    });
    expect(pricer.price({ provider: 'openai', model: 'gpt-4o', usage: { ...unknown, inputTokens: 5 } })).toEqual({
      cost: null,
      reason: 'usage unavailable',
    });
  });
});

describe('DeepSeek: shipped dated override at the list price (the catalog is stale)', () => {
  it('deepseek-chat: miss 0.28, hit 0.028, output 0.42, the same at any hour', () => {
    const counts = usage({ inputTokens: 1_000_000, cacheReadTokens: 400_000, outputTokens: 100_000 });
    const expected = nanos(600_000, 0.28) + nanos(400_000, 0.028) + nanos(100_000, 0.42);
    for (const time of [new Date('2025-12-01T03:00:00Z'), new Date('2025-12-01T20:00:00Z')]) {
      const result = pricer.price({ provider: 'deepseek', model: 'deepseek-chat', usage: counts, time });
      expect(result.source).toBe('override');
      expect(costOf(result).totalNanos).toBe(expected);
    }
    expect(expected / 1e9).toBeCloseTo(0.2212, 12);
  });

  it('dated: catalog (with its off-peak discount) before 2025-09-05 16:00 UTC, V3.1 until 2025-09-29, then V3.2', () => {
    const counts = usage({ inputTokens: 1_000_000, cacheReadTokens: 400_000, outputTokens: 100_000 });
    const at = (iso: string) =>
      pricer.price({ provider: 'deepseek', model: 'deepseek-chat', usage: counts, time: new Date(iso) });
    const peak = at('2025-08-01T12:00:00Z');
    expect(peak.source).toBe('catalog');
    expect(peak.cost?.totalNanos).toBe(nanos(600_000, 0.27) + nanos(400_000, 0.07) + nanos(100_000, 1.1));
    expect(at('2025-08-01T20:00:00Z').cost?.totalNanos).toBe(
      nanos(600_000, 0.135) + nanos(400_000, 0.035) + nanos(100_000, 0.55),
    );
    expect(at('2025-09-05T15:59:59Z').source).toBe('catalog');
    const v31 = at('2025-09-05T16:00:00Z');
    expect(v31.source).toBe('override');
    expect(v31.cost?.totalNanos).toBe(nanos(600_000, 0.56) + nanos(400_000, 0.07) + nanos(100_000, 1.68));
    expect(at('2025-09-28T23:59:59Z').cost?.totalNanos).toBe(v31.cost?.totalNanos);
    expect(at('2025-09-29T00:00:00Z').cost?.totalNanos).toBe(
      nanos(600_000, 0.28) + nanos(400_000, 0.028) + nanos(100_000, 0.42),
    );
    expect(
      pricer.lookup({ provider: 'deepseek', model: 'deepseek-chat', time: new Date('2025-12-01T00:00:00Z') })?.note,
    ).toContain('api-docs.deepseek.com');
  });

  it('deepseek-reasoner too, and a user override beats the shipped one', () => {
    expect(pricer.lookup({ provider: 'deepseek', model: 'deepseek-reasoner' })?.prices).toMatchObject({
      input: 0.28,
      cacheRead: 0.028,
      output: 0.42,
    });
    const custom = createPricer({ overrides: [{ provider: 'deepseek', model: 'deepseek-chat', input: 1, output: 1 }] });
    expect(custom.lookup({ provider: 'deepseek', model: 'deepseek-chat' })?.prices.input).toBe(1);
  });
});

describe('price at the event time', () => {
  it('o3: 10/40 before 2025-06-10, 2/8 from that date', () => {
    const counts = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    const before = pricer.price({
      provider: 'openai',
      model: 'o3',
      usage: counts,
      time: new Date('2025-06-09T23:59:59Z'),
    });
    const after = pricer.price({
      provider: 'openai',
      model: 'o3',
      usage: counts,
      time: new Date('2025-06-10T00:00:00Z'),
    });
    expect(costOf(before).total).toBe(50);
    expect(costOf(after).total).toBe(10);
  });

  it('time-of-day prices (deepseek-v4-flash: dated change, then peak hours 01:00-04:00 UTC)', () => {
    const counts = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    const at = (iso: string) =>
      costOf(pricer.price({ provider: 'deepseek', model: 'deepseek-v4-flash', usage: counts, time: new Date(iso) }))
        .totalNanos;
    expect(at('2026-01-15T12:00:00Z')).toBe(nanos(1e6, 0.14) + nanos(1e6, 0.28));
    expect(at('2026-09-01T12:00:00Z')).toBe(nanos(1e6, 0.22) + nanos(1e6, 0.66));
    expect(at('2026-09-01T02:30:00Z')).toBe(nanos(1e6, 0.44) + nanos(1e6, 1.32));
    expect(at('2026-09-01T04:00:00Z')).toBe(nanos(1e6, 0.22) + nanos(1e6, 0.66));
  });

  it('without a time, the injected clock decides', () => {
    const early = createPricer({ now: () => new Date('2025-01-01T00:00:00Z') });
    const late = createPricer({ now: () => new Date('2025-07-01T00:00:00Z') });
    const counts = usage({ inputTokens: 1_000_000, outputTokens: 0 });
    expect(early.price({ provider: 'openai', model: 'o3', usage: counts }).cost?.total).toBe(10);
    expect(late.price({ provider: 'openai', model: 'o3', usage: counts }).cost?.total).toBe(2);
  });
});

describe('parts the catalog prices apart', () => {
  it('audio tokens at the audio price (gpt-4o-realtime-preview: text 5/20, audio 40/80)', () => {
    const cost = costOf(
      pricer.price({
        provider: 'openai',
        model: 'gpt-4o-realtime-preview',
        usage: usage({ inputTokens: 1_000, inputAudioTokens: 200, outputTokens: 500, outputAudioTokens: 100 }),
      }),
    );
    expect(cost.input).toBe((800 * 5 + 200 * 40) / 1e6);
    expect(cost.output).toBe((400 * 20 + 100 * 80) / 1e6);
  });

  it('audio is priced as text where the model has no audio price', () => {
    const cost = costOf(
      pricer.price({
        provider: 'openai',
        model: 'gpt-4o',
        usage: usage({ inputTokens: 1_000, inputAudioTokens: 200, outputTokens: 0 }),
      }),
    );
    expect(cost.input).toBe((1_000 * 2.5) / 1e6);
  });

  it('reasoning at its own price where the catalog has one (perplexity sonar-deep-research: output 8, reasoning 3)', () => {
    const cost = costOf(
      pricer.price({
        provider: 'perplexity',
        model: 'sonar-deep-research',
        usage: usage({ inputTokens: 0, outputTokens: 1_000, reasoningTokens: 600 }),
      }),
    );
    expect(cost.output).toBe((400 * 8 + 600 * 3) / 1e6);
  });
});
