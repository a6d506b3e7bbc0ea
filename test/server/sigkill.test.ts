import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServe } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-sigkill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tokenledger serve killed with SIGKILL during ingest', () => {
  it('keeps every event it answered 200 for', async () => {
    const db = `sqlite:${join(dir, 'ledger.db')}`;
    const first = await spawnServe(['--port', '0', '--db', db]);
    const acknowledged: string[] = [];
    let stop = false;
    let sent = 0;
    // 8 clients ingesting batches of 5 until the kill.
    const client = async (n: number): Promise<void> => {
      while (!stop) {
        const batch = Array.from({ length: 5 }, (_, i) => ({
          provider: 'openai',
          model: 'gpt-4o-mini',
          agent: `client-${n}`,
          usage: { inputTokens: 10 + i, outputTokens: 2 },
        }));
        sent += batch.length;
        try {
          const response = await fetch(`${first.url}/v1/usage`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(batch),
          });
          if (response.status === 200) acknowledged.push(...((await response.json()) as { ids: string[] }).ids);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));
    while (acknowledged.length < 400) await new Promise((resolve) => setImmediate(resolve));
    first.child.kill('SIGKILL');
    stop = true;
    expect(await first.exited).toBe('SIGKILL');
    await Promise.all(clients);

    const second = await spawnServe(['--port', '0', '--db', db]);
    try {
      const text = await (await fetch(`${second.url}/analytics/events?format=ndjson`)).text();
      const stored = new Set(
        text
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { id: string }).id),
      );
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(400);
      expect(missing).toEqual([]);
      // Some requests were in flight when the process died: never more stored than sent.
      expect(stored.size).toBeLessThanOrEqual(sent);
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
