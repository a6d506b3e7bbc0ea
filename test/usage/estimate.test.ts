import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodingForModel, estimateUsage } from '#src/usage/estimate.js';

// The example conversation of OpenAI's cookbook "How to count tokens with tiktoken"
// (openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb), where the API itself
// reported 129 prompt tokens for gpt-3.5-turbo/gpt-4 and 124 for gpt-4o.
const COOKBOOK_MESSAGES = [
  {
    role: 'system',
    content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

describe('estimateUsage', () => {
  it('matches the prompt tokens OpenAI reported for the cookbook conversation', () => {
    expect(estimateUsage({ model: 'gpt-4', messages: COOKBOOK_MESSAGES }).usage?.inputTokens).toBe(129);
    expect(estimateUsage({ model: 'gpt-3.5-turbo', messages: COOKBOOK_MESSAGES }).usage?.inputTokens).toBe(129);
    expect(estimateUsage({ model: 'gpt-4o', messages: COOKBOOK_MESSAGES }).usage?.inputTokens).toBe(124);
  });

  it('picks the encoding by model family', () => {
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-5', 'o1', 'o3-mini', 'o4-mini', 'openai/gpt-4o']) {
      expect(encodingForModel(model)).toEqual({ name: 'o200k_base', approximate: false });
    }
    for (const model of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'text-embedding-3-small']) {
      expect(encodingForModel(model)).toEqual({ name: 'cl100k_base', approximate: false });
    }
    for (const model of ['claude-sonnet-4', 'gemini-2.5-pro', 'llama3', 'omega-1', undefined]) {
      expect(encodingForModel(model).approximate).toBe(true);
    }
  });

  it('flags estimated: true and labels non-OpenAI models as approximations', () => {
    const result = estimateUsage({ model: 'claude-sonnet-4-20250514', prompt: 'Hello there', output: 'Hi!' });
    expect(result.estimated).toBe(true);
    expect(result.format).toBeUndefined();
    expect(result.model).toBe('claude-sonnet-4-20250514');
    expect(result.warnings).toEqual([
      'approximation: claude-sonnet-4-20250514 is not an OpenAI model; counted with o200k_base',
    ]);
    expect(result.usage).toMatchObject({ inputTokens: 2, outputTokens: 2, totalTokens: 4 });
    expect(estimateUsage({ model: 'gpt-4o', prompt: 'Hello there' }).warnings).toEqual([]);
  });

  it('counts <|endoftext|> and other special-token text in user content as text, without throwing', () => {
    const result = estimateUsage({
      model: 'gpt-4o',
      prompt: 'a <|endoftext|> b <|im_start|>',
      output: '<|endoftext|>',
    });
    expect(result.usage?.inputTokens).toBeGreaterThan(2);
    // As text, <|endoftext|> is several tokens, not the one special token.
    expect(result.usage?.outputTokens).toBeGreaterThan(1);
    const chat = estimateUsage({ model: 'gpt-4', messages: [{ role: 'user', content: '<|endoftext|>' }] });
    expect(chat.usage?.inputTokens).toBeGreaterThan(3 + 3 + 1);
  });

  it('counts text parts and tool calls; leaves unasked counts unknown', () => {
    const parts = estimateUsage({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Describe this image' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ type: 'function', function: { name: 'lookup', arguments: '{"q":"cats"}' } }],
        },
      ],
    });
    const plain = estimateUsage({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Describe this image' }, { role: 'assistant' }],
    });
    expect(parts.usage?.inputTokens).toBeGreaterThan(plain.usage?.inputTokens ?? Infinity);
    expect(parts.usage?.outputTokens).toBeUndefined();
    expect(parts.usage?.totalTokens).toBeUndefined();
    expect(parts.usage?.cacheReadTokens).toBeUndefined();
  });

  it('counts Anthropic tool_use input (as JSON) and tool_result content, and Gemini parts, like plain text', () => {
    const count = (messages: unknown) => estimateUsage({ model: 'claude-sonnet-4', messages }).usage?.inputTokens;
    const input = { city: 'Paris', unit: 'celsius' };
    expect(count([{ role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input }] }])).toBe(
      count([{ role: 'assistant', content: JSON.stringify(input) }]),
    );
    expect(
      count([
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: '18 degrees and sunny' }] },
          ],
        },
      ]),
    ).toBe(count([{ role: 'user', content: '18 degrees and sunny' }]));
    expect(count([{ role: 'user', parts: [{ text: 'Hello Gemini, how are you?' }] }])).toBe(
      count([{ role: 'user', content: 'Hello Gemini, how are you?' }]),
    );
    expect(count([{ role: 'user', content: 'Hello Gemini, how are you?' }])).toBeGreaterThan(
      count([{ role: 'user', content: '' }]) ?? Infinity,
    );
  });

  it('reports usage unavailable when there is nothing to count', () => {
    const result = estimateUsage({ model: 'gpt-4o' });
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toMatch(/nothing to count/);
    expect(estimateUsage({ model: 'gpt-4o', messages: 'not an array' }).warnings).toContain(
      'messages is not an array; not counted',
    );
  });

  it('never throws and never counts below zero (property)', () => {
    const anyMessages = fc.oneof(
      fc.anything(),
      fc.array(
        fc.record({
          role: fc.string(),
          content: fc.oneof(fc.string(), fc.array(fc.record({ type: fc.string(), text: fc.string() }))),
          name: fc.option(fc.string()),
        }),
      ),
    );
    fc.assert(
      fc.property(
        fc.option(fc.oneof(fc.string(), fc.constantFrom('gpt-4o', 'gpt-4', 'claude-3-haiku'))),
        fc.option(fc.oneof(fc.string(), fc.constantFrom('<|endoftext|>', '<|fim_prefix|>x<|im_end|>'))),
        fc.option(anyMessages),
        fc.option(fc.string({ unit: 'binary' })),
        (model, prompt, messages, output) => {
          const result = estimateUsage({
            model: model ?? undefined,
            prompt: prompt ?? undefined,
            messages: messages ?? undefined,
            output: output ?? undefined,
          });
          expect(result.estimated).toBe(true);
          for (const count of [result.usage?.inputTokens, result.usage?.outputTokens, result.usage?.totalTokens]) {
            if (count !== undefined) {
              expect(Number.isInteger(count)).toBe(true);
              expect(count).toBeGreaterThanOrEqual(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(() => estimateUsage(undefined as never)).not.toThrow();
  });
});
