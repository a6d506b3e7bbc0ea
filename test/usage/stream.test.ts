/** Stream behaviours beyond the corpus: cuts, garbage, framing details, time to first content. */
import { describe, expect, it } from 'vitest';
import { createStreamAccumulator, createStreamMeter, meterStreamText, normalizeResponse } from '#src/usage/index.js';
import { corpusStreamToText, loadCorpus, type CorpusEvent } from '../helpers/sse.js';

const corpus = loadCorpus();
const fixture = (name: string) => {
  const found = corpus.find((entry) => entry.name.startsWith(name));
  if (found === undefined) throw new Error(`no fixture ${name}`);
  return found;
};
const sse = (events: Array<{ event?: string; data: unknown }>) =>
  events
    .map(
      (event) =>
        `${event.event === undefined ? '' : `event: ${event.event}\n`}data: ${typeof event.data === 'string' ? event.data : JSON.stringify(event.data)}\n\n`,
    )
    .join('');

/** Meters `text` split in two at every byte offset; every split must give `totalTokens`. */
function expectAtEverySplit(text: string, totalTokens: number): void {
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset <= bytes.length; offset++) {
    const meter = createStreamMeter();
    meter.write(bytes.subarray(0, offset));
    meter.write(bytes.subarray(offset));
    const total = meter.end().usage?.totalTokens;
    if (total !== totalTokens)
      throw new Error(`split at byte ${offset}: total ${String(total)}, expected ${totalTokens}`);
  }
}

describe('streams cut short', () => {
  it('an empty stream is unavailable, never zero', () => {
    const result = createStreamMeter().end();
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toBe('stream was empty');
    expect(meterStreamText('   \n\n', { provider: 'openai' }).usage).toBeUndefined();
  });

  it('an OpenAI stream ending before its include_usage chunk is unavailable, with the model kept', () => {
    const events = fixture('openai-05').body as CorpusEvent[];
    const result = meterStreamText(corpusStreamToText({ provider: 'openai', body: events.slice(0, -2) }));
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toBe('stream ended before usage arrived');
    expect(result.model).toBe('gpt-4o-mini-2024-07-18');
    expect(result.format).toBe('openai-chat');
  });

  it('an Anthropic stream cut after message_start knows its input, not its output', () => {
    const events = fixture('anthropic-04').body as CorpusEvent[];
    const cut = events.slice(
      0,
      events.findIndex((event) => event.event === 'message_delta'),
    );
    const result = meterStreamText(corpusStreamToText({ provider: 'anthropic', body: cut }));
    expect(result.usage?.inputTokens).toBe(42);
    expect(result.usage?.outputTokens).toBeUndefined();
    expect(result.usage?.totalTokens).toBeUndefined();
    expect(result.usageUnavailableReason).toMatch(/message_delta/);
  });

  it('a Gemini stream without its final chunk says its counts may be partial', () => {
    const events = fixture('gemini-06').body as CorpusEvent[];
    const result = meterStreamText(corpusStreamToText({ provider: 'gemini', body: events.slice(0, 2) }));
    expect(result.usage?.inputTokens).toBe(15);
    expect(result.usageUnavailableReason).toMatch(/partial/);
  });

  it('a last event cut mid-JSON is skipped with a warning', () => {
    const text = corpusStreamToText(fixture('openai-05'));
    const cut = text.slice(0, text.lastIndexOf('"usage":{') + 20);
    const result = meterStreamText(cut);
    expect(result.usage).toBeUndefined();
    expect(result.warnings.join()).toMatch(/not valid JSON/);
  });
});

