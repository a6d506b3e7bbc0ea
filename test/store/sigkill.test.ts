/**
 * A child records events one call at a time and prints each id once insert() resolved; the
 * parent kills it with SIGKILL mid-way. Every acknowledged id must be in the store afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '#src/store/index.js';
import { dropSchemas, PG_URL, uniqueSchema } from './pg-admin.js';
import { spawnWorker } from './run-worker.js';

const dir = mkdtempSync(join(tmpdir(), 'store-sigkill-'));
const schema = uniqueSchema('tl_sigkill');

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
});

/** Starts the child, collects acknowledged ids, kills it after `killAfter` of them. */
function recordUntilKilled(url: string, killAfter: number): Promise<{ acknowledged: string[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker({ url, mode: 'ack', worker: 9, count: 20_000, batch: 1, startMs: Date.UTC(2026, 2, 1) });
    const acknowledged: string[] = [];
    let pending = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      acknowledged.push(...lines.filter((line) => line !== ''));
      if (acknowledged.length >= killAfter && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ acknowledged, signal });
      else reject(new Error(`child ended without being killed (code ${String(code)}): ${err}`));
    });
  });
}

describe('SIGKILL right after acknowledged inserts', () => {
  for (const [kind, url] of [
    ['sqlite', `sqlite:${join(dir, 'killed.db')}`],
    ['postgres', `${PG_URL}?schema=${schema}`],
  ] as const) {
    it(`${kind}: every acknowledged event survives`, async () => {
      const { acknowledged, signal } = await recordUntilKilled(url, 400);
      expect(signal).toBe('SIGKILL');
      expect(acknowledged.length).toBeGreaterThanOrEqual(400);
      const store = await openStore(url);
      try {
        const stored = new Set<string>();
        let cursor: string | undefined;
        do {
          const page = await store.events({ filter: {}, limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
          for (const event of page.events) stored.add(event.id);
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        const missing = acknowledged.filter((id) => !stored.has(id));
        expect(missing).toEqual([]);
        // Rollups were committed with the rows (PostgreSQL) or are applied from rollup_pending
        // on the next aggregate (SQLite, whose child may die between insert and apply): either
        // way the aggregate counts exactly what is stored.
        const [total] = await store.aggregate({ filter: {}, groupBy: [] });
        expect(total?.calls).toBe(stored.size);
      } finally {
        await store.close();
      }
    }, 60_000);
  }
});
