/**
 * A stream the caller cancelled before the provider's count: the meter keeps the answer text
 * streamed so far (OpenAI-style and Anthropic), and the estimate counts it as output beside the
 * provider's input count when it came first, else the tokenizer's. Exact counts (o200k).
 */
import { describe, expect, it } from 'vitest';
import { createStreamMeter } from '#src/usage/stream-meter.js';
import { estimateCancelledUsage } from '#src/usage/estimate-stream.js';
import { fixtureEvents, ONE_TOKEN_WORDS, wordChatStream } from '../helpers/mock-provider.js';

const sse = (events: readonly { event: string | null; data: unknown }[]) =>
  events
    .map(
      ({ event, data }) =>
        `${event === null ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    )
    .join('');

describe('streamedText', () => {
  it('an OpenAI chat stream cut after 5 words has streamed those 5 words, and no whole answer', () => {
    const meter = createStreamMeter({ provider: 'openai' }, { collectAnswerText: true });
    meter.write(sse(wordChatStream(ONE_TOKEN_WORDS).slice(0, 6)));
    expect(meter.streamedText).toBe(' one two three four five');
    expect(meter.answerText).toBeUndefined();
    expect(meter.complete).toBe(false);
  });

  it('an Anthropic stream: its thinking and text deltas', () => {
    const meter = createStreamMeter({ provider: 'anthropic' }, { collectAnswerText: true });
    meter.write(sse(fixtureEvents('anthropic-04-stream-classic').slice(0, 5)));
    expect(meter.streamedText).toBe('The question is asking about how to safely');
  });

  it('is not kept unless asked', () => {
    const meter = createStreamMeter({ provider: 'openai' });
    meter.write(sse(wordChatStream(ONE_TOKEN_WORDS).slice(0, 6)));
    expect(meter.streamedText).toBeUndefined();
  });
});

describe('estimateCancelledUsage', () => {
  const read = (usage: Record<string, number | undefined> | undefined) => ({
    format: 'openai-chat' as const,
    provider: 'openai',
    model: 'gpt-4.1-nano',
    usage: usage as never,
    usageUnavailableReason: usage === undefined ? 'stream ended before usage arrived' : undefined,
    estimated: false,
    warnings: [],
  });

  it('no usage came: input from the system prompt and messages, output from the streamed text', () => {
    const result = estimateCancelledUsage(read(undefined), {
      model: 'gpt-4.1-nano',
      system: 'be brief',
      messages: [{ role: 'user', content: 'a holiday' }],
      streamed: ' one two three',
    });
    // 3 priming + (3 + 'system' 1 + 'be brief' 2) + (3 + 'user' 1 + 'a holiday' 2) = 15.
    expect(result.usage).toMatchObject({ inputTokens: 15, outputTokens: 3, totalTokens: 18 });
    expect(result).toMatchObject({ estimated: true, usageUnavailableReason: undefined });
    expect(result.warnings[0]).toContain('input and streamed output counted with the tokenizer');
  });

  it("the provider's input came first (Anthropic's message_start): kept, with its cache parts", () => {
    const result = estimateCancelledUsage(
      read({ inputTokens: 42, outputTokens: undefined, cacheReadTokens: 30, cacheWriteTokens: 0 }),
      { messages: [{ role: 'user', content: 'not counted' }], streamed: ' one two' },
    );
    expect(result.usage).toMatchObject({ inputTokens: 42, outputTokens: 2, totalTokens: 44, cacheReadTokens: 30 });
    expect(result.warnings[0]).toContain('streamed output counted with the tokenizer');
  });

  it('a result that already has its output count is left as it is', () => {
    const complete = read({ inputTokens: 9, outputTokens: 5, totalTokens: 14 });
    expect(estimateCancelledUsage(complete, { streamed: ' one' })).toBe(complete);
  });
});
