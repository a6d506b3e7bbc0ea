/**
 * Prices in `serve`: at start, and then every `prices.check` (1 minute by default), the server
 * looks in the ledger for a catalog file installed by any process (`tokenledger prices update`,
 * another server's refresh) and, when it is not the one in use, prices with it from then on,
 * without a restart. With `prices.refresh` set, it also fetches the catalog file itself on that
 * schedule (at start too, when the ledger's data is older than one period), checks it and
 * installs it. Off by default: nothing is fetched unless configured.
 *
 * A refused update keeps the data in use and says why in one line: a warning in the log, the
 * gauge `tokenledger_price_update_refused{reason}` and `tokenledger prices status`.
 *
 * @module
 */
import type { Logger as PinoLogger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { PriceRefreshConfig } from '../config/index.js';
import { syncPriceData, updatePriceData } from '../ledger/index.js';
import { defaultCatalogUrl } from '../pricing/index.js';
import type { Store } from '../store/index.js';
import type { PriceDataRecord } from '../types/index.js';

/** setInterval's longest delay (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

export interface PriceRefresh {
  /** Looks in the ledger now (what the timer does). */
  check(): Promise<void>;
  /** Fetches, checks and installs now (what the refresh timer does). */
  refresh(): Promise<void>;
  close(): void;
}

export interface PriceRefreshOptions {
  store: Store;
  config: PriceRefreshConfig;
  log: PinoLogger;
  registry: Registry;
}

/** Starts the checks (and the refresh, when configured). Resolves once the ledger's data is in use. */
export async function startPriceRefresh({ store, config, log, registry }: PriceRefreshOptions): Promise<PriceRefresh> {
  let refused: PriceDataRecord | undefined;
  let reported: number | undefined;
  new Gauge({
    name: 'tokenledger_price_update_refused',
    help: 'The last price update refused since the data in use was installed, with its reason (absent when none).',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      if (refused?.reason !== undefined) this.set({ reason: refused.reason }, Date.parse(refused.fetchedAt) / 1000);
    },
  });
  const sayRefused = (record: PriceDataRecord | undefined): void => {
    refused = record;
    if (record === undefined || record.id === reported) return;
    reported = record.id;
    log.warn(
      { source: record.source, sha256: record.sha256, fetchedAt: record.fetchedAt },
      `price update refused, prices unchanged: ${record.reason ?? 'no reason recorded'}`,
    );
  };

  const check = async (): Promise<void> => {
    try {
      const outcome = await syncPriceData(store);
      if (outcome.changed)
        log.info(
          { source: outcome.record.source, sha256: outcome.record.sha256, fetchedAt: outcome.record.fetchedAt },
          'price data from the ledger now in use',
        );
      else if ('error' in outcome)
        log.warn({ sha256: outcome.record.sha256 }, `the ledger's price data was not used: ${outcome.error}`);
      sayRefused((await store.priceDataState()).refused);
    } catch (error) {
      log.warn({ error: error instanceof Error ? error.message : String(error) }, 'price data check failed');
    }
  };

  const refresh = async (): Promise<void> => {
    try {
      const outcome = await updatePriceData(store, { from: config.source ?? defaultCatalogUrl() });
      if (outcome.installed) {
        refused = undefined;
        log.info(
          { source: outcome.record.source, sha256: outcome.record.sha256, ...outcome.counts },
          outcome.unchanged ? 'price data refreshed: unchanged' : 'price data refreshed and now in use',
        );
      } else sayRefused(outcome.record);
    } catch (error) {
      log.warn({ error: error instanceof Error ? error.message : String(error) }, 'price refresh failed');
    }
  };

  await check();
  const timers: Array<ReturnType<typeof setInterval>> = [
    setInterval(() => void check(), Math.min(config.checkMs, MAX_TIMER_MS)),
  ];
  if (config.everyMs !== undefined) {
    const everyMs = config.everyMs;
    const { installed } = await store.priceDataState().catch(() => ({ installed: undefined }));
    // A ledger refreshed within the period (by another server, a restart) is not fetched again.
    if (installed === undefined || Date.now() - Date.parse(installed.fetchedAt) >= everyMs) void refresh();
    timers.push(setInterval(() => void refresh(), Math.min(everyMs, MAX_TIMER_MS)));
  }
  for (const timer of timers) timer.unref();
  return {
    check,
    refresh,
    close: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
