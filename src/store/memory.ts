/**
 * The in-memory store (`memory:`): same semantics as the SQL stores, nothing persisted. Used by
 * unit tests and short-lived scripts. It keeps the same rows the SQL stores keep (row.ts), so
 * the normalizations are identical, and it applies the same percentile rule.
 *
 * @module
 */
import type { Filter, PriceDataEntry, PriceDataRecord, PriceDataState, UsageEvent } from '../types/index.js';
import { bucketStart } from '../units/index.js';
import {
  compareGroupValues,
  emptySums,
  exactPercentiles,
  finishRow,
  groupId,
  groupKeyObject,
  histogramPercentiles,
  intervalMs,
  normalizeGroupValues,
  NO_PERCENTILES,
  type GroupValues,
  type PartialSums,
} from './aggregate-rows.js';
import { StoreError } from '../errors/index.js';
import { checkCallOrder, compareCallRows, isAfterPosition } from './call-order.js';
import { checkLimit, decodeCursor, toEventPage } from './cursor.js';
import { DEFAULT_EXACT_PERCENTILE_LIMIT } from './latency-histogram.js';
import { eventToRow, rowToEvent, type EventRow } from './row.js';
import { addRowToSums } from './rollup-delta.js';
import {
  excludedTags,
  excludedValues,
  FILTER_FIELDS,
  includedPriceSources,
  includedTags,
  includedValues,
} from './filter-values.js';
import { checkAggregateQuery, tagOfGroupKey } from './query-check.js';
import { checkRankQuery, compareRanked } from './rank.js';
import { MAX_TRACE_IDS } from './sql-query.js';
import { PRICE_HISTORY_COLUMNS, priceHistoryFromDriver, priceHistoryValues, repricedRow } from './reprice-rows.js';
import { deadLetterPage } from './dead-letters.js';
import { KEEP_DATA, KEEP_REFUSED, recordOf } from './price-data.js';
import type {
  AggregateQuery,
  AggregateRow,
  RankPage,
  RankQuery,
  DeadLetter,
  FieldGroupKey,
  DeadLetterQuery,
  EventPage,
  EventPageQuery,
  EventReprice,
  PriceHistoryEntry,
  Store,
  TraceSpanRow,
} from './store.js';

export interface MemoryStoreOptions {
  /**
   * Above this many latency values in one query, percentiles come from the log histogram.
   * @default 50_000
   */
  exactPercentileLimit?: number;
}

interface Kept {
  row: EventRow;
  tags: Record<string, string>;
}

