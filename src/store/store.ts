/**
 * The Store interface: where UsageEvents are kept and aggregated. The ledger and the
 * analytics depend on this interface only; sqlite (default), postgres and memory implement it
 * and one contract test suite runs against all three.
 *
 * Aggregation happens inside the store (SQL), so analytics stay fast at millions of events;
 * the analytics layer only shapes rows into answers.
 *
 * @module
 */
import type {
  CallSort,
  Cost,
  Filter,
  Interval,
  PriceDataEntry,
  PriceDataRecord,
  PriceDataState,
  UsageEvent,
} from '../types/index.js';

/**
 * The dimensions every event has. `errorType` and `errorStatus` are a failed call's error type
 * and HTTP status (`null` for calls without one): failures grouped by what went wrong.
 * `priceSource` is where a priced call's prices came from (`null`: unpriced, or stored before
 * version 13).
 */
export type FieldGroupKey =
  | 'provider'
  | 'model'
  | 'agent'
  | 'run'
  | 'status'
  | 'errorType'
  | 'errorStatus'
  | 'priceSource'
  | 'bucket';

/** A tag key as a dimension: `tag:team` groups by the value of the event's `team` tag (`null`: no such tag). */
export type TagGroupKey = `tag:${string}`;

/** Dimensions an aggregate can be grouped by. `bucket` needs `interval`. */
export type GroupKey = FieldGroupKey | TagGroupKey;

export interface AggregateQuery {
  filter: Filter;
  /** Empty: one row for everything that matches (none when nothing matches). */
  groupBy: readonly GroupKey[];
  /** Bucket width when grouping by `bucket`. */
  interval?: Interval;
  /**
   * Compute latency percentiles (duration, ttft). Turn off for queries that show no latency
   * (timeseries of tokens/cost): it saves the histogram or sort work.
   * @default true
   */
  percentiles?: boolean;
}

/** Latency percentiles in ms (nearest-rank), `undefined` when no value was recorded. */
export interface Percentiles {
  p50: number | undefined;
  p95: number | undefined;
  p99: number | undefined;
  /**
   * True when they come from the log histogram (the query held more values than the store's
   * exact limit): each within HISTOGRAM_RELATIVE_ERROR of the exact one, so to be shown as
   * approximate. False when exact (or when there is none).
   */
  approximate: boolean;
}

/** One group's sums. Token sums add known counts only; `usageUnavailableCalls` says how many had none. */
export interface AggregateRow {
  /** The group's values; `null` where the event had none (e.g. no agent). `bucket` is an ISO time. */
  key: Partial<Record<GroupKey, string | null>>;
  calls: number;
  successes: number;
  failures: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Sum of priced events' cost, integer nano-dollars, and its parts. */
  costNanos: number;
  costInputNanos: number;
  costCacheReadNanos: number;
  costCacheWriteNanos: number;
  costOutputNanos: number;
  /** What the catalog would have charged for cache reads at the uncached input price, minus what they cost: the cache saving, nano-dollars. */
  cacheSavingsNanos: number;
  /** Sum of provider-reported costs, nano-dollars. */
  providerCostNanos: number;
  unpricedCalls: number;
  estimatedCalls: number;
  usageUnavailableCalls: number;
  durationCount: number;
  durationSumMs: number;
  durationMaxMs: number | undefined;
  duration: Percentiles;
  ttftCount: number;
  ttftSumMs: number;
  ttft: Percentiles;
  /** Calls whose event carries warnings (reader or recording notes). */
  warningCalls: number;
  /** Calls where our cost and the provider's own disagree by more than 1%, and both sums over them (nanos). */
  costMismatchCalls: number;
  costMismatchOursNanos: number;
  costMismatchProviderNanos: number;
  /** Cost of the failed calls (status `error`) that were priced, nano-dollars: what failures cost. */
  failedCostNanos: number;
  /** ISO times of the first and last matching events. */
  firstTime: string | undefined;
  lastTime: string | undefined;
}

/** What groups can be ranked by, largest first: cost, tokens, calls, mean latency, or the latest call. */
export type RankOrder = 'cost' | 'tokens' | 'calls' | 'latency' | 'recent';

export interface RankQuery {
  filter: Filter;
  /** One or two dimensions (no `bucket`). */
  groupBy: readonly GroupKey[];
  orderBy: RankOrder;
  /** At most this many groups (1..10,000). */
  limit: number;
  /** Skip this many first. @default 0 */
  offset?: number;
}

/**
 * One page of ranked groups. Order: `orderBy` descending (mean latency: rounded to the
 * microsecond, groups without latency last; `recent`: the latest call's time), then cost,
 * tokens and calls descending, then the group values ascending, dimension by dimension, `null`
 * last. The same on every store.
 */
export interface RankPage {
  /** The groups' keys, in rank order (as AggregateRow keys). */
  keys: AggregateRow['key'][];
  /** How many groups match in all. */
  total: number;
}

/**
 * How a page of events (calls) is sorted, largest first: `time` (newest first), `cost`
 * (unpriced calls last), `latency` (duration; calls without one last), `tokens` (total tokens;
 * calls without usage last). Ties: newest first, then id descending. The same on every store.
 */
export type CallOrder = CallSort;

