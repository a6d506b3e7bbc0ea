/**
 * Our price against the cost OpenRouter itself reported (`usage.cost`, `usage.cost_details`)
 * on real recorded responses (test/fixtures/openrouter, see its SOURCES.md). The provider
 * cost is kept beside ours, not instead of it; here it proves ours right to the nano.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPricer } from '#src/pricing/index.js';
import { usdToNanos } from '#src/units/index.js';
import type { Usage } from '#src/types/index.js';

interface OpenRouterUsage {
  cost: number;
  cost_details: { upstream_inference_prompt_cost: number; upstream_inference_completions_cost: number };
  server_tool_use_details?: { web_search_requests?: number };
}
interface Recorded {
  model: string;
  created: number;
  usage: OpenRouterUsage;
}

function load(name: string): { expected: Usage; recorded: Recorded } {
  const fixture = JSON.parse(readFileSync(new URL(`../fixtures/openrouter/${name}`, import.meta.url), 'utf8')) as {
    expected: Usage;
    body: Recorded | Array<{ data: Recorded | null }>;
  };
  // A stream: the chunk that carries the usage.
  const recorded = Array.isArray(fixture.body)
    ? fixture.body
        .map((chunk) => chunk.data)
        .filter((data): data is Recorded => data?.usage !== undefined && data.usage !== null)
        .at(-1)
    : fixture.body;
  if (!recorded) throw new Error(`${name}: no usage chunk`);
  return { expected: fixture.expected, recorded };
}

const pricer = createPricer();

describe.each([
  ['openrouter-01-chat-cost.json', 'openai/gpt-4.1-mini'],
  ['openrouter-02-chat-cache-read-write.json', 'anthropic/claude-4.6-sonnet-20260217'],
  ['openrouter-03-stream-usage-on-choice-chunk.json', 'x-ai/grok-4'],
])('%s (%s)', (name, model) => {
  const { expected, recorded } = load(name);
  const result = pricer.price({
    provider: 'openrouter',
    model: recorded.model,
    usage: expected,
    time: new Date(recorded.created * 1000),
  });

  it('prices the model', () => {
    expect(recorded.model).toBe(model);
    expect(result.cost).not.toBeNull();
  });

  it("input parts and output equal OpenRouter's own prompt and completion cost to the nano", () => {
    const cost = result.cost;
    if (!cost) throw new Error(result.reason);
    expect(usdToNanos(cost.input) + usdToNanos(cost.cacheRead) + usdToNanos(cost.cacheWrite)).toBe(
      usdToNanos(recorded.usage.cost_details.upstream_inference_prompt_cost),
    );
    expect(usdToNanos(cost.output)).toBe(usdToNanos(recorded.usage.cost_details.upstream_inference_completions_cost));
  });

  it('the total equals usage.cost, less the web-search fee (not a token price)', () => {
    const searches = recorded.usage.server_tool_use_details?.web_search_requests ?? 0;
    // The upstream web-search tool call: OpenAI charges $10 per 1,000 calls
    // (https://platform.openai.com/docs/pricing; genai-prices `web_searches_kcount: 10`), passed through.
    expect(result.cost?.totalNanos).toBe(usdToNanos(recorded.usage.cost) - searches * usdToNanos(10 / 1000));
  });
});
