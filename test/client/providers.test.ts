import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureBody, fixtureEvents, startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { ANTHROPIC_KEY, GEMINI_KEY, OPENAI_KEY, expectedUsage, makeClient, mockConfig } from './setup.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

type Json = Record<string, unknown>;
const json = (value: unknown): Json => value as Json;

/** Text the recorded OpenAI-style stream carries. */
function openaiStreamText(name: string): string {
  return fixtureEvents(name)
    .map((item) =>
      typeof item.data === 'object' && item.data !== null
        ? json(json(json(item.data).choices as unknown[] as never)?.[0] ?? {})
        : {},
    )
    .map((choice) => (json(choice.delta ?? {}).content as string | undefined) ?? '')
    .join('');
}

describe('OpenAI-compatible', () => {
  it('JSON: sends a chat completion, reads the text, meters usage', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock) });
    const result = await client.generate({
      model: 'openai/gpt-4.1-nano',
      system: 'be brief',
      prompt: 'a holiday',
      maxTokens: 500,
      temperature: 0.3,
      json: true,
      agent: 'writer',
      run: 'r1',
      tags: { team: 'a' },
    });
    const recorded = json(json(fixtureBody('openai-01-chat-plain')).choices as never);
    expect(result.text).toBe(json(json(json(recorded)[0]).message).content);
    expect(result.usage).toMatchObject(expectedUsage('openai', 'openai-01-chat-plain'));
    expect(result.model).toBe('gpt-4.1-nano-2025-04-14');
    expect(result.attempts).toBe(1);
    expect(result.cost?.total).toBeGreaterThan(0);
    const request = mock.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(request.json).toEqual({
      model: 'gpt-4.1-nano',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'a holiday' },
      ],
      temperature: 0.3,
      max_completion_tokens: 500,
      response_format: { type: 'json_object' },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      status: 'ok',
      provider: 'openai',
      agent: 'writer',
      run: 'r1',
      tags: { team: 'a' },
      attempts: 1,
      requestedModel: 'gpt-4.1-nano',
    });
    expect(events[0]!.usage).toMatchObject(expectedUsage('openai', 'openai-01-chat-plain'));
  });

  it('stream: asks for usage, yields text as it comes, meters the whole stream', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock) });
    const stream = client.stream({ model: 'openai/gpt-4o-mini', prompt: 'hi' });
    let text = '';
    for await (const piece of stream) text += piece;
    const result = await stream.result;
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(openaiStreamText('openai-05-chat-stream-include-usage'));
    expect(result.text).toBe(text);
    expect(result.usage).toMatchObject(expectedUsage('openai', 'openai-05-chat-stream-include-usage'));
    expect(json(mock.requests[0]!.json)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(events[0]).toMatchObject({ status: 'ok', estimated: false });
    expect(events[0]!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('OpenRouter is the default for vendor/model ids and carries its attribution headers', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    // A vendor no provider of the config is named after (google/... would go to Google itself).
    await client.generate({ model: 'meta-llama/llama-3.3-70b-instruct', prompt: 'hi' });
    const request = mock.requests[0]!;
    expect(json(request.json).model).toBe('meta-llama/llama-3.3-70b-instruct');
    expect(request.headers['http-referer']).toBe('https://example.org');
    expect(request.headers['x-title']).toBe('tl-tests');
  });

  it('Mistral streams without stream_options (it refuses unknown fields)', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    const stream = client.stream({ provider: 'mistral', model: 'mistral-small', prompt: 'hi' });
    await stream.result;
    expect(json(mock.requests[0]!.json).stream_options).toBeUndefined();
  });

  it('an agent picks provider, model and defaults from the config', async () => {
    const { client, events } = makeClient({
      config: mockConfig(mock, {
        agents: {
          indicator_agent: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0, maxTokens: 64, system: 'sys' },
        },
      }),
    });
    await client.generate({ agent: 'indicator_agent', prompt: 'x' });
    expect(json(mock.requests[0]!.json)).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0,
      max_completion_tokens: 64,
    });
    expect(events[0]!.agent).toBe('indicator_agent');
  });
});

describe('Anthropic Messages', () => {
  it('JSON', async () => {
    const { client, events } = makeClient({ config: mockConfig(mock) });
    const result = await client.generate({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      system: 'sys',
      prompt: 'hi',
    });
    const body = json(fixtureBody('anthropic-01-plain'));
    expect(result.text).toBe(
      (body.content as Json[])
        .filter((block) => block.type === 'text')
        .map((block) => block.text)
        .join(''),
    );
    expect(result.usage).toMatchObject(expectedUsage('anthropic', 'anthropic-01-plain'));
    const request = mock.requests[0]!;
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.json).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      system: 'sys',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(events[0]).toMatchObject({ status: 'ok', provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' });
  });

  it('stream', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    const stream = client.stream({ provider: 'anthropic', model: 'claude-sonnet-4-5', prompt: 'hi' });
    let text = '';
    for await (const piece of stream) text += piece;
    const expected = fixtureEvents('anthropic-04-stream-classic')
      .map((item) => json(item.data))
      .filter((data) => data.type === 'content_block_delta' && json(data.delta).type === 'text_delta')
      .map((data) => json(data.delta).text as string)
      .join('');
    expect(expected.length).toBeGreaterThan(0);
    expect(text).toBe(expected);
    expect((await stream.result).usage).toMatchObject(expectedUsage('anthropic', 'anthropic-04-stream-classic'));
    expect(json(mock.requests[0]!.json).stream).toBe(true);
  });
});

describe('Gemini generateContent', () => {
  it('JSON', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    const result = await client.generate({
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      system: 'sys',
      prompt: 'hi',
      json: true,
      maxTokens: 100,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.usage).toMatchObject(expectedUsage('gemini', 'gemini-01-plain'));
    const request = mock.requests[0]!;
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request.headers['x-goog-api-key']).toBe(GEMINI_KEY);
    expect(request.query.key).toBeUndefined();
    expect(request.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
      generationConfig: { maxOutputTokens: 100, responseMimeType: 'application/json' },
    });
  });

  it('stream over SSE', async () => {
    const { client } = makeClient({ config: mockConfig(mock) });
    const stream = client.stream({ provider: 'gemini', model: 'gemini-2.5-flash', prompt: 'hi' });
    let text = '';
    for await (const piece of stream) text += piece;
    expect(text.length).toBeGreaterThan(0);
    expect((await stream.result).usage).toMatchObject(expectedUsage('gemini', 'gemini-06-stream'));
    expect(mock.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(mock.requests[0]!.query.alt).toBe('sse');
  });
});