/** A text-valued tag of the event (what the SQL stores' tag index holds), or undefined. */
function tagValue(kept: Kept, key: string): string | undefined {
  const value = Object.hasOwn(kept.tags, key) ? kept.tags[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function matches(kept: Kept, filter: Filter): boolean {
  const { row } = kept;
  if (filter.from !== undefined && row.time_ms < filter.from.getTime()) return false;
  if (filter.to !== undefined && row.time_ms >= filter.to.getTime()) return false;
  for (const field of FILTER_FIELDS) {
    const value = row[field];
    const values = includedValues(filter, field);
    if (values !== undefined && (value === null || !values.includes(value))) return false;
    if (value !== null && excludedValues(filter, field).includes(value)) return false;
  }
  if (filter.status !== undefined && row.status !== filter.status) return false;
  const sources = includedPriceSources(filter);
  if (sources !== undefined && (row.price_source === null || !sources.includes(row.price_source))) return false;
  for (const [key, values] of includedTags(filter)) {
    const value = tagValue(kept, key);
    if (value === undefined || !values.includes(value)) return false;
  }
  for (const [key, values] of excludedTags(filter)) {
    const value = tagValue(kept, key);
    if (value !== undefined && values.includes(value)) return false;
  }
  return true;
}

interface Group {
  values: GroupValues;
  sums: PartialSums;
  rows: EventRow[];
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly byId = new Map<string, Kept>();
  /** The tag index: key -> value -> ids (text values only, as the SQL stores' event_tags). */
  private readonly byTag = new Map<string, Map<string, Set<string>>>();
  private readonly letters = new Map<string, DeadLetter>();
  /** Price update attempts, oldest first, with the installed files' text (pruned as the SQL stores do). */
  private readonly priceAttempts: Array<{ record: PriceDataRecord; data: string | undefined }> = [];
  /** Price history rows by event id, oldest first (as the SQL stores' price_history). */
  private readonly history = new Map<string, Record<string, unknown>[]>();
  private readonly exactLimit: number;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.exactLimit = options.exactPercentileLimit ?? DEFAULT_EXACT_PERCENTILE_LIMIT;
  }

  async insert(events: readonly UsageEvent[]): Promise<number> {
    this.checkOpen();
    // Convert everything first so a bad event rejects the whole call, as the SQL stores' transactions do.
    const rows = events.map((event) => ({ row: eventToRow(event), tags: { ...event.tags } }));
    let added = 0;
    for (const kept of rows) {
      if (this.byId.has(kept.row.id)) continue;
      this.byId.set(kept.row.id, kept);
      this.indexTags(kept, 'add');
      added += 1;
    }
    return added;
  }

  async insertDeadLetters(letters: readonly DeadLetter[]): Promise<number> {
    this.checkOpen();
    let added = 0;
    for (const letter of letters) {
      if (this.letters.has(letter.id)) continue;
      // A copy through JSON, as the SQL stores keep it.
      this.letters.set(letter.id, JSON.parse(JSON.stringify(letter)) as DeadLetter);
      added += 1;
    }
    return added;
  }

  async deadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    this.checkOpen();
    const [limit, offset] = deadLetterPage(query);
    return [...this.letters.values()]
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(offset, offset + limit);
  }

  async addPriceData(entry: PriceDataEntry): Promise<PriceDataRecord> {
    this.checkOpen();
    const record: PriceDataRecord = { ...recordOf(entry), id: (this.priceAttempts.at(-1)?.record.id ?? 0) + 1 };
    this.priceAttempts.push({ record, data: entry.status === 'installed' ? entry.data : undefined });
    const installed = this.priceAttempts.filter((attempt) => attempt.record.status === 'installed');
    for (const old of installed.slice(0, -KEEP_DATA)) old.data = undefined;
    const refused = this.priceAttempts.filter((attempt) => attempt.record.status === 'refused');
    for (const old of refused.slice(0, -KEEP_REFUSED)) this.priceAttempts.splice(this.priceAttempts.indexOf(old), 1);
    return structuredClone(record);
  }

  async priceDataState(): Promise<PriceDataState> {
    this.checkOpen();
    const installed = this.priceAttempts.findLast((attempt) => attempt.record.status === 'installed')?.record;
    const refused = this.priceAttempts.findLast(
      (attempt) => attempt.record.status === 'refused' && attempt.record.id > (installed?.id ?? 0),
    )?.record;
    return { installed: installed && structuredClone(installed), refused: refused && structuredClone(refused) };
  }

  async priceDataText(id: number): Promise<string | undefined> {
    this.checkOpen();
    return this.priceAttempts.find((attempt) => attempt.record.id === id)?.data;
  }

  async countDeadLetters(): Promise<number> {
    this.checkOpen();
    return this.letters.size;
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    this.checkOpen();
    const { groupBy } = checkAggregateQuery(query);
    const width = query.interval === undefined ? 0 : intervalMs(query.interval);
    const groups = new Map<string, Group>();
    for (const kept of this.candidates(query.filter)) {
      if (!matches(kept, query.filter)) continue;
      const { row } = kept;
      const raw = groupBy.map((name) => {
        const tag = tagOfGroupKey(name);
        if (tag !== undefined) return tagValue(kept, tag) ?? null;
        if (name === 'errorType') return row.error_type;
        if (name === 'priceSource') return row.price_source;
        if (name === 'errorStatus') return row.error_status;
        return name === 'bucket'
          ? bucketStart(row.time_ms, width)
          : row[name as Exclude<FieldGroupKey, 'bucket' | 'errorType' | 'errorStatus' | 'priceSource'>];
      });
      const values = normalizeGroupValues(groupBy, raw);
      const id = groupId(values);
      let group = groups.get(id);
      if (group === undefined) {
        group = { values, sums: emptySums(), rows: [] };
        groups.set(id, group);
      }
      addRowToSums(group.sums, row);
      group.rows.push(row);
    }
    const all = [...groups.values()];
    const durationTotal = all.reduce((n, g) => n + g.sums.durationCount, 0);
    const ttftTotal = all.reduce((n, g) => n + g.sums.ttftCount, 0);
    const wanted = query.percentiles !== false;
    return all
      .sort((a, b) => compareGroupValues(a.values, b.values))
      .map((group) =>
        finishRow({
          key: groupKeyObject(groupBy, group.values),
          sums: group.sums,
          duration: wanted
            ? this.percentiles(group.rows, 'duration_us', 'duration_bin', durationTotal)
            : NO_PERCENTILES,
          ttft: wanted ? this.percentiles(group.rows, 'ttft_us', 'ttft_bin', ttftTotal) : NO_PERCENTILES,
        }),
      );
  }

  async rank(query: RankQuery): Promise<RankPage> {
    this.checkOpen();
    const { groupBy, limit, offset } = checkRankQuery(query);
    const rows = await this.aggregate({ filter: query.filter, groupBy, percentiles: false });
    const ranked = rows.sort(compareRanked(query.orderBy, groupBy));
    return { keys: ranked.slice(offset, offset + limit).map((row) => row.key), total: rows.length };
  }

  private percentiles(
    rows: EventRow[],
    valueColumn: 'duration_us' | 'ttft_us',
    binColumn: 'duration_bin' | 'ttft_bin',
    queryTotal: number,
  ): ReturnType<typeof exactPercentiles> {
    if (queryTotal <= this.exactLimit) {
      const values = rows.map((row) => row[valueColumn]).filter((v): v is number => v !== null);
      return exactPercentiles(values.sort((a, b) => a - b));
    }
    const counts = new Map<number, number>();
    for (const row of rows) {
      const bin = row[binColumn];
      if (bin !== null) counts.set(bin, (counts.get(bin) ?? 0) + 1);
    }
    return histogramPercentiles(counts);
  }

  async events(query: EventPageQuery): Promise<EventPage> {
    this.checkOpen();
    const limit = checkLimit(query.limit);
    const order = checkCallOrder(query.orderBy);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, order);
    const rows = [...this.candidates(query.filter)]
      .filter((kept) => matches(kept, query.filter))
      .map((kept) => kept.row)
      .filter((row) => after === undefined || isAfterPosition(row, after, order))
      .sort(compareCallRows(order));
    return toEventPage(rows, limit, order);
  }

  async event(id: string): Promise<UsageEvent | undefined> {
    this.checkOpen();
    const kept = this.byId.get(id);
    return kept === undefined ? undefined : rowToEvent(kept.row);
  }

  async traceSpans(traceIds: readonly string[]): Promise<TraceSpanRow[]> {
    this.checkOpen();
    if (traceIds.length > MAX_TRACE_IDS) throw new RangeError(`traceSpans: at most ${MAX_TRACE_IDS} trace ids a call`);
    const wanted = new Set(traceIds);
    const rows: TraceSpanRow[] = [];
    for (const { row } of this.byId.values()) {
      if (row.trace_id !== null && row.span_id !== null && wanted.has(row.trace_id))
        rows.push({ id: row.id, traceId: row.trace_id, spanId: row.span_id });
    }
    return rows;
  }

  async delete(filter: Filter): Promise<number> {
    this.checkOpen();
    let removed = 0;
    for (const kept of [...this.candidates(filter)]) {
      if (matches(kept, filter)) {
        this.byId.delete(kept.row.id);
        this.history.delete(kept.row.id);
        this.indexTags(kept, 'remove');
        removed += 1;
      }
    }
    return removed;
  }

  async reprice(changes: readonly EventReprice[]): Promise<number> {
    this.checkOpen();
    let changed = 0;
    const now = Date.now();
    for (const change of changes) {
      const kept = this.byId.get(change.id);
      if (kept === undefined) continue;
      const row = repricedRow(kept.row, change);
      if (row === undefined) continue;
      const values = priceHistoryValues(kept.row, row, now);
      const entries = this.history.get(change.id) ?? [];
      entries.push(Object.fromEntries(PRICE_HISTORY_COLUMNS.map((column, i) => [column, values[i] ?? null])));
      this.history.set(change.id, entries);
      kept.row = row;
      changed += 1;
    }
    return changed;
  }

  async priceHistory(eventId: string): Promise<PriceHistoryEntry[]> {
    this.checkOpen();
    return (this.history.get(eventId) ?? []).map(priceHistoryFromDriver).reverse();
  }

  async ping(): Promise<void> {
    this.checkOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Adds an event to the tag index, or removes it. */
  private indexTags(kept: Kept, change: 'add' | 'remove'): void {
    for (const [key, value] of Object.entries(kept.tags)) {
      if (typeof value !== 'string') continue;
      let values = this.byTag.get(key);
      if (values === undefined) {
        values = new Map();
        this.byTag.set(key, values);
      }
      let ids = values.get(value);
      if (ids === undefined) {
        ids = new Set();
        values.set(value, ids);
      }
      if (change === 'add') ids.add(kept.row.id);
      else ids.delete(kept.row.id);
    }
  }

  /** The events a filter may match: those of its rarest tag constraint when it has tags, else all. */
  private candidates(filter: Filter): Iterable<Kept> {
    const tags = includedTags(filter);
    if (tags.length === 0) return this.byId.values();
    let smallest: Set<string> | undefined;
    for (const [key, values] of tags) {
      const ids = new Set<string>();
      for (const value of values) for (const id of this.byTag.get(key)?.get(value) ?? []) ids.add(id);
      if (smallest === undefined || ids.size < smallest.size) smallest = ids;
    }
    const out: Kept[] = [];
    for (const id of smallest ?? []) {
      const kept = this.byId.get(id);
      if (kept !== undefined) out.push(kept);
    }
    return out;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('the memory store is closed', { retryable: false });
  }
}
