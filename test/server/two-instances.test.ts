import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchemas, PG_URL, uniqueSchema } from '../store/pg-admin.js';
import { startMockProvider, type MockProvider } from '../helpers/mock-provider.js';
import { spawnServe, type ServeProcess } from './serve-process.js';

const schema = uniqueSchema('tl_serve_two');
let mock: MockProvider;
const instances: ServeProcess[] = [];

beforeAll(async () => {
  mock = await startMockProvider();
});
afterAll(async () => {
  for (const instance of instances) {
    instance.child.kill('SIGTERM');
    await instance.exited;
  }
  await mock.close();
  await dropSchemas([schema]);
});

describe('two serve instances on one PostgreSQL', () => {
  it('analytics on either instance show both instances traffic', async () => {
    const db = `${PG_URL}?schema=${schema}`;
    const env = { OPENAI_BASE_URL: `${mock.url}/v1` };
    // One at a time: both run the same migrations on an empty schema.
    instances.push(await spawnServe(['--port', '0', '--db', db], env));
    instances.push(await spawnServe(['--port', '0', '--db', db], env));
    const [a, b] = instances as [ServeProcess, ServeProcess];
    for (const [instance, agent] of [
      [a, 'via-a'],
      [b, 'via-b'],
    ] as const) {
      const response = await fetch(`${instance.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tokenledger-agent': agent },
        body: JSON.stringify({ model: 'gpt-4.1-nano', messages: [] }),
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    const ingest = await fetch(`${b.url}/v1/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        provider: 'openai',
        model: 'gpt-4o-mini',
        agent: 'ingested-b',
        usage: { inputTokens: 100, outputTokens: 10 },
      }),
    });
    expect(ingest.status).toBe(200);
    // Gateway events are recorded after the response ends: wait until both are visible.
    for (const instance of [a, b]) {
      let agents: string[] = [];
      for (let attempt = 0; attempt < 200 && agents.length < 3; attempt++) {
        const body = (await (await fetch(`${instance.url}/analytics/tokens/agents`)).json()) as {
          agents: { agent: string }[];
        };
        agents = body.agents.map((row) => row.agent).sort();
      }
      expect(agents).toEqual(['ingested-b', 'via-a', 'via-b']);
      const summary = (await (await fetch(`${instance.url}/analytics/tokens`)).json()) as {
        summary: { calls: number; tokens: { total: number } };
      };
      expect(summary.summary.calls).toBe(3);
      expect(summary.summary.tokens.total).toBe(379 * 2 + 110);
    }
  });
});
