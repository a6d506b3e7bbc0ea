/**
 * The span -> event mapper on its own (pure): which spans are model calls, how each
 * convention's usage reads into the inclusive convention, attribution limits, ids.
 */
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH, MAX_TAGS } from '#src/ledger/index.js';
import { mapOtelSpan, type OtelSpan, type OtelValue, type SpanCall } from '#src/usage/index.js';
import { SPAN_NAME_LIMIT, SPAN_TAG_LIMITS } from '#src/usage/otel/span-attribution.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const START = Date.UTC(2026, 5, 1, 12, 0, 0);

function span(attributes: Record<string, OtelValue>, patch: Partial<OtelSpan> = {}): OtelSpan {
  return {
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    parentSpanId: undefined,
    name: 'span',
    kind: 3,
    startMs: START,
    endMs: START + 850,
    attributes: new Map(Object.entries(attributes)),
    events: [],
    status: { code: 0, message: '' },
    origin: { resource: new Map([['service.name', 'app']]), scopeName: 'test', scopeVersion: '1' },
    ...patch,
  };
}

function call(attributes: Record<string, OtelValue>, patch: Partial<OtelSpan> = {}): SpanCall['input'] {
  const verdict = mapOtelSpan(span(attributes, patch));
  if (verdict.kind !== 'call') throw new Error(`expected a call, got ${verdict.kind}: ${verdict.reason}`);
  return verdict.input;
}

const CHAT = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o' };

