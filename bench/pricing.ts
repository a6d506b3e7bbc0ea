/**
 * Pricing and estimation throughput: `price()` runs once per recorded event, so it must stay
 * far above any realistic ingest rate (target > 200k events/s on one core).
 */
import { calcPrice } from '@pydantic/genai-prices';
import { createPricer } from '../src/pricing/index.js';
import { addCosts, zeroCost } from '../src/units/index.js';
import type { Usage } from '../src/types/index.js';
import { estimateUsage } from '../src/usage/estimate.js';

function usage(inputTokens: number, outputTokens: number, cacheReadTokens?: number, cacheWriteTokens?: number): Usage {
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: undefined,
  };
}

/** A realistic mix: flat, cached, tiered, OpenRouter suffix, override, free, time-dependent, unknown. */
const MIX: Array<{ provider: string; model: string; usage: Usage }> = [
  { provider: 'openai', model: 'gpt-4o', usage: usage(1200, 300, 800) },
  { provider: 'anthropic', model: 'claude-sonnet-4-20250514', usage: usage(5000, 400, 1000, 3000) },
  { provider: 'google', model: 'gemini-2.5-pro', usage: usage(250_000, 2000) },
  { provider: 'openrouter', model: 'openai/gpt-4o:nitro', usage: usage(900, 100) },
  { provider: 'deepseek', model: 'deepseek-chat', usage: usage(3000, 600, 2000) },
  { provider: 'openrouter', model: 'some-lab/model:free', usage: usage(700, 70) },
  { provider: 'openai', model: 'o3', usage: usage(2000, 4000) },
  { provider: 'openai', model: 'not-a-model', usage: usage(10, 10) },
];

function perSecond(count: number, ms: number): string {
  return Math.round((count / ms) * 1000).toLocaleString('en-US');
}

export async function run(): Promise<string> {
  const pricer = createPricer();
  const time = new Date('2026-06-01T12:00:00Z');
  for (const item of MIX) pricer.price({ ...item, time }); // warm the (provider, model) cache

  const events = 1_000_000;
  let priced = 0;
  let started = performance.now();
  for (let i = 0; i < events; i++) {
    const item = MIX[i % MIX.length] as (typeof MIX)[number];
    if (pricer.price({ provider: item.provider, model: item.model, usage: item.usage, time }).cost !== null) priced++;
  }
  const priceMs = performance.now() - started;

  // The same mix through genai-prices' calcPrice (matches the model on every call).
  const baseline = 50_000;
  started = performance.now();
  for (let i = 0; i < baseline; i++) {
    const item = MIX[i % MIX.length] as (typeof MIX)[number];
    calcPrice(
      {
        input_tokens: item.usage.inputTokens,
        output_tokens: item.usage.outputTokens,
        cache_read_tokens: item.usage.cacheReadTokens,
        cache_write_tokens: item.usage.cacheWriteTokens,
      },
      item.model,
      { providerId: item.provider, timestamp: time },
    );
  }
  const calcMs = performance.now() - started;

  const costs = MIX.slice(0, 3).map((item) => pricer.price({ ...item, time }).cost ?? zeroCost());
  started = performance.now();
  let total = zeroCost();
  for (let i = 0; i < events; i++) total = addCosts(total, costs[i % costs.length] ?? zeroCost());
  const sumMs = performance.now() - started;

  // Random letter strings: a repeated sentence would only measure the tokenizer's merge cache.
  const letters = 'abcdefghijklmnopqrstuvwxyzéü0123456789';
  let seed = 42;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const parts: string[] = [];
  for (let i = 0; i < 30_000; i++) {
    let word = '';
    for (let n = 3 + (next() % 7); n > 0; n--) word += letters[next() % letters.length] ?? '';
    parts.push(word);
  }
  const text = parts.join(' ');
  started = performance.now();
  estimateUsage({ model: 'gpt-4o', prompt: 'warm up' });
  const loadMs = performance.now() - started;
  started = performance.now();
  const estimate = estimateUsage({ model: 'gpt-4o', prompt: text });
  const estimateMs = performance.now() - started;
  const tokens = estimate.usage?.inputTokens ?? 0;

  return [
    '## Pricing',
    '',
    '| what | result |',
    '| --- | --- |',
    `| \`pricer.price()\`, mixed 8-model workload (flat, cached, tiered, :nitro, override, :free, dated, unknown), ${events.toLocaleString('en-US')} events | ${perSecond(events, priceMs)} events/s (${priced.toLocaleString('en-US')} priced) |`,
    `| genai-prices \`calcPrice()\` on the same mix, ${baseline.toLocaleString('en-US')} events | ${perSecond(baseline, calcMs)} events/s (${(calcMs / baseline / (priceMs / events)).toFixed(1)}x slower per event) |`,
    `| \`addCosts\` running total, ${events.toLocaleString('en-US')} events | ${perSecond(events, sumMs)} adds/s, total exact: ${total.totalNanos.toLocaleString('en-US')} nanos |`,
    `| \`estimateUsage\` first call (loads o200k_base) | ${loadMs.toFixed(0)} ms |`,
    `| \`estimateUsage\` on ${(text.length / 1024).toFixed(0)} KiB of text (gpt-4o, o200k_base) | ${tokens.toLocaleString('en-US')} tokens in ${estimateMs.toFixed(0)} ms (${perSecond(tokens, estimateMs)} tokens/s) |`,
  ].join('\n');
}
