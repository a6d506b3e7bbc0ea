import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startMockProvider, fixtureBody, fixtureEvents, type MockProvider } from './mock-provider.js';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!check()) throw new Error('condition never met');
}

describe('mock provider: recorded defaults', () => {
  it('replays the recorded OpenAI chat completion byte for byte and logs the request with its auth', async () => {
    const response = await post(
      '/v1/chat/completions',
      { model: 'gpt-4.1-nano', messages: [] },
      { authorization: 'Bearer sk-test-123456789' },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(JSON.stringify(fixtureBody('openai-01-chat-plain')));
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]?.headers['authorization']).toBe('Bearer sk-test-123456789');
    expect(mock.requests[0]?.json).toEqual({ model: 'gpt-4.1-nano', messages: [] });
  });

  it('streams OpenAI chat as SSE ending in [DONE]; usage chunk and usage members only when asked, as the API', async () => {
    const recorded = fixtureEvents('openai-05-chat-stream-include-usage');
    const asked = await post('/v1/chat/completions', {
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(asked.headers.get('content-type')).toBe('text/event-stream');
    const frames = (await asked.text()).split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(recorded.length);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames[0]).toBe(`data: ${JSON.stringify(recorded[0]?.data)}`);
    const plain = (await (await post('/v1/chat/completions', { model: 'gpt-4o-mini', stream: true })).text())
      .split('\n\n')
      .filter(Boolean);
    // One chunk fewer (the usage-only one), and no chunk has a usage member.
    expect(plain).toHaveLength(recorded.length - 1);
    expect(plain.at(-1)).toBe('data: [DONE]');
    const { usage, ...first } = recorded[0]!.data as Record<string, unknown>;
    expect(usage).toBeNull();
    expect(plain[0]).toBe(`data: ${JSON.stringify(first)}`);
    expect(plain.join('\n')).not.toContain('"usage"');
  });

  it('names Anthropic stream events and serves both Anthropic paths', async () => {
    const text = await (await post('/anthropic/v1/messages', { stream: true })).text();
    expect(text.startsWith('event: message_start\ndata: {')).toBe(true);
    const plain = await (await post('/v1/messages', {})).json();
    expect(plain).toEqual(fixtureBody('anthropic-01-plain'));
  });

  it('serves Gemini JSON, SSE with alt=sse and a JSON array without it', async () => {
    expect(await (await post('/v1beta/models/gemini-2.0-flash:generateContent', {})).json()).toEqual(
      fixtureBody('gemini-01-plain'),
    );
    const sse = await (await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', {})).text();
    expect(sse.split('\n\n').filter(Boolean)).toHaveLength(3);
    const array = (await (await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent', {})).json()) as unknown[];
    expect(array).toHaveLength(3);
  });

  it('serves Ollama NDJSON by default and JSON with stream:false; responses, embeddings and models', async () => {
    const ndjson = await (await post('/api/chat', { model: 'llama3.2' })).text();
    expect(ndjson.trim().split('\n')).toHaveLength(2);
    expect(await (await post('/api/chat', { stream: false })).json()).toEqual(fixtureBody('ollama-01-chat-tools'));
    expect(await (await post('/v1/responses', {})).json()).toEqual(fixtureBody('openai-responses-01-plain'));
    const streamed = await (await post('/v1/responses', { stream: true })).text();
    expect(streamed).toContain('event: response.completed');
    expect(((await (await post('/v1/embeddings', {})).json()) as { usage: unknown }).usage).toEqual({
      prompt_tokens: 8,
      total_tokens: 8,
    });
    expect((await fetch(`${mock.url}/v1/models`)).status).toBe(200);
  });

  it('answers an unknown route with 404', async () => {
    expect((await post('/v2/nothing', {})).status).toBe(404);
  });
});

describe('mock provider: scripted behaviours', () => {
  it('plays queued behaviours in order, then the default', async () => {
    mock.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } },
      { kind: 'status', status: 503, body: 'overloaded' },
    );
    mock.setDefault({ kind: 'json', body: { ok: true }, headers: { 'x-extra': '1' } });
    const first = await post('/v1/chat/completions', {});
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await first.json()).toEqual({ error: { message: 'slow down' } });
    const second = await post('/v1/chat/completions', {});
    expect(second.status).toBe(503);
    expect(await second.text()).toBe('overloaded');
    const third = await post('/v1/chat/completions', {});
    expect(third.headers.get('x-extra')).toBe('1');
    expect(await third.json()).toEqual({ ok: true });
  });

  it('resets the connection', async () => {
    mock.enqueue({ kind: 'reset' });
    await expect(post('/v1/chat/completions', {})).rejects.toThrow();
  });

  it('hangs until the client gives up', async () => {
    mock.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const pending = fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal });
    await until(() => mock.requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('truncates a stream cleanly or by reset, and sends malformed bodies', async () => {
    const events = fixtureEvents('openai-05-chat-stream-include-usage');
    mock.enqueue({ kind: 'stream', events, truncateAfter: 3 });
    const text = await (await post('/v1/chat/completions', { stream: true })).text();
    expect(text.split('\n\n').filter(Boolean)).toHaveLength(3);

    mock.enqueue({ kind: 'stream', events, truncateAfter: 2, truncate: 'reset' });
    const cut = await post('/v1/chat/completions', { stream: true });
    await expect(cut.text()).rejects.toThrow();

    mock.enqueue({ kind: 'malformed', body: '{"usage": ' });
    const malformed = await post('/v1/chat/completions', {});
    expect(malformed.headers.get('content-type')).toBe('application/json');
    expect(await malformed.text()).toBe('{"usage": ');
  });

  it('stalls a stream after n events, and serves named fixtures', async () => {
    mock.enqueue({ kind: 'stream', events: fixtureEvents('openai-05-chat-stream-include-usage'), stallAfter: 1 });
    const controller = new AbortController();
    const response = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      body: '{}',
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: /);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();

    mock.enqueue({ kind: 'fixture', name: 'anthropic-04-stream-classic' });
    expect(await (await post('/v1/chat/completions', {})).text()).toContain('event: message_delta');
  });
});

describe('mock provider: official clients', () => {
  it('is accepted by the openai and @anthropic-ai/sdk clients, JSON and stream', async () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'gpt-4.1-nano',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.usage?.completion_tokens).toBe(363);
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: unknown;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 78, completion_tokens: 9 });

    const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(message.usage.output_tokens).toBe(419);
  });
});

describe('mock provider: separate process', () => {
  it('prints its URL and serves from its own process', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/mock-provider-main.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/v1/embeddings`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
