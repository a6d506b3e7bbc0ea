/**
 * A batch's results fetched through the gateway (issue 15, point 1): `GET
 * /v1/files/{id}/content` of a Batch API output file answers byte for byte what the mock does,
 * and records one event per item (usage, model, status), whose id comes from the file and the
 * item's custom_id, so results fetched twice are recorded once. Other files record nothing.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { batchResultsTap } from '#src/server/gateway/batch-results.js';
import type { RecordInput } from '#src/types/index.js';
import { type MockProvider, startMockProvider } from '../helpers/mock-provider.js';
import { startServerOnMock } from './helpers.js';

// Lines as in https://platform.openai.com/docs/guides/batch#5-retrieve-the-results.
const chat = (id: string, prompt: number, completion: number) => ({
  id: `chatcmpl-${id}`,
  object: 'chat.completion',
  created: 1_764_590_000,
  model: 'gpt-4.1-nano-2025-04-14',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});
const OUTPUT = [
  {
    id: 'batch_req_1',
    custom_id: 'request-1',
    response: { status_code: 200, request_id: 'r1', body: chat('a', 22, 2) },
    error: null,
  },
  {
    id: 'batch_req_2',
    custom_id: 'request-2',
    response: { status_code: 200, request_id: 'r2', body: chat('b', 1000, 100) },
    error: null,
  },
  {
    id: 'batch_req_3',
    custom_id: 'request-3',
    response: {
      status_code: 400,
      request_id: 'r3',
      body: { error: { message: 'bad', type: 'invalid_request_error' } },
    },
    error: null,
  },
]
  .map((line) => JSON.stringify(line))
  .join('\n')
  .concat('\n');
const INPUT = `${JSON.stringify({ custom_id: 'request-1', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4.1-nano', messages: [] } })}\n`;

let mock: MockProvider;
let server: RunningServer;
let viaGateway: OpenAI;
let direct: OpenAI;

beforeAll(async () => {
  mock = await startMockProvider();
  server = await startServerOnMock(mock, { store: 'sqlite' });
  viaGateway = new OpenAI({
    apiKey: 'sk-batch-0000000000',
    baseURL: `${server.url}/v1`,
    maxRetries: 0,
    defaultHeaders: { 'x-tokenledger-agent': 'batcher', 'x-tokenledger-run': 'nightly' },
  });
  direct = new OpenAI({ apiKey: 'sk-batch-0000000000', baseURL: `${mock.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await mock.close();
});
beforeEach(() => mock.reset());

const file = (text: string) =>
  ({ kind: 'json', body: text, headers: { 'content-type': 'application/octet-stream' } }) as const;

async function eventsOf(agent: string): Promise<UsageEvent[]> {
  await server.app.flushRecordings();
  const { events } = await server.store.events({ filter: { agent }, limit: 100 });
  return [...events].sort((a, b) => (a.tags['custom_id'] ?? '').localeCompare(b.tags['custom_id'] ?? ''));
}

describe('batch results fetched through the gateway', () => {
  it('answers byte for byte and records each item once, however often the results are fetched', async () => {
    mock.enqueue(file(OUTPUT), file(OUTPUT), file(OUTPUT));
    const first = await viaGateway.files.content('file-out1');
    expect(await first.text()).toBe(OUTPUT);
    expect(await (await direct.files.content('file-out1')).text()).toBe(OUTPUT);
    expect(mock.requests[0]?.path).toBe('/v1/files/file-out1/content');
    const once = await eventsOf('batcher');
    // Fetched again: the same three events, no more.
    await (await viaGateway.files.content('file-out1')).text();
    const twice = await eventsOf('batcher');
    expect(twice.map((event) => event.id)).toEqual(once.map((event) => event.id));
    expect(
      twice.map((event) => [event.tags['custom_id'], event.status, event.usage.totalTokens, event.cost?.totalNanos]),
    ).toEqual([
      ['request-1', 'ok', 24, 1_500],
      ['request-2', 'ok', 1_100, 70_000],
      ['request-3', 'error', undefined, undefined],
    ]);
    expect(twice[0]).toMatchObject({
      provider: 'openai',
      model: 'gpt-4.1-nano-2025-04-14',
      agent: 'batcher',
      run: 'nightly',
      time: new Date(1_764_590_000_000).toISOString(),
      // Batch API calls: half the standard price (3,000 nanos for request-1), flagged as derived.
      tags: { batch_file: 'file-out1', custom_id: 'request-1', service_tier: 'batch' },
    });
    expect(twice[2]).toMatchObject({ error: { type: 'ProviderError', status: 400 } });
  });

  it('records nothing for a file that holds no batch results (a batch input file)', async () => {
    mock.enqueue(file(INPUT));
    expect(await (await viaGateway.files.content('file-in1')).text()).toBe(INPUT);
    expect(await eventsOf('batcher')).toHaveLength(3);
  });
});

describe('batchResultsTap', () => {
  it('reads every item whatever the chunking, the last line without a newline too', () => {
    const bytes = Buffer.from(OUTPUT.trimEnd());
    for (let cut = 0; cut <= bytes.length; cut++) {
      const inputs: RecordInput[] = [];
      const tap = batchResultsTap({
        fileId: 'f',
        format: 'openai',
        provider: 'openai',
        attribution: undefined,
        record: (input) => inputs.push(input),
        now: () => 0,
      });
      tap.write(bytes.subarray(0, cut));
      tap.write(bytes.subarray(cut));
      tap.end();
      expect(inputs.map((input) => input.tags?.['custom_id'])).toEqual(['request-1', 'request-2', 'request-3']);
    }
  });

  it('a different file or custom_id is a different event id; the same pair is the same id', () => {
    const ids = (fileId: string) => {
      const inputs: RecordInput[] = [];
      const tap = batchResultsTap({
        fileId,
        format: 'openai',
        provider: 'openai',
        attribution: undefined,
        record: (input) => inputs.push(input),
        now: () => 0,
      });
      tap.write(Buffer.from(OUTPUT));
      tap.end();
      return inputs.map((input) => input.id);
    };
    expect(ids('f1')).toEqual(ids('f1'));
    // The error item names no time: its id's time part is the epoch, the same on every fetch.
    expect(ids('f1')[2]).toMatch(/^0{10}[0-9A-Z]{16}$/);
    expect(new Set([...ids('f1'), ...ids('f2')]).size).toBe(6);
  });
});