export interface EventPageQuery {
  filter: Filter;
  /** At most this many events. */
  limit: number;
  /** The order of the pages. @default 'time' */
  orderBy?: CallOrder;
  /** Opaque cursor from a previous page of the same order (keyset: the page's last position). */
  cursor?: string;
}

export interface EventPage {
  events: UsageEvent[];
  nextCursor: string | undefined;
}

/** One stored event's place in an OpenTelemetry trace. */
export interface TraceSpanRow {
  id: string;
  traceId: string;
  spanId: string;
}

/**
 * An event the store refused for good (a constraint, an encoding, a value out of range), kept
 * aside with the reason instead of blocking the events written with it.
 */
export interface DeadLetter {
  /** The event's id (one dead letter per id). */
  id: string;
  /** ISO time the event was dead-lettered. */
  time: string;
  /** Why the store refused it (the store's error, without secrets). */
  reason: string;
  /** The event as it was refused. */
  event: UsageEvent;
}

export interface DeadLetterQuery {
  /** At most this many (1..10,000), newest first. */
  limit: number;
  /** Skip this many first. @default 0 */
  offset?: number;
}

/** A stored event's new price, from re-pricing it with the current price data. */
export interface EventReprice {
  id: string;
  /** The new cost (re-pricing never takes a price away: an event it cannot price keeps its own). */
  cost: Cost;
  /** Where its prices came from, as `UsageEvent.priceSource`. */
  priceSource: string;
  /** When it was priced (ISO time). */
  pricedAt: string;
}

/** A cost that re-pricing replaced (`price_history`), newest first per event. */
export interface PriceHistoryEntry {
  eventId: string;
  /** When it was replaced (ISO time). */
  repricedAt: string;
  /** The previous cost, or null when the event was unpriced then. */
  cost: Cost | null;
  costUnavailableReason?: string;
  /** The previous cost's source and pricing time, when it had them. */
  priceSource?: string;
  pricedAt?: string;
  /** The source of the cost that replaced it. */
  newPriceSource: string;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /**
   * Inserts events. Ids already stored are ignored (idempotent). Resolves only once the
   * events are durable (they survive the process being killed). Returns how many were new.
   */
  insert(events: readonly UsageEvent[]): Promise<number>;
  aggregate(query: AggregateQuery): Promise<AggregateRow[]>;
  /**
   * The top groups by cost, tokens, calls, latency or recency, paged, ranked inside the store
   * (SQL: GROUP BY, ORDER BY, LIMIT), so the most expensive of a million runs is found without
   * sending them all. Fetch the page's figures with `aggregate` over its keys.
   */
  rank(query: RankQuery): Promise<RankPage>;
  events(query: EventPageQuery): Promise<EventPage>;
  /** One stored event by its id, or `undefined` when there is none. */
  event(id: string): Promise<UsageEvent | undefined>;
  /**
   * The events stored in these traces (at most 1,000 trace ids a call), as event id and span:
   * how the OTLP receiver sees that a span's call was already metered (by the gateway, which
   * keeps the request's `traceparent`). Indexed on the trace id.
   */
  traceSpans(traceIds: readonly string[]): Promise<TraceSpanRow[]>;
  /** Keeps refused events aside with their reason; an id kept already stays as it was. Returns how many were new. */
  insertDeadLetters(letters: readonly DeadLetter[]): Promise<number>;
  /** The dead letters, newest first. */
  deadLetters(query: DeadLetterQuery): Promise<DeadLetter[]>;
  /** How many dead letters the store keeps. */
  countDeadLetters(): Promise<number>;
  /**
   * Keeps one price update attempt (installed with its file's text, or refused with its reason)
   * and returns its record; the newest installed one is what every process on the ledger prices with.
   */
  addPriceData(entry: PriceDataEntry): Promise<PriceDataRecord>;
  /** The newest installed price data and a refusal newer than it (cheap: what serve polls). */
  priceDataState(): Promise<PriceDataState>;
  /** An installed file's text by its record id (`undefined` when not kept). */
  priceDataText(id: number): Promise<string | undefined>;
  /**
   * Writes new costs on stored events (one transaction): each changed event's previous cost goes
   * to its price history, and the rollups it counts in are corrected by the difference. An event
   * whose cost and source are already these, or that is not stored, is left alone (so a
   * re-pricing run again with the same data writes nothing). Returns how many changed.
   */
  reprice(changes: readonly EventReprice[]): Promise<number>;
  /** The costs re-pricing replaced on one event, newest first. */
  priceHistory(eventId: string): Promise<PriceHistoryEntry[]>;
  /** Removes the matching events; returns how many. */
  delete(filter: Filter): Promise<number>;
  /** Cheap liveness check. */
  ping(): Promise<void>;
  /**
   * SQLite: copies what the write-ahead log holds into the database file now, without waiting
   * for other readers or writers (a passive checkpoint), so that `close()`, which copies the
   * rest, has little left. For a caller that knows it will write little for a while
   * (`tokenledger batch` once its last calls are sent: the close of 2,000 events' log took
   * 14-30 ms after the last answer). Other stores have nothing to copy and leave it out.
   */
  checkpoint?(): Promise<void>;
  close(): Promise<void>;
}
