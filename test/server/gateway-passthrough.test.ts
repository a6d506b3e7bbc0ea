/**
 * Every OpenAI path the gateway has no dedicated route for is passed through (issue 15, point
 * 1): the official openai client's completions, moderations, images, files + batches and audio
 * transcription calls answer byte for byte what the mock answers when called directly, each
 * call is recorded (with usage where the answer carries it, else without and with a reason),
 * reads are forwarded unrecorded, and tokenledger's own /v1 paths are never forwarded.
 */
import { request as httpRequest } from 'node:http';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import { type MockBehaviour, type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

let mock: MockProvider;
let server: RunningServer;
let viaGateway: OpenAI;
let direct: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  server = await startServerOnMock(mock);
  viaGateway = new OpenAI({
    apiKey: 'sk-pass-0000000000',
    baseURL: `${server.url}/v1`,
    maxRetries: 0,
    defaultHeaders: { 'x-tokenledger-agent': 'pass' },
  });
  direct = new OpenAI({ apiKey: 'sk-pass-0000000000', baseURL: `${mock.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});
beforeEach(() => mock.reset());

async function storedAs(id: string | null) {
  await server.app.flushRecordings();
  const { events } = await server.store.events({ filter: {}, limit: 1000 });
  return events.find((event) => event.id === id);
}

interface Raw {
  asResponse(): Promise<Response>;
}

/**
 * The same call through the gateway and straight to the mock, each answered by `answer`: both
 * answers' status, type and bytes must match. Returns the gateway's answer and the request the
 * mock received from the gateway.
 */
async function throughAndDirect(answer: MockBehaviour, call: (client: OpenAI) => Raw) {
  mock.enqueue(answer, answer);
  const gateway = await call(viaGateway).asResponse();
  const gatewayBytes = Buffer.from(await gateway.arrayBuffer());
  const straight = await call(direct).asResponse();
  const straightBytes = Buffer.from(await straight.arrayBuffer());
  expect(gateway.status).toBe(straight.status);
  expect(gateway.headers.get('content-type')).toBe(straight.headers.get('content-type'));
  expect(gatewayBytes.equals(straightBytes)).toBe(true);
  const [forwarded, plain] = mock.requests;
  // The gateway sent what the client sent (multipart boundaries are random per call: same shape).
  expect(forwarded?.method).toBe(plain?.method);
  expect(forwarded?.path).toBe(plain?.path);
  return { gateway, text: gatewayBytes.toString(), forwarded: forwarded! };
}

/** A POST sent as written: the path is not normalized on the way. */
function rawPost(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const request = httpRequest({ hostname, port, path, method: 'POST', headers: { 'content-length': 2 } });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    request.on('error', reject);
    request.end('{}');
  });
}

const COMPLETION = {
  id: 'cmpl-pass1',
  object: 'text_completion',
  created: 1764600000,
  model: 'gpt-3.5-turbo-instruct',
  choices: [{ text: ' a pass-through test', index: 0, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
};
// Shapes as in https://platform.openai.com/docs/api-reference (moderations, images, files, batches, audio).
const MODERATION = {
  id: 'modr-pass1',
  model: 'omni-moderation-latest',
  results: [{ flagged: false, categories: { hate: false }, category_scores: { hate: 0.0001 } }],
};
const IMAGE = {
  created: 1764600000,
  data: [{ b64_json: 'aGVsbG8=' }],
  usage: {
    total_tokens: 4170,
    input_tokens: 10,
    output_tokens: 4160,
    input_tokens_details: { text_tokens: 10, image_tokens: 0 },
  },
};
const FILE = {
  id: 'file-pass1',
  object: 'file',
  bytes: 120,
  created_at: 1764600000,
  filename: 'batch.jsonl',
  purpose: 'batch',
};
const BATCH = {
  id: 'batch_pass1',
  object: 'batch',
  endpoint: '/v1/chat/completions',
  input_file_id: 'file-pass1',
  completion_window: '24h',
  status: 'validating',
  created_at: 1764600000,
  request_counts: { total: 0, completed: 0, failed: 0 },
};
const BATCH_LINE = `${JSON.stringify({
  custom_id: 'r1',
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
})}\n`;

describe('pass-through with the official openai client', () => {
  it('completions: same bytes, recorded with the usage the answer carries', async () => {
    const { gateway, forwarded } = await throughAndDirect({ kind: 'json', body: COMPLETION }, (client) =>
      client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is', max_tokens: 7 }),
    );
    expect(forwarded.path).toBe('/v1/completions');
    expect(forwarded.json).toEqual({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say this is', max_tokens: 7 });
    const id = gateway.headers.get('x-tokenledger-event-id');
    expect(await storedAs(id)).toMatchObject({
      agent: 'pass',
      provider: 'openai',
      model: 'gpt-3.5-turbo-instruct',
      status: 'ok',
      usage: { inputTokens: 5, outputTokens: 7 },
      // gpt-3.5-turbo-instruct: $1.50 / $2.00 per million.
      cost: { totalNanos: 21_500 },
    });
  });

  it('moderations: same bytes, recorded as a call whose answer has no usage, with the reason', async () => {
    const { gateway } = await throughAndDirect({ kind: 'json', body: MODERATION }, (client) =>
      client.moderations.create({ model: 'omni-moderation-latest', input: 'hello' }),
    );
    const event = await storedAs(gateway.headers.get('x-tokenledger-event-id'));
    // Unknown is not free: no usage, no $0.
    expect(event).toMatchObject({
      status: 'ok',
      model: 'omni-moderation-latest',
      usage: {},
      cost: null,
      usageUnavailableReason: 'response has no usage object',
      costUnavailableReason: 'usage unavailable',
    });
    expect(event?.usage.inputTokens).toBeUndefined();
  });

  it('images.generate: same bytes, recorded with the image usage', async () => {
    const { gateway } = await throughAndDirect({ kind: 'json', body: IMAGE }, (client) =>
      client.images.generate({ model: 'gpt-image-1', prompt: 'a ledger', size: '1024x1024' }),
    );
    expect(await storedAs(gateway.headers.get('x-tokenledger-event-id'))).toMatchObject({
      status: 'ok',
      model: 'gpt-image-1',
      usage: { inputTokens: 10, outputTokens: 4160 },
      // gpt-image-1: $5 per million input (text) tokens, $40 per million output (image) tokens.
      cost: { totalNanos: 166_450_000 },
    });
  });

  it('files.create (multipart upload) then batches.create: same bytes, both recorded', async () => {
    const file = await toFile(Buffer.from(BATCH_LINE), 'batch.jsonl');
    const upload = await throughAndDirect({ kind: 'json', body: FILE }, (client) =>
      client.files.create({ file, purpose: 'batch' }),
    );
    expect(upload.forwarded.path).toBe('/v1/files');
    expect(upload.forwarded.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.forwarded.body).toContain(BATCH_LINE);
    expect(upload.forwarded.body).toContain('name="purpose"');
    const uploaded = await storedAs(upload.gateway.headers.get('x-tokenledger-event-id'));
    expect(uploaded).toMatchObject({
      status: 'ok',
      provider: 'openai',
      model: 'unknown',
      warnings: ['the request names no model; recorded as model "unknown"'],
    });
    expect(uploaded?.usageUnavailableReason).toBe('response has no usage object');

    mock.reset();
    const batch = await throughAndDirect({ kind: 'json', body: BATCH }, (client) =>
      client.batches.create({
        input_file_id: 'file-pass1',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    );
    expect(batch.forwarded.path).toBe('/v1/batches');
    expect(JSON.parse(batch.text)).toEqual(BATCH);
    expect(await storedAs(batch.gateway.headers.get('x-tokenledger-event-id'))).toMatchObject({ status: 'ok' });
  });

  it('audio.transcriptions.create (multipart): same bytes, recorded', async () => {
    const audio = Buffer.from('RIFF$\u0000\u0000\u0000WAVEfmt fake audio', 'latin1');
    const file = await toFile(audio, 'hello.wav');
    const { gateway, forwarded } = await throughAndDirect({ kind: 'json', body: { text: 'hello ledger' } }, (client) =>
      client.audio.transcriptions.create({ file, model: 'whisper-1' }),
    );
    expect(forwarded.path).toBe('/v1/audio/transcriptions');
    expect(forwarded.body).toContain('name="model"');
    expect(forwarded.body).toContain('whisper-1');
    const event = await storedAs(gateway.headers.get('x-tokenledger-event-id'));
    // The model is read from the form, the upload itself is not parsed.
    expect(event).toMatchObject({ status: 'ok', provider: 'openai', agent: 'pass', model: 'whisper-1' });
    expect(event?.usageUnavailableReason).toBe('response has no usage object');
  });
});

describe('pass-through on the wire', () => {
  it('a multipart body reaches the upstream byte for byte, with its content type', async () => {
    const boundary = '----tokenledger-pass-7f3a';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jsonl"\r\n` +
        `Content-Type: application/jsonl\r\n\r\n${BATCH_LINE}\r\n--${boundary}--\r\n`,
    );
    mock.enqueue({ kind: 'json', body: FILE });
    const response = await fetch(`${server.url}/v1/files?x=1`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: 'Bearer sk-pass-0' },
      body,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(FILE);
    const [received] = mock.requests;
    expect(received?.path).toBe('/v1/files');
    expect(received?.query).toEqual({ x: '1' });
    expect(received?.headers['content-type']).toBe(`multipart/form-data; boundary=${boundary}`);
    expect(received?.headers['content-length']).toBe(String(body.length));
    expect(received?.headers['authorization']).toBe('Bearer sk-pass-0');
    expect(received?.body).toBe(body.toString());
  });

  it('DELETE is recorded; GET (a read) is forwarded and not recorded', async () => {
    mock.enqueue({ kind: 'json', body: { id: 'file-pass1', object: 'file', deleted: true } });
    const deleted = await fetch(`${server.url}/v1/files/file-pass1`, { method: 'DELETE' });
    expect(await deleted.json()).toEqual({ id: 'file-pass1', object: 'file', deleted: true });
    expect(await storedAs(deleted.headers.get('x-tokenledger-event-id'))).toMatchObject({ status: 'ok' });

    mock.enqueue({ kind: 'json', body: { id: 'gpt-4o', object: 'model', owned_by: 'openai' } });
    const read = await viaGateway.models.retrieve('gpt-4o');
    expect(read).toMatchObject({ id: 'gpt-4o', object: 'model' });
    expect(mock.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'DELETE /v1/files/file-pass1',
      'GET /v1/models/gpt-4o',
    ]);
    const raw = await fetch(`${server.url}/v1/batches/batch_pass1`);
    expect(raw.headers.get('x-tokenledger-event-id')).toBeNull();
    await raw.text();
  });

  it('an upstream error is passed on and recorded as a failed call, never a tokenledger 404', async () => {
    mock.enqueue({ kind: 'status', status: 404, body: { error: { message: 'No such File object: file-x' } } });
    const response = await fetch(`${server.url}/v1/files/file-x`, { method: 'DELETE' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { message: 'No such File object: file-x' } });
    expect(await storedAs(response.headers.get('x-tokenledger-event-id'))).toMatchObject({
      status: 'error',
      error: { status: 404 },
    });
  });

  it('a path that climbs out of /v1/ is refused with a 400 naming the path, never sent', async () => {
    // Raw: fetch would resolve the segment itself before sending.
    for (const path of ['/v1/%2e%2e/admin', '/v1/files/../../admin', '/v1/./files']) {
      const { status, body } = await rawPost(path);
      expect(status).toBe(400);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'invalid_input', field: 'path' } });
    }
    expect(mock.requests).toHaveLength(0);
  });

  it("tokenledger's own /v1 paths are served here and never forwarded", async () => {
    const usage = await fetch(`${server.url}/v1/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'openai', model: 'gpt-4o-mini', usage: { inputTokens: 3, outputTokens: 4 } }),
    });
    expect(usage.status).toBe(200);
    expect(await usage.json()).toMatchObject({ recorded: 1 });
    const traces = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [] }),
    });
    expect(traces.status).toBe(200);
    await traces.text();
    for (const path of ['/v1/usage/elsewhere', '/v1/metrics', '/v1/logs', '/v1/dead-letters/x']) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', body: '{}' });
      expect(response.headers.get('x-tokenledger-event-id')).toBeNull();
      await response.text();
    }
    expect(mock.requests).toHaveLength(0);
  });
});
