/**
 * `compare` and `report --by model` read a model's percentiles the same way (issue 13 item 7):
 * one query grouped by model. The store picks exact or histogram percentiles per query (by how
 * many values the whole query holds), so asking for one model alone used to give an exact p50
 * where the report, over every model, gave the histogram's: two figures for the same calls.
 * Here each model alone is under the exact limit (100) and both together are over it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareModels, usageByModel } from '#src/analytics/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { PG_URL } from './stores.js';

const T0 = Date.UTC(2026, 2, 3, 10);

function calls(model: string, count: number, slowest: number): UsageEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${model}-${String(i).padStart(3, '0')}`,
    time: new Date(T0 + i * 1000).toISOString(),
    provider: 'openai',
    model,
    tags: {},
    usage: {
      inputTokens: 100,
      outputTokens: 10,
      totalTokens: 110,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
    cost: null,
    costUnavailableReason: 'no price',
    // Spread so that the histogram's bin differs from the exact value.
    durationMs: Math.round((slowest * (i + 1)) / count) + 0.337,
    status: 'ok',
    attempts: 1,
    estimated: false,
  }));
}
const EVENTS = [...calls('m-fast', 70, 1450), ...calls('m-slow', 70, 9100)];

const dir = mkdtempSync(join(tmpdir(), 'tl-pct-'));
const schema = `tl_pct_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const pg = (await import('pg')).default;
  const client = new pg.Client(PG_URL);
  await client.connect();
  await client.query(`drop schema if exists "${schema}" cascade`);
  await client.end();
});

const STORES: [string, () => Promise<Store>][] = [
  ['memory', () => openStore('memory:', { exactPercentileLimit: 100 })],
  ['sqlite', () => openStore(`sqlite:${join(dir, 'pct.db')}`, { exactPercentileLimit: 100 })],
  ['postgres', () => openStore(`${PG_URL}?schema=${schema}`, { exactPercentileLimit: 100 })],
];

describe.each(STORES)('compare and report --by model give one p50 (%s)', (_name, open) => {
  it("a model's p50 and p95 are the report's, labelled approximate in both", async () => {
    const store = await open();
    try {
      await store.insert(EVENTS);
      const report = await usageByModel(store);
      const { models } = await compareModels(store, ['m-fast', 'm-slow', 'm-none'], { model: 'm-fast' });
      for (const entry of models.slice(0, 2)) {
        const row = report.find((r) => r.model === entry.model);
        expect(row?.latency.percentilesApproximate).toBe(true);
        expect([entry.latencyP50Ms, entry.latencyP95Ms, entry.latencyApproximate]).toEqual([
          row?.latency.p50Ms,
          row?.latency.p95Ms,
          true,
        ]);
      }
      // The exact nearest-rank p50 of m-fast (the 35th of 70) is 725.337 ms; the histogram's is near it, not it.
      const fast = models[0];
      expect(fast?.latencyP50Ms).not.toBe(725.337);
      expect(Math.abs((fast?.latencyP50Ms ?? 0) - 725.337) / 725.337).toBeLessThan(0.045);
      expect(models[2]).toMatchObject({ model: 'm-none', calls: 0, latencyP50Ms: null, latencyApproximate: false });
    } finally {
      await store.close();
    }
  });
});
