/**
 * Re-pricing stored rows, shared by every store: the row with its new cost (or none when it
 * already has it), the price history row that keeps the cost it replaced, and what the change
 * does to the sum rollups. Rollup keys (hour or day, provider, model, agent, status) never
 * change with a price, so a rollup is corrected by the difference of what the row adds with its
 * new cost and with its old one (rollup-delta.ts, the single definition of what a row adds):
 * costs, cache savings, unpriced and cost-mismatch counts; calls and tokens cancel out.
 *
 * @module
 */
import { computeRollupDeltas, type RollupDelta, rollupValues } from './rollup-delta.js';
import { COST_COLUMN_NAMES, costColumns, costOfColumns, type EventRow, pricedAtMs } from './row.js';
import { ROLLUP_SUM_COLUMNS } from './migrations/schema.js';
import type { EventReprice, PriceHistoryEntry } from './store.js';

/** The stored row with its new price, or `undefined` when it has that cost from that source already. */
export function repricedRow(old: EventRow, change: EventReprice): EventRow | undefined {
  const columns = costColumns(change.cost);
  if (COST_COLUMN_NAMES.every((column) => old[column] === columns[column]) && old.price_source === change.priceSource)
    return undefined;
  return {
    ...old,
    ...columns,
    cost_unavailable_reason: null,
    price_source: change.priceSource,
    priced_at_ms: pricedAtMs(change.pricedAt),
  };
}

/** `UPDATE events` of one re-priced row: its values are `repricedEventValues(row)`. */
export const REPRICE_EVENT_SQL = `UPDATE events SET ${COST_COLUMN_NAMES.map((c) => `${c} = ?`).join(', ')}, cost_unavailable_reason = NULL, price_source = ?, priced_at_ms = ? WHERE id = ?`;

export function repricedEventValues(row: EventRow): (string | number | null)[] {
  return [...COST_COLUMN_NAMES.map((column) => row[column]), row.price_source, row.priced_at_ms, row.id];
}

export const PRICE_HISTORY_COLUMNS = [
  'event_id',
  'repriced_at_ms',
  ...COST_COLUMN_NAMES,
  'cost_unavailable_reason',
  'price_source',
  'priced_at_ms',
  'new_price_source',
] as const;

export const INSERT_PRICE_HISTORY_SQL = `INSERT INTO price_history (${PRICE_HISTORY_COLUMNS.join(', ')}) VALUES (${PRICE_HISTORY_COLUMNS.map(() => '?').join(', ')})`;

export const PRICE_HISTORY_SQL = `SELECT ${PRICE_HISTORY_COLUMNS.join(', ')} FROM price_history WHERE event_id = ? ORDER BY id DESC`;

/** The history row keeping `old`'s cost, replaced by `row`'s at `repricedAtMs`, in PRICE_HISTORY_COLUMNS order. */
export function priceHistoryValues(old: EventRow, row: EventRow, repricedAtMs: number): (string | number | null)[] {
  return [
    old.id,
    repricedAtMs,
    ...COST_COLUMN_NAMES.map((column) => old[column]),
    old.cost_unavailable_reason,
    old.price_source,
    old.priced_at_ms,
    row.price_source ?? '',
  ];
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** A price history row as a driver returned it (pg: bigint as text). */
export function priceHistoryFromDriver(raw: Record<string, unknown>): PriceHistoryEntry {
  const cost = costOfColumns({
    cost_input_nanos: num(raw['cost_input_nanos']),
    cost_cache_read_nanos: num(raw['cost_cache_read_nanos']),
    cost_cache_write_nanos: num(raw['cost_cache_write_nanos']),
    cost_output_nanos: num(raw['cost_output_nanos']),
    cost_total_nanos: num(raw['cost_total_nanos']),
    cache_savings_nanos: num(raw['cache_savings_nanos']),
  });
  const entry: PriceHistoryEntry = {
    eventId: String(raw['event_id']),
    repricedAt: new Date(Number(raw['repriced_at_ms'])).toISOString(),
    cost,
    newPriceSource: String(raw['new_price_source']),
  };
  const reason = raw['cost_unavailable_reason'];
  if (typeof reason === 'string') entry.costUnavailableReason = reason;
  if (typeof raw['price_source'] === 'string') entry.priceSource = raw['price_source'];
  const pricedAt = num(raw['priced_at_ms']);
  if (pricedAt !== null) entry.pricedAt = new Date(pricedAt).toISOString();
  return entry;
}

/** One rollup row's correction: the sum columns' differences (ROLLUP_SUM_COLUMNS order) at its key. */
export interface RollupCorrection {
  table: 'rollup_hourly' | 'rollup_daily';
  /** [hour or day start, provider, model, agent ('' for none), status]. */
  key: [number, string, string, string, string];
  differences: number[];
}

const SUMS_AT = 5;

function differencesOf(after: readonly RollupDelta[], before: readonly RollupDelta[]): Map<string, RollupDelta[]> {
  const byKey = new Map<string, RollupDelta[]>();
  const keyOf = (d: RollupDelta): string => JSON.stringify([d.hourMs, d.provider, d.model, d.agent, d.status]);
  for (const delta of after) byKey.set(keyOf(delta), [delta]);
  for (const delta of before) byKey.get(keyOf(delta))?.push(delta);
  return byKey;
}

/** What re-pricing `olds` into `news` (the same events, in any order) changes in each rollup row, in key order. */
export function rollupCorrections(olds: readonly EventRow[], news: readonly EventRow[]): RollupCorrection[] {
  const before = computeRollupDeltas(olds, { latencies: false });
  const after = computeRollupDeltas(news, { latencies: false });
  const out: RollupCorrection[] = [];
  for (const [table, added, removed] of [
    ['rollup_hourly', after.rollups, before.rollups],
    ['rollup_daily', after.dailyRollups, before.dailyRollups],
  ] as const) {
    for (const [newDelta, oldDelta] of differencesOf(added, removed).values()) {
      if (newDelta === undefined || oldDelta === undefined) continue;
      const newValues = rollupValues(newDelta);
      const oldValues = rollupValues(oldDelta);
      const differences = ROLLUP_SUM_COLUMNS.map(
        (_, i) => Number(newValues[SUMS_AT + i] ?? 0) - Number(oldValues[SUMS_AT + i] ?? 0),
      );
      if (differences.every((value) => value === 0)) continue;
      out.push({
        table,
        key: [newDelta.hourMs, newDelta.provider, newDelta.model, newDelta.agent, newDelta.status],
        differences,
      });
    }
  }
  return out;
}

/** `UPDATE` adding a correction's differences to its rollup row: params are differences, then key. */
export function correctRollupSql(table: RollupCorrection['table']): string {
  const time = table === 'rollup_hourly' ? 'hour_ms' : 'day_ms';
  return `UPDATE ${table} SET ${ROLLUP_SUM_COLUMNS.map((c) => `${c} = ${c} + ?`).join(', ')} WHERE ${time} = ? AND provider = ? AND model = ? AND agent = ? AND status = ?`;
}
