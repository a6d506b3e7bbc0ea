/**
 * Re-pricing: stored events priced again with the current price data (a refreshed catalog, an
 * override added or corrected), each from its stored usage (its billed steps included: Anthropic
 * `usage.iterations`), at its own time and service tier, through the same step that priced it
 * when it was recorded (price-event.ts). The dry run only tallies what would change; the real
 * run writes each batch in one store transaction, which keeps the replaced cost in the price
 * history and corrects the rollups (Store.reprice).
 *
 * Batches are bounded (`batchSize` events read, then written) and walked by keyset, newest first.
 * Resumable without a checkpoint: an event already priced with this data compares equal and is
 * not written, so a run killed midway and started again goes on where it stopped (reading, not
 * writing, what it did), and a second run with the same data changes nothing.
 *
 * Budgets are not touched: spend a budget settled stays as settled (issue 12); re-pricing
 * changes what the analytics say a call cost.
 *
 * An event the current data cannot price keeps the cost it has (a catalog that dropped a model
 * does not erase history); it is counted apart with the first reason met.
 *
 * @module
 */
import type { Pricer } from '../pricing/index.js';
import type { EventReprice, Store } from '../store/index.js';
import type { Filter, UsageEvent } from '../types/index.js';
import { costToNanos, nanosToUsd } from '../units/index.js';
import { SERVICE_TIER_TAG } from './build-event.js';
import { priceEvent } from './price-event.js';

export interface RepriceOptions {
  store: Store;
  pricer: Pricer;
  /** Which events (the analytics filter). @default every event */
  filter?: Filter;
  /** Tally only; write nothing. @default false */
  dryRun?: boolean;
  /** Events per batch, read then written in one transaction (1..10,000). @default 1000 */
  batchSize?: number;
  /** Epoch ms now: the new `pricedAt`. @default Date.now */
  now?: () => number;
  /** After each batch. */
  onProgress?: (progress: RepriceProgress) => void;
}

/** Where a re-pricing stands, after each batch. */
export interface RepriceProgress {
  /** Events read so far, and how many match in all (counted at the start). */
  read: number;
  total: number;
  /** Events whose cost or source changes. */
  changed: number;
  /** Of those, how many were written (0 on a dry run). */
  written: number;
  elapsedMs: number;
}

/** Old and new cost of the changed calls of a group, USD. */
export interface RepriceFigures {
  /** Calls whose cost or price source changes. */
  calls: number;
  /** What they cost as stored (unpriced ones: 0), and with the current data. */
  oldUsd: number;
  newUsd: number;
  /** `newUsd - oldUsd`. */
  differenceUsd: number;
}

export interface RepriceReport {
  dryRun: boolean;
  /** Events read (matching the filter). */
  read: number;
  /** Events whose cost or price source changes (would change, on a dry run). */
  changed: number;
  /** Events written: `changed` on a real run (fewer when another writer got there first), 0 on a dry run. */
  written: number;
  /** Events the current data cannot price (kept as they are), and the first reason met. */
  unpriced: { calls: number; reason?: string };
  totals: RepriceFigures;
  /** Largest difference first (by size), then by name. */
  byModel: (RepriceFigures & { provider: string; model: string })[];
  byAgent: (RepriceFigures & { agent: string | null })[];
  byRun: (RepriceFigures & { run: string | null })[];
}

interface Tally {
  calls: number;
  oldNanos: number;
  newNanos: number;
}

function figures(tally: Tally): RepriceFigures {
  return {
    calls: tally.calls,
    oldUsd: nanosToUsd(tally.oldNanos),
    newUsd: nanosToUsd(tally.newNanos),
    differenceUsd: nanosToUsd(tally.newNanos - tally.oldNanos),
  };
}

function add(tallies: Map<string, Tally>, key: string, oldNanos: number, newNanos: number): void {
  let tally = tallies.get(key);
  if (tally === undefined) {
    tally = { calls: 0, oldNanos: 0, newNanos: 0 };
    tallies.set(key, tally);
  }
  tally.calls += 1;
  tally.oldNanos += oldNanos;
  tally.newNanos += newNanos;
}

