import { describe, expect, it } from 'vitest';
import {
  applicableBudgets,
  holdFor,
  IMAGE_PART_TOKENS,
  inputTokenBound,
  LARGEST_CONTEXT_TOKENS,
  TOOLS_PROMPT_TOKENS,
  worstCaseNanos,
} from '#src/budgets/index.js';
import { createPricer } from '#src/pricing/index.js';
import { budget } from './helpers.js';

const pricer = createPricer();

describe('input-token bound', () => {
  it('is the byte length for text (never below any tokenizer: a token is at least one byte)', () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'héllo wörld' }] });
    expect(inputTokenBound(body)).toBe(Buffer.byteLength(body));
    expect(inputTokenBound(Buffer.from(body))).toBe(Buffer.byteLength(body));
  });

  it('adds a per-image bound for each image part (billed by pixels, not bytes)', () => {
    const body = JSON.stringify({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    expect(inputTokenBound(body)).toBe(Buffer.byteLength(body) + 2 * IMAGE_PART_TOKENS);
    const anthropic = JSON.stringify({
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'AAAA' } }] }],
    });
    expect(inputTokenBound(anthropic)).toBe(Buffer.byteLength(anthropic) + IMAGE_PART_TOKENS);
  });

  it('adds the hidden tool prompt when tools are declared', () => {
    const body = JSON.stringify({ tools: [{ name: 'get_weather', input_schema: { type: 'object' } }], messages: [] });
    expect(inputTokenBound(body)).toBe(Buffer.byteLength(body) + TOOLS_PROMPT_TOKENS);
  });

  it('is the context window for content the body does not carry (file ids, document URLs, web search)', () => {
    const file = JSON.stringify({ input: [{ type: 'input_file', file_id: 'file-abc' }] });
    expect(inputTokenBound(file, { contextWindow: 128_000 })).toBe(128_000);
    expect(inputTokenBound(file)).toBe(LARGEST_CONTEXT_TOKENS);
    const gemini = JSON.stringify({ contents: [{ parts: [{ fileData: { fileUri: 'gs://b/v.mp4' } }] }] });
    expect(inputTokenBound(gemini, { contextWindow: 1_048_576 })).toBe(1_048_576);
    const search = JSON.stringify({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] });
    expect(inputTokenBound(search, { contextWindow: 200_000 })).toBe(200_000);
  });

  it('is never above the context window (no call reads more)', () => {
    const body = 'x'.repeat(300_000);
    expect(inputTokenBound(body, { contextWindow: 128_000 })).toBe(128_000);
  });
});

describe('worst-case hold', () => {
  const base = { provider: 'openai', model: 'gpt-4o-mini', inputTokens: 1000, bills: true };

  it('prices the input bound plus max_tokens at the model rates, in nanos', () => {
    // gpt-4o-mini: $0.15 / $0.60 per 1M -> 1000 x 150 + 500 x 600 nanos.
    const hold = holdFor(pricer, { ...base, maxOutputTokens: 500 }, budget({ name: 'b' }));
    expect(hold).toEqual({
      inputTokens: 1000,
      outputTokens: 500,
      amount: 150_000 + 300_000,
      worstAmount: 150_000 + 300_000,
      unpriced: false,
    });
  });

  it('holds the budget default output when the request names no max_tokens', () => {
    const hold = holdFor(pricer, base, budget({ name: 'b', defaultMaxOutputTokens: 2000 }));
    expect(hold.outputTokens).toBe(2000);
    expect(hold.amount).toBe(150_000 + 1_200_000);
  });

  it('prices input at the dearest rate it could be billed at (Claude 1-hour cache writes: 2x input)', () => {
    const hold = holdFor(
      pricer,
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-20250514',
        inputTokens: 1000,
        maxOutputTokens: 500,
        bills: true,
      },
      budget({ name: 'b' }),
    );
    // $6 / 1M for 1h cache writes, $15 / 1M output.
    expect(hold.amount).toBe(6_000_000 + 7_500_000);
  });

  it('uses the long-context tier the input bound falls in (Gemini 2.5 Pro above 200k)', () => {
    const hold = holdFor(
      pricer,
      { provider: 'google', model: 'gemini-2.5-pro', inputTokens: 300_000, maxOutputTokens: 1000, bills: true },
      budget({ name: 'b' }),
    );
    expect(hold.amount).toBe(300_000 * 2.5 * 1000 + 1000 * 15 * 1000);
  });

  it('a token budget holds input bound + output bound tokens, priced or not', () => {
    const hold = holdFor(
      pricer,
      { model: 'no-such-model-xyz', inputTokens: 700, maxOutputTokens: 300, bills: true },
      budget({ name: 't', unit: 'tokens', cap: 10_000 }),
    );
    expect(hold).toMatchObject({ amount: 1000, unpriced: false });
  });

  it('an unpriced model has no USD worst case, unless the budget names a per-call hold', () => {
    const input = { model: 'no-such-model-xyz', inputTokens: 700, maxOutputTokens: 300, bills: true };
    expect(holdFor(pricer, input, budget({ name: 'u' })).amount).toBeUndefined();
    expect(holdFor(pricer, input, budget({ name: 'u', unpricedHoldNanos: 250_000_000 }))).toMatchObject({
      amount: 250_000_000,
      unpriced: true,
    });
  });

  it("prices the same worst case from the model's lookup as without it, for every catalog model and override", async () => {
    const priced = createPricer({
      overrides: [
        { model: 'own-cached', input: 1, output: 2, cacheWrite: 3, cacheWrite1h: 4 },
        { model: 'own-plain', input: 1, output: 2 },
      ],
    });
    const time = new Date('2026-06-01T12:00:00Z');
    const models = await priced.listPrices();
    expect(models.length).toBeGreaterThan(500);
    let skipped = 0;
    for (const { provider, modelId } of models) {
      const call = { provider, model: modelId, time };
      const prices = priced.lookup(call);
      for (const [input, output] of [
        [1000, 500],
        [300_000, 8192],
      ] as const) {
        expect({ modelId, worst: worstCaseNanos(priced, call, input, output, prices) }).toEqual({
          modelId,
          worst: worstCaseNanos(priced, call, input, output),
        });
      }
      if (prices?.tiers === undefined && prices?.extra === undefined) skipped++;
    }
    // Most models price no audio apart and have no tiers: the lookup saves their pricings.
    expect(skipped).toBeGreaterThan(models.length / 2);
  });

  it('routes that bill nothing hold 0', () => {
    expect(holdFor(pricer, { ...base, bills: false }, budget({ name: 'b' })).amount).toBe(0);
  });
});

describe('which budgets apply', () => {
  const all = [
    budget({ name: 'everything' }),
    budget({ name: 'team', scope: { tags: { team: 'quant' } } }),
    budget({ name: 'agent-model', scope: { agent: 'indicator', model: 'gpt-4o-mini' } }),
    budget({ name: 'key', scope: { key: 'ci' } }),
    budget({ name: 'paused', paused: true }),
  ];
  const names = (call: Parameters<typeof applicableBudgets>[1]) => applicableBudgets(all, call).map((b) => b.name);

  it('every field a scope names must match; paused budgets never apply', () => {
    expect(names({ agent: 'indicator', model: 'gpt-4o-mini', tags: { team: 'quant', user: 'ann' } })).toEqual([
      'everything',
      'team',
      'agent-model',
    ]);
    expect(names({ agent: 'indicator', model: 'gpt-4o', key: 'ci' })).toEqual(['everything', 'key']);
    expect(names({ tags: { team: 'ops' } })).toEqual(['everything']);
  });
});