describe('framing', () => {
  it('skips garbage between events with a warning, and still finds the usage', () => {
    const text = corpusStreamToText(fixture('openai-04'));
    const dirty = text.replace(/\n\n/g, '\n\ndata: not json at all\n\n: a comment\n\nrandom: field\n\n');
    const result = meterStreamText(dirty);
    expect(result.usage?.totalTokens).toBe(93);
    expect(result.warnings.join()).toMatch(/non-JSON data line/);
    expectAtEverySplit(dirty, 93);
  });

  it('reads CRLF line endings and a stream without a final blank line', () => {
    const text = corpusStreamToText(fixture('mistral-02'))
      .replace(/\n/g, '\r\n')
      .replace(/\r\n\r\n$/, '');
    expect(meterStreamText(text).usage?.totalTokens).toBe(21);
    expectAtEverySplit(text, 21);
  });

  it('ignores OpenRouter keep-alive comments', () => {
    const text = `: OPENROUTER PROCESSING\n\n${corpusStreamToText(fixture('openrouter-03'))}`;
    const result = meterStreamText(text);
    expect(result.usage?.totalTokens).toBe(874);
    expect(result.provider).toBe('openrouter');
    expect(result.providerCost).toBe(0.00333825);
    expectAtEverySplit(text, 874);
  });

  it('reads NDJSON without a trailing newline, and multi-byte characters split across writes', () => {
    const text = corpusStreamToText(fixture('ollama-02'))
      .trimEnd()
      .replace('"content":""', '"content":"héllo 東京 🚀"');
    const bytes = new TextEncoder().encode(text);
    const emoji = bytes.indexOf(0xf0);
    const meter = createStreamMeter();
    meter.write(bytes.subarray(0, emoji + 2));
    meter.write(bytes.subarray(emoji + 2));
    expect(meter.end().usage?.totalTokens).toBe(184);
    expectAtEverySplit(text, 184);
  });

  it('a hinted format skips detection; the first-event detection finds it otherwise', () => {
    const text = corpusStreamToText(fixture('cohere-02'));
    expect(meterStreamText(text, { url: 'https://api.cohere.com/v2/chat' }).format).toBe('cohere');
    expect(meterStreamText(text).format).toBe('cohere');
  });

  it('garbage before the first event is held, then replayed once the format is known', () => {
    const text = `data: ???\n\n${corpusStreamToText(fixture('gemini-07'))}`;
    expect(meterStreamText(text).usage?.totalTokens).toBe(783);
    expectAtEverySplit(text, 783);
  });

  it('falls back to the hinted provider when no event is recognizable', () => {
    const text = sse([{ data: { weird: true } }, { data: { usage: { prompt_tokens: 3, completion_tokens: 5 } } }]);
    const unhinted = meterStreamText(sse([{ data: { weird: true } }]));
    expect(unhinted.format).toBeUndefined();
    expect(unhinted.usageUnavailableReason).toMatch(/no event in a known format/);
    const hinted = meterStreamText(sse([{ data: { weird: true } }]), { provider: 'openai' });
    expect(hinted.format).toBe('openai-chat');
    expect(hinted.usage).toBeUndefined();
    expect(hinted.usageUnavailableReason).toBe('stream ended before usage arrived');
    expect(meterStreamText(text).usage?.totalTokens).toBe(8);
  });

  it('end() is idempotent and writes after it are ignored', () => {
    const meter = createStreamMeter();
    meter.write(corpusStreamToText(fixture('mistral-02')));
    const first = meter.end();
    meter.write('data: {"usage":{"prompt_tokens":1}}\n\n');
    expect(meter.end()).toBe(first);
  });

  it('a huge unterminated line stops metering with a warning instead of growing without bound', () => {
    const meter = createStreamMeter({}, { maxBufferSize: 1000 });
    meter.write(`data: {"x":"${'a'.repeat(5000)}`);
    const result = meter.end();
    expect(result.usage).toBeUndefined();
    expect(result.warnings.join()).toMatch(/exceeded 1000/);
  });
});

describe('a stream answered as one JSON array (Gemini without alt=sse)', () => {
  const chunks = (fixture('gemini-07').body as CorpusEvent[]).map((event) => event.data);
  const text = JSON.stringify(chunks);

  it('normalizeResponse reads it with the stream rule (last chunk), not a sum', () => {
    const result = normalizeResponse(chunks);
    expect(result.usage).toMatchObject({ inputTokens: 507, outputTokens: 276, totalTokens: 783, reasoningTokens: 168 });
    expect(result.format).toBe('gemini');
    expect(
      normalizeResponse(text, {
        url: 'https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent',
      }).usage?.totalTokens,
    ).toBe(783);
  });

  it('the stream meter reads it from raw bytes split at every offset', () => {
    const bytes = new TextEncoder().encode(text);
    for (let offset = 0; offset <= bytes.length; offset += 7) {
      const meter = createStreamMeter();
      meter.write(bytes.subarray(0, offset));
      meter.write(bytes.subarray(offset));
      expect(meter.end().usage?.totalTokens).toBe(783);
    }
  });

  it('a truncated array is unavailable with a warning', () => {
    const result = meterStreamText(text.slice(0, -10));
    expect(result.usage).toBeUndefined();
    expect(result.warnings.join()).toMatch(/JSON array/);
  });
});