const byDifference =
  (name: (line: { key: string }) => string) =>
  (a: { key: string; tally: Tally }, b: { key: string; tally: Tally }): number =>
    Math.abs(b.tally.newNanos - b.tally.oldNanos) - Math.abs(a.tally.newNanos - a.tally.oldNanos) ||
    name(a).localeCompare(name(b));

function lines<T>(tallies: Map<string, Tally>, shape: (key: string) => T): (RepriceFigures & T)[] {
  return [...tallies]
    .map(([key, tally]) => ({ key, tally }))
    .sort(byDifference((line) => line.key))
    .map(({ key, tally }) => ({ ...shape(key), ...figures(tally) }));
}

/** The event's new price when it differs from the stored one (cost parts or source), else undefined. */
function changeOf(event: UsageEvent, priced: ReturnType<typeof priceEvent>): EventReprice | undefined {
  if (priced.cost === null) return undefined;
  const old = event.cost;
  const same =
    old !== null &&
    event.priceSource === priced.priceSource &&
    old.totalNanos === priced.cost.totalNanos &&
    JSON.stringify(costToNanos(old)) === JSON.stringify(costToNanos(priced.cost));
  if (same) return undefined;
  return { id: event.id, cost: priced.cost, priceSource: priced.priceSource, pricedAt: priced.pricedAt };
}

/** Prices the matching stored events again; writes the changes unless `dryRun`. */
export async function repriceEvents(options: RepriceOptions): Promise<RepriceReport> {
  const { store, pricer } = options;
  const filter = options.filter ?? {};
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? 1000;
  const now = options.now ?? Date.now;
  const started = Date.now();
  const [all] = await store.aggregate({ filter, groupBy: [], percentiles: false });
  const total = all?.calls ?? 0;
  const totals = new Map<string, Tally>();
  const models = new Map<string, Tally>();
  const agents = new Map<string, Tally>();
  const runs = new Map<string, Tally>();
  const report: RepriceReport = {
    dryRun,
    read: 0,
    changed: 0,
    written: 0,
    unpriced: { calls: 0 },
    totals: figures({ calls: 0, oldNanos: 0, newNanos: 0 }),
    byModel: [],
    byAgent: [],
    byRun: [],
  };
  let cursor: string | undefined;
  do {
    const page = await store.events({ filter, limit: batchSize, ...(cursor === undefined ? {} : { cursor }) });
    cursor = page.nextCursor;
    const changes: EventReprice[] = [];
    const pricedAt = now();
    for (const event of page.events) {
      report.read += 1;
      const priced = priceEvent(
        pricer,
        {
          provider: event.provider,
          model: event.model,
          usage: event.usage,
          timeMs: Date.parse(event.time),
          tier: event.tags[SERVICE_TIER_TAG],
        },
        pricedAt,
      );
      if (priced.cost === null) {
        report.unpriced.calls += 1;
        report.unpriced.reason ??= priced.costUnavailableReason;
        continue;
      }
      const change = changeOf(event, priced);
      if (change === undefined) continue;
      changes.push(change);
      const oldNanos = event.cost?.totalNanos ?? 0;
      const newNanos = priced.cost.totalNanos;
      add(totals, '', oldNanos, newNanos);
      add(models, JSON.stringify([event.provider, event.model]), oldNanos, newNanos);
      add(agents, JSON.stringify(event.agent ?? null), oldNanos, newNanos);
      add(runs, JSON.stringify(event.run ?? null), oldNanos, newNanos);
    }
    report.changed += changes.length;
    if (!dryRun && changes.length > 0) report.written += await store.reprice(changes);
    options.onProgress?.({
      read: report.read,
      total,
      changed: report.changed,
      written: report.written,
      elapsedMs: Date.now() - started,
    });
  } while (cursor !== undefined);
  report.totals = figures(totals.get('') ?? { calls: 0, oldNanos: 0, newNanos: 0 });
  report.byModel = lines(models, (key) => {
    const [provider, model] = JSON.parse(key) as [string, string];
    return { provider, model };
  });
  report.byAgent = lines(agents, (key) => ({ agent: JSON.parse(key) as string | null }));
  report.byRun = lines(runs, (key) => ({ run: JSON.parse(key) as string | null }));
  return report;
}