describe('which spans are model calls', () => {
  it.each<[string, Record<string, OtelValue>, 'call' | 'skip']>([
    ['GenAI chat', CHAT, 'call'],
    ['GenAI embeddings', { ...CHAT, 'gen_ai.operation.name': 'embeddings' }, 'call'],
    ['GenAI generate_content', { ...CHAT, 'gen_ai.operation.name': 'generate_content' }, 'call'],
    ['GenAI text_completion', { ...CHAT, 'gen_ai.operation.name': 'text_completion' }, 'call'],
    [
      'GenAI invoke_agent with usage',
      { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.usage.input_tokens': 9 },
      'skip',
    ],
    ['GenAI execute_tool', { 'gen_ai.operation.name': 'execute_tool' }, 'skip'],
    ['aggregated usage', { 'gen_ai.aggregated_usage.input_tokens': 9, 'gen_ai.request.model': 'gpt-4o' }, 'skip'],
    ['AI SDK doGenerate', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.usage.inputTokens': 1 }, 'call'],
    ['AI SDK doStream', { 'ai.operationId': 'ai.streamText.doStream' }, 'call'],
    ['AI SDK doEmbed', { 'ai.operationId': 'ai.embed.doEmbed' }, 'call'],
    ['AI SDK root span with usage', { 'ai.operationId': 'ai.generateText', 'gen_ai.usage.input_tokens': 5 }, 'skip'],
    ['OpenInference LLM', { 'openinference.span.kind': 'LLM' }, 'call'],
    ['OpenInference EMBEDDING', { 'openinference.span.kind': 'EMBEDDING' }, 'call'],
    ['OpenInference AGENT with counts', { 'openinference.span.kind': 'AGENT', 'llm.token_count.prompt': 3 }, 'skip'],
    ['OpenInference CHAIN', { 'openinference.span.kind': 'CHAIN' }, 'skip'],
    ['OpenLLMetry chat (no operation name)', { 'llm.request.type': 'chat', 'gen_ai.system': 'OpenAI' }, 'call'],
    ['OpenLLMetry workflow', { 'traceloop.span.kind': 'workflow', 'gen_ai.usage.input_tokens': 4 }, 'skip'],
    [
      'older GenAI CLIENT span with usage',
      { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 4 },
      'call',
    ],
    ['an HTTP span', { 'http.request.method': 'POST', 'url.full': 'https://api.openai.com/v1/chat' }, 'skip'],
    ['a span tokenledger exported', { ...CHAT, 'tokenledger.event.id': '01J' }, 'skip'],
  ])('%s: %s', (_name, attributes, expected) => {
    expect(mapOtelSpan(span(attributes)).kind).toBe(expected);
  });

  it('an INTERNAL span with usage but no operation name is not guessed to be a call', () => {
    expect(
      mapOtelSpan(span({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 4 }, { kind: 1 })).kind,
    ).toBe('skip');
  });
});

describe('usage, inclusive', () => {
  it('GenAI: input includes cache read and write, output includes reasoning', () => {
    const input = call({
      ...CHAT,
      'gen_ai.usage.input_tokens': 2000,
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.usage.cache_read.input_tokens': 1200,
      'gen_ai.usage.cache_creation.input_tokens': 300,
      'gen_ai.usage.reasoning.output_tokens': 200,
    });
    expect(input.usage).toMatchObject({
      inputTokens: 2000,
      outputTokens: 500,
      totalTokens: 2500,
      cacheReadTokens: 1200,
      cacheWriteTokens: 300,
      reasoningTokens: 200,
    });
    expect(input.rawUsage).toEqual({
      'gen_ai.usage.input_tokens': 2000,
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.usage.cache_read.input_tokens': 1200,
      'gen_ai.usage.cache_creation.input_tokens': 300,
      'gen_ai.usage.reasoning.output_tokens': 200,
    });
  });

  it('GenAI older names and OpenLLMetry spellings', () => {
    const input = call({
      'llm.request.type': 'chat',
      'gen_ai.system': 'Anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.prompt_tokens': 1500,
      'gen_ai.usage.completion_tokens': 40,
      'gen_ai.usage.cache_read_input_tokens': 1000,
      'gen_ai.usage.cache_creation_input_tokens': 400,
      'llm.usage.total_tokens': 1540,
    });
    expect(input).toMatchObject({ provider: 'anthropic' });
    expect(input.usage).toMatchObject({
      inputTokens: 1500,
      outputTokens: 40,
      cacheReadTokens: 1000,
      cacheWriteTokens: 400,
    });
    expect(input.warnings).toBeUndefined();
  });

  it('OpenInference: prompt and completion with their detail parts', () => {
    const input = call({
      'openinference.span.kind': 'LLM',
      'llm.provider': 'openai',
      'llm.model_name': 'gpt-4o-2024-08-06',
      'llm.token_count.prompt': 900,
      'llm.token_count.completion': 100,
      'llm.token_count.total': 1000,
      'llm.token_count.prompt_details.cache_read': 512,
      'llm.token_count.prompt_details.audio': 20,
      'llm.token_count.completion_details.reasoning': 64,
    });
    expect(input).toMatchObject({ provider: 'openai', model: 'gpt-4o-2024-08-06' });
    expect(input.usage).toMatchObject({
      inputTokens: 900,
      outputTokens: 100,
      cacheReadTokens: 512,
      reasoningTokens: 64,
      inputAudioTokens: 20,
    });
  });

  it('an embeddings call has no output: 0, so it is priced', () => {
    const input = call({ ...CHAT, 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 8 });
    expect(input.usage).toMatchObject({ inputTokens: 8, outputTokens: 0, totalTokens: 8 });
  });

  it('AI SDK ai@6+ spans: the flattened LanguageModelUsage', () => {
    const input = call({
      'ai.operationId': 'ai.streamText.doStream',
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-sonnet-4-5',
      'ai.response.model': 'claude-sonnet-4-5-20250929',
      'ai.usage.inputTokens': 1532,
      'ai.usage.outputTokens': 33,
      'ai.usage.totalTokens': 1565,
      'ai.usage.inputTokenDetails.noCacheTokens': 3,
      'ai.usage.inputTokenDetails.cacheReadTokens': 1111,
      'ai.usage.inputTokenDetails.cacheWriteTokens': 418,
      'ai.usage.outputTokenDetails.reasoningTokens': 0,
      'ai.response.msToFirstChunk': 412.5,
    });
    expect(input).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      requestedModel: 'claude-sonnet-4-5',
      timeToFirstTokenMs: 412.5,
    });
    expect(input.usage).toMatchObject({
      inputTokens: 1532,
      cacheReadTokens: 1111,
      cacheWriteTokens: 418,
      outputTokens: 33,
    });
  });

  it("AI SDK ai@5 spans: Anthropic's input excludes the cache, so read and write are added (ai-sdk.ts)", () => {
    const input = call({
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.provider': 'anthropic.messages',
      'ai.model.id': 'claude-sonnet-4-5',
      'ai.usage.inputTokens': 3,
      'ai.usage.outputTokens': 33,
      'ai.usage.cachedInputTokens': 1111,
      'ai.response.providerMetadata': JSON.stringify({ anthropic: { cacheCreationInputTokens: 418 } }),
    });
    expect(input.usage).toMatchObject({ inputTokens: 1532, cacheReadTokens: 1111, cacheWriteTokens: 418 });
  });

  it('a count that is not a count is unknown with a warning, never 0', () => {
    const input = call({ ...CHAT, 'gen_ai.usage.input_tokens': -5, 'gen_ai.usage.output_tokens': 10.5 });
    expect(input.usage).toBeUndefined();
    expect(input.usageUnavailableReason).toMatch(/no trustworthy token counts/);
    expect(input.warnings).toEqual([
      'gen_ai.usage.input_tokens is negative (-5); ignored',
      'gen_ai.usage.output_tokens is fractional (10.5); ignored',
    ]);
  });

  it('a part larger than its total is dropped with a warning', () => {
    const input = call({
      ...CHAT,
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.usage.cache_read.input_tokens': 150,
    });
    expect(input.usage?.cacheReadTokens).toBeUndefined();
    expect(input.warnings).toContain('cacheReadTokens 150 exceeds inputTokens 100; ignored');
  });
});