describe('time to first content (injected clock)', () => {
  it('stamps the first content event, not the preamble', () => {
    let clock = 1000;
    const meter = createStreamMeter({ provider: 'anthropic' }, { now: () => clock });
    meter.write(
      sse([
        {
          event: 'message_start',
          data: { type: 'message_start', message: { model: 'm', usage: { input_tokens: 5, output_tokens: 1 } } },
        },
      ]),
    );
    clock = 1500;
    meter.write(sse([{ event: 'ping', data: { type: 'ping' } }]));
    expect(meter.firstContentAt).toBeUndefined();
    clock = 2000;
    meter.write(sse([{ event: 'content_block_delta', data: { type: 'content_block_delta', delta: { text: 'hi' } } }]));
    clock = 3000;
    meter.write(sse([{ event: 'message_delta', data: { type: 'message_delta', usage: { output_tokens: 9 } } }]));
    expect(meter.firstContentAt).toBe(2000);
    expect(meter.end().usage).toMatchObject({ inputTokens: 5, outputTokens: 9, totalTokens: 14 });
  });

  it('the Azure prompt-filter chunk and the role-only opening delta are preambles', () => {
    let clock = 0;
    const meter = createStreamMeter({}, { now: () => clock });
    for (const event of fixture('azure-01').body as CorpusEvent[]) {
      clock += 1; // the n-th event arrives at time n
      meter.write(corpusStreamToText({ provider: 'azure', body: [event] }));
    }
    // Event 1 holds only prompt_filter_results, event 2 only the role (`"content":""`).
    expect(meter.firstContentAt).toBe(3);
  });
});

describe('createStreamAccumulator', () => {
  it('Anthropic: message_delta counters replace message_start ones (cumulative), absent ones stay', () => {
    const accumulator = createStreamAccumulator('anthropic');
    accumulator.push({
      event: 'message_start',
      data: JSON.stringify({
        type: 'message_start',
        message: {
          model: 'claude',
          usage: { input_tokens: 2, cache_creation_input_tokens: 3068, cache_read_input_tokens: 0, output_tokens: 69 },
        },
      }),
    });
    accumulator.push({
      event: 'message_delta',
      data: JSON.stringify({ type: 'message_delta', usage: { output_tokens: 100 } }),
    });
    accumulator.push({
      event: 'message_delta',
      data: JSON.stringify({
        type: 'message_delta',
        usage: { input_tokens: 6, cache_read_input_tokens: 6289, output_tokens: 198 },
      }),
    });
    expect(accumulator.result().usage).toMatchObject({
      inputTokens: 6 + 3068 + 6289,
      outputTokens: 198,
      cacheWriteTokens: 3068,
      cacheReadTokens: 6289,
    });
  });

  it('Bedrock: decoded events, usage from metadata', () => {
    const accumulator = createStreamAccumulator('bedrock-converse');
    accumulator.push({ event: 'messageStart', data: '{"role":"assistant"}' });
    accumulator.push({
      event: 'metadata',
      data: '{"usage":{"inputTokens":10,"outputTokens":4,"cacheReadInputTokens":90,"totalTokens":104}}',
    });
    expect(accumulator.result().usage).toMatchObject({
      inputTokens: 100,
      outputTokens: 4,
      totalTokens: 104,
      cacheReadTokens: 90,
    });
  });

  it('xAI chat stream: reasoning added when hinted', () => {
    const chunk = {
      model: 'grok-3-mini',
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 1, completion_tokens_details: { reasoning_tokens: 228 } },
    };
    const accumulator = createStreamAccumulator('openai-chat', { provider: 'xai' });
    accumulator.push({ data: JSON.stringify(chunk) });
    accumulator.push({ data: '[DONE]' });
    const result = accumulator.result();
    expect(result.usage?.outputTokens).toBe(229);
    expect(result.provider).toBe('xai');
  });

  it('a non-string data never throws', () => {
    const accumulator = createStreamAccumulator('gemini');
    accumulator.push({ data: undefined as unknown as string });
    accumulator.push(null as unknown as { data: string });
    expect(accumulator.result().usage).toBeUndefined();
  });
});
