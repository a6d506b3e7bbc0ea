/**
 * `POST /analytics/tokens/reprice` over loopback HTTP on a SQLite ledger (the store in its
 * worker thread, as serve runs it): admin key only; the dry run answers the deltas computed by
 * hand and writes nothing; the real run writes the server's prices (its config's overrides).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { startServer } from '#src/server/index.js';
import { openStore } from '#src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-reprice-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ADMIN = 'tl-admin-reprice-0123456789';
const READ = 'tl-read-reprice-0123456789';

describe('POST /analytics/tokens/reprice', () => {
  it('admin only; the dry run answers the deltas, the real run writes them', async () => {
    const db = `sqlite:${join(dir, 'ledger.db')}`;
    const seeded = await openStore(db);
    const ledger = createRecordingLedger({ store: seeded });
    // Bundled gpt-4o: 2.50 in, 10 out per 1M: 0.025 + 0.01 = $0.035.
    await ledger.record({
      id: 'a1',
      time: '2026-11-30T08:00:00Z',
      provider: 'openai',
      model: 'gpt-4o',
      agent: 'indicator_agent',
      run: 'AAPL',
      usage: { inputTokens: 10_000, outputTokens: 1_000 },
    });
    await ledger.close();
    await seeded.close();

    const server = await startServer({
      port: 0,
      db,
      env: { TL_ADMIN: ADMIN, TL_READ: READ },
      config: parseConfig(
        {
          server: { adminKey: 'env:TL_ADMIN', readKey: 'env:TL_READ' },
          prices: [{ provider: 'openai', model: 'gpt-4o', input: 4, output: 16 }],
        },
        'inline',
        { TL_ADMIN: ADMIN, TL_READ: READ },
      ),
      logger: pino({ level: 'silent' }),
    });
    try {
      const post = (body: unknown, key?: string) =>
        fetch(`${server.url}/analytics/tokens/reprice`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'x-tokenledger-key': key }) },
          body: JSON.stringify(body),
        });
      expect((await post({ dryRun: true })).status).toBe(401);
      expect((await post({ dryRun: true }, READ)).status).toBe(403);
      const bad = await post({ dryRun: 'yes' }, ADMIN);
      expect([bad.status, await bad.json()]).toEqual([
        400,
        { error: expect.objectContaining({ field: 'dryRun', message: 'dryRun: must be true or false' }) },
      ]);

      // New: 10,000 x 4 + 1,000 x 16 = $0.056.
      const figures = { calls: 1, oldUsd: 0.035, newUsd: 0.056, differenceUsd: 0.021 };
      const dry = await post({ dryRun: true, filter: { run: 'AAPL' } }, ADMIN);
      expect(await dry.json()).toEqual({
        filter: { run: 'AAPL' },
        dryRun: true,
        read: 1,
        changed: 1,
        written: 0,
        unpriced: { calls: 0 },
        totals: figures,
        byModel: [{ provider: 'openai', model: 'gpt-4o', ...figures }],
        byAgent: [{ agent: 'indicator_agent', ...figures }],
        byRun: [{ run: 'AAPL', ...figures }],
      });
      const summary = async () =>
        (
          (await (
            await fetch(`${server.url}/analytics/tokens`, { headers: { 'x-tokenledger-key': READ } })
          ).json()) as { summary: { cost: { totalNanos: number } } }
        ).summary.cost.totalNanos;
      expect(await summary()).toBe(35_000_000);

      const real = await post({}, ADMIN);
      expect(await real.json()).toMatchObject({ dryRun: false, read: 1, changed: 1, written: 1, totals: figures });
      expect(await summary()).toBe(56_000_000);
      const again = await post({}, ADMIN);
      expect(await again.json()).toMatchObject({ read: 1, changed: 0, written: 0 });
    } finally {
      await server.close();
    }
  });
});