describe('identity, time and attribution', () => {
  it.each([
    ['gcp.gemini', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['aws.bedrock', 'bedrock'],
    ['azure.ai.openai', 'azure'],
    ['x_ai', 'xai'],
    ['mistral_ai', 'mistral'],
    ['OpenAI', 'openai'],
  ])('provider %s is %s', (name, id) => {
    expect(call({ ...CHAT, 'gen_ai.provider.name': name }).provider).toBe(id);
  });

  it('no provider attribute: the host in server.address names it; no model: "unknown", with warnings', () => {
    const input = call({ 'gen_ai.operation.name': 'chat', 'server.address': 'api.anthropic.com' });
    expect(input).toMatchObject({ provider: 'anthropic', model: 'unknown' });
    expect(input.warnings).toContain('the span names no model; recorded as model "unknown"');
  });

  it('time is the span start, duration its length; the id is the same for the same span, other for another', () => {
    const input = call(CHAT);
    expect(input).toMatchObject({
      time: START,
      durationMs: 850,
      trace: { traceId: TRACE, spanId: '00f067aa0ba902b7' },
    });
    expect(input.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(call(CHAT).id).toBe(input.id);
    expect(call(CHAT, { spanId: '00f067aa0ba902b8' }).id).not.toBe(input.id);
    expect(input.id.slice(0, 10)).toBe(call(CHAT, { spanId: '1111111111111111' }).id.slice(0, 10));
  });

  it('GenAI time to first chunk is in seconds', () => {
    expect(call({ ...CHAT, 'gen_ai.response.time_to_first_chunk': 0.25 }).timeToFirstTokenMs).toBe(250);
  });

  it('an error status or error.type is a failed call, with the HTTP status when the span has one', () => {
    const input = call(
      { ...CHAT, 'error.type': 'RateLimitError', 'http.response.status_code': 429 },
      { status: { code: 2, message: 'slow down' } },
    );
    expect(input).toMatchObject({
      status: 'error',
      error: { type: 'RateLimitError', status: 429, message: 'slow down' },
    });
  });

  it('run is the trace id unless tokenledger.run is set; session, user, workflow and metadata become tags', () => {
    expect(call(CHAT).run).toBe(TRACE);
    const input = call({
      ...CHAT,
      'tokenledger.run': 'nightly-42',
      'session.id': 's1',
      'enduser.id': 'bo',
      'traceloop.workflow.name': 'triage',
      'ai.telemetry.metadata.team': 'search',
      'traceloop.association.properties.tenant': 'acme',
      'tokenledger.tag.feature': 'summary',
    });
    expect(input.run).toBe('nightly-42');
    expect(input.tags).toEqual({
      service: 'app',
      session: 's1',
      user: 'bo',
      workflow: 'triage',
      team: 'search',
      tenant: 'acme',
      feature: 'summary',
    });
  });

  it("a call naming no agent takes its parent's, asked only then", () => {
    let asked = 0;
    const parentAgent = () => {
      asked++;
      return 'planner';
    };
    const verdict = mapOtelSpan(span(CHAT), { parentAgent });
    expect(verdict.kind === 'call' && verdict.input.agent).toBe('planner');
    mapOtelSpan(span({ ...CHAT, 'gen_ai.agent.name': 'own' }), { parentAgent });
    expect(asked).toBe(1);
  });

  it('attribution past the ledger limits is cut or dropped with a warning, never refused', () => {
    const many = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`tokenledger.tag.k${i}`, 'v']));
    const input = call({
      ...CHAT,
      ...many,
      'gen_ai.agent.name': 'x'.repeat(400),
      [`tokenledger.tag.${'k'.repeat(70)}`]: 'v',
      'tokenledger.tag.long': 'v'.repeat(300),
      'tokenledger.tag.__proto__': 'kept as a key',
    });
    expect(input.agent).toHaveLength(256);
    expect(Object.keys(input.tags ?? {})).toHaveLength(64);
    expect(input.warnings).toEqual(
      expect.arrayContaining([
        'agent was 400 characters; cut to 256',
        'tags beyond 64 dropped',
        `tag ${'k'.repeat(40)}... dropped: its key is longer than 64`,
      ]),
    );
  });

  it('restates the ledger limits it cuts to', () => {
    expect(SPAN_NAME_LIMIT).toBe(MAX_NAME_LENGTH);
    expect(SPAN_TAG_LIMITS).toEqual({
      keys: MAX_TAGS,
      keyLength: MAX_TAG_KEY_LENGTH,
      valueLength: MAX_TAG_VALUE_LENGTH,
    });
  });

  it('a model call without valid ids or a start time is rejected', () => {
    expect(mapOtelSpan(span(CHAT, { traceId: '' })).kind).toBe('reject');
    expect(mapOtelSpan(span(CHAT, { traceId: '0'.repeat(32) })).kind).toBe('reject');
    expect(mapOtelSpan(span(CHAT, { spanId: 'abc' })).kind).toBe('reject');
    expect(mapOtelSpan(span(CHAT, { startMs: 0 })).kind).toBe('reject');
  });

  it('a cost the span carries is kept as the provider-side figure', () => {
    expect(call({ ...CHAT, 'llm.cost.total': 0.0042 }).providerCost).toBe(0.0042);
    const bad = call({ ...CHAT, 'gen_ai.usage.cost': 'cheap' });
    expect(bad.providerCost).toBeUndefined();
    expect(bad.warnings).toContain('gen_ai.usage.cost is not a non-negative number of USD; ignored');
  });
});
