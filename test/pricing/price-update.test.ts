/**
 * `prices update`'s engine (issue 14 item 1 acceptance), in process: a loopback HTTP server
 * serves catalog files; a valid newer one is installed in the ledger (a SQLite file) and used by
 * a pricer made before it; a truncated one, one shrunk by half, one with a negative price and
 * one with a 1000x jump are each refused with the reason in one line (the jump's listing the
 * move), and the prices stay as they were. A second process (here: a fresh sync from the same
 * file's ledger, after the data in use is reset to the bundle) prices with the installed data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncPriceData, updatePriceData } from '#src/ledger/index.js';
import { createPricer, priceDataStatus, sha256Of } from '#src/pricing/index.js';
import { openStore, type Store } from '#src/store/index.js';
import { catalogFiles, serveCatalogs, type CatalogServer } from './catalog-server.js';
import { usage } from './helpers.js';

let dir: string;
let files: Record<string, string>;
let server: CatalogServer;
let store: Store;
// Made before any update: it must see the installed data without being made again.
const pricer = createPricer();

/** What 1M input tokens of openai/gpt-4o cost now, nanos (its input price per 1M x 1e9). */
function gpt4oInputNanos(): number | undefined {
  const priced = pricer.price({
    provider: 'openai',
    model: 'gpt-4o',
    usage: usage({ inputTokens: 1_000_000, outputTokens: 0 }),
  });
  return priced.cost?.totalNanos;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-price-update-'));
  files = await catalogFiles();
  server = await serveCatalogs(files);
  store = await openStore(`sqlite:${join(dir, 'ledger.db')}`);
});
afterAll(async () => {
  await store.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('prices update from a local HTTP server', () => {
  it('refuses a truncated file, one shrunk by half and one with a negative price; the bundle stays', async () => {
    expect(gpt4oInputNanos()).toBe(2_500_000_000);
    const reasons: string[] = [];
    for (const name of ['truncated', 'shrunk', 'negative']) {
      const outcome = await updatePriceData(store, { from: server.url(name) });
      expect(outcome.installed).toBe(false);
      expect(outcome.record.status).toBe('refused');
      reasons.push(outcome.record.reason ?? '');
      expect((await store.priceDataState()).refused?.reason).toBe(outcome.record.reason);
      expect(gpt4oInputNanos()).toBe(2_500_000_000);
    }
    const halfLength = Math.floor((files['newer'] ?? '').length / 2);
    expect(reasons[0]).toBe(`not JSON (truncated?): Unterminated string in JSON at position ${halfLength}`);
    expect(reasons[1]).toBe("shrunk: 21 providers, fewer than 38 (the bundle's 43 minus 10%)");
    expect(reasons[2]).toBe('openai/gpt-4o output_mtok: negative price (-10)');
    expect((await store.priceDataState()).installed).toBeUndefined();
    expect(priceDataStatus().source).toBe('bundled @pydantic/genai-prices 0.1.8');
  });

  it('installs a valid newer file in the ledger; a pricer made before uses it', async () => {
    const outcome = await updatePriceData(store, { from: server.url('newer') });
    expect(outcome.installed).toBe(true);
    const sha = sha256Of(files['newer'] ?? '');
    expect(outcome.record).toMatchObject({ status: 'installed', sha256: sha, source: server.url('newer') });
    expect(outcome.record.warnings).toEqual([]);
    expect(gpt4oInputNanos()).toBe(2_000_000_000);
    expect(priceDataStatus().source).toBe(`catalog sha256:${sha.slice(0, 12)} from ${server.url('newer')}`);
    const state = await store.priceDataState();
    expect(state.installed?.sha256).toBe(sha);
    expect(state.installed?.models).toBe(1694);
    // The refusals before it are not news any more.
    expect(state.refused).toBeUndefined();
    expect(await store.priceDataText(state.installed?.id ?? 0)).toBe(files['newer']);
  });

  it('refuses a 1000x jump, listing the move; prices stay; accepted on request', async () => {
    const outcome = await updatePriceData(store, { from: server.url('jump') });
    expect(outcome.installed).toBe(false);
    const move = '1 price moved more than 10x: openai/gpt-4o input_mtok 2 -> 2000 (1000x)';
    expect(outcome.record.reason).toBe(`${move} (accept with --accept-moves)`);
    expect(outcome.record.warnings).toEqual([move]);
    expect(gpt4oInputNanos()).toBe(2_000_000_000);
    expect((await store.priceDataState()).refused?.reason).toBe(`${move} (accept with --accept-moves)`);

    const accepted = await updatePriceData(store, { from: server.url('jump'), acceptMoves: true });
    expect(accepted.installed).toBe(true);
    expect(accepted.record.warnings).toEqual([move]);
    expect(gpt4oInputNanos()).toBe(2_000_000_000_000);
  });

  it('an unreachable source is refused in one line', async () => {
    const outcome = await updatePriceData(store, { from: server.url('missing') });
    expect(outcome.record.reason).toBe(`could not read ${server.url('missing')}: HTTP 404 Not Found`);
    expect(gpt4oInputNanos()).toBe(2_000_000_000_000);
  });

  it('another process syncs to the newest installed file of the ledger', async () => {
    await updatePriceData(store, { from: server.url('newer'), acceptMoves: true });
    expect(gpt4oInputNanos()).toBe(2_000_000_000);
    // The same file installed again: nothing to change here.
    expect(await syncPriceData(store)).toEqual({ changed: false });
    const other = await openStore(`sqlite:${join(dir, 'ledger.db')}`);
    try {
      expect((await other.priceDataState()).installed?.sha256).toBe(sha256Of(files['newer'] ?? ''));
    } finally {
      await other.close();
    }
  });
});
