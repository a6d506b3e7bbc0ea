/**
 * Streamed calls are priced at the tier they were served at, as JSON responses are (issue 14):
 * the tier a stream names (OpenAI chat: every chunk's `service_tier`; Responses: the `response`
 * events; Anthropic: `message_start`'s `message.usage.service_tier`, `message_delta`'s
 * `usage.service_tier`) is read by the stream meter and reaches the recorded event through the
 * one metered-result conversion. Recorded streams name the standard tier; the flex, priority and
 * batch cases are those recordings with the tier's name changed (nothing else).
 */
import { describe, expect, it } from 'vitest';
import { createRecordingLedger, withMeteredResult } from '#src/ledger/index.js';
import { openStore } from '#src/store/index.js';
import { meterStream } from '#src/usage/index.js';
import { namesNoOtherTier } from '#src/usage/service-tier.js';
import { corpusStreamToText, loadCorpus, type CorpusFixture } from '../helpers/sse.js';

const corpus = loadCorpus();
const fixture = (name: string): CorpusFixture => {
  const found = corpus.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no fixture ${name}`);
  return found;
};
/** The recording with every `service_tier` value replaced by `tier`. */
const withTier = (f: CorpusFixture, tier: string): CorpusFixture => ({
  ...f,
  body: JSON.parse(JSON.stringify(f.body).replace(/"service_tier":"[a-z_]+"/g, `"service_tier":"${tier}"`)),
});

const OPENAI_CHAT = 'openai-05-chat-stream-include-usage.json';
const RESPONSES = 'openai-responses-04-stream-cached-reasoning.json';
const ANTHROPIC = 'anthropic-04-stream-classic.json';
const URLS: Record<string, string> = {
  [OPENAI_CHAT]: 'https://api.openai.com/v1/chat/completions',
  [RESPONSES]: 'https://api.openai.com/v1/responses',
  [ANTHROPIC]: 'https://api.anthropic.com/v1/messages',
};
const meter = (f: CorpusFixture) => meterStream(corpusStreamToText(f), { url: URLS[f.name] ?? '' });

describe('streams read their service tier', () => {
  it('the recorded streams name the tier they were served at (the last one named)', () => {
    // The Responses stream says `auto` (requested) in response.created, `default` (used) at the end.
    expect([OPENAI_CHAT, RESPONSES, ANTHROPIC].map((name) => meter(fixture(name)).serviceTier)).toEqual([
      'default',
      'default',
      'standard',
    ]);
  });

  it('a flex or priority stream is recorded at its tier, priced and flagged as a JSON response is', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    try {
      const standard = await ledger.record(withMeteredResult({ agent: 'a' }, meter(fixture(OPENAI_CHAT))));
      expect(standard.tags).toEqual({});
      const flex = await ledger.record(
        withMeteredResult({ agent: 'a' }, meter(withTier(fixture(OPENAI_CHAT), 'flex'))),
      );
      expect(flex.tags).toEqual({ service_tier: 'flex' });
      expect(flex.warnings).toContain(
        'service tier flex: the price catalog has no flex price; priced at the standard price',
      );
      expect(flex.cost?.totalNanos).toBe(standard.cost?.totalNanos);
      const priority = await ledger.record(withMeteredResult({}, meter(withTier(fixture(ANTHROPIC), 'priority'))));
      expect(priority.tags).toEqual({ service_tier: 'priority' });
      const responses = await ledger.record(withMeteredResult({}, meter(withTier(fixture(RESPONSES), 'priority'))));
      expect(responses.tags).toEqual({ service_tier: 'priority' });
    } finally {
      await ledger.close();
      await store.close();
    }
  });

  it('an Anthropic batch stream is half price; a batch call the caller names stays batch over the stream', async () => {
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    try {
      const standard = await ledger.record(withMeteredResult({}, meter(fixture(ANTHROPIC))));
      const batch = await ledger.record(withMeteredResult({}, meter(withTier(fixture(ANTHROPIC), 'batch'))));
      const named = await ledger.record(withMeteredResult({ serviceTier: 'batch' }, meter(fixture(ANTHROPIC))));
      // claude-sonnet-4-5: 42 in at $3 + 419 out at $15 per 1M = 126,000 + 6,285,000 nanos; batch: half.
      expect([standard.cost?.totalNanos, batch.cost?.totalNanos, named.cost?.totalNanos]).toEqual([
        6_411_000, 3_205_500, 3_205_500,
      ]);
      expect([batch.tags, named.tags]).toEqual([{ service_tier: 'batch' }, { service_tier: 'batch' }]);
    } finally {
      await ledger.close();
      await store.close();
    }
  });
});

describe('a chunk naming the tier already held is not parsed again (namesNoOtherTier)', () => {
  it('says so only where no other tier can come of the parse', () => {
    expect(namesNoOtherTier('{"id":"x","service_tier":"default","choices":[]}', 'default')).toBe(true);
    expect(namesNoOtherTier('{"service_tier" : null}', 'default')).toBe(true);
    expect(namesNoOtherTier('{"service_tier":"flex"}', 'default')).toBe(false);
    expect(namesNoOtherTier('{"service_tier":"default"}', undefined)).toBe(false);
    expect(namesNoOtherTier('{"service_tier":"default","usage":{"service_tier":"priority"}}', 'default')).toBe(false);
    expect(namesNoOtherTier('{"service_tier":"de\\u0066ault"}', 'default')).toBe(false);
    expect(namesNoOtherTier('{"service_tier":7}', 'default')).toBe(false);
  });

  it('a stream whose tier changes after many chunks of the same one ends at the last tier named', () => {
    const chunk = (tier: string, i: number) =>
      `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","service_tier":"${tier}","choices":[{"index":0,"delta":{"content":"t${i}"}}]}\n\n`;
    const text = [
      ...Array.from({ length: 5 }, (_, i) => chunk('default', i)),
      chunk('flex', 5),
      chunk('flex', 6),
      'data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","service_tier":null,"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":7,"total_tokens":10}}\n\n',
      'data: [DONE]\n\n',
    ].join('');
    const result = meterStream(text, { url: 'https://api.openai.com/v1/chat/completions' });
    expect(result.serviceTier).toBe('flex');
    expect(result.usage?.outputTokens).toBe(7);
  });
});
