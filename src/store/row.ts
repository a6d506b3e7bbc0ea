/**
 * UsageEvent <-> stored row, shared by the SQLite and PostgreSQL stores (and the memory store,
 * which keeps rows too so all three apply the same normalizations).
 *
 * Normalizations (documented, identical everywhere):
 * - `time` is kept as integer epoch milliseconds; it reads back as UTC ISO (`toISOString()`).
 * - Money is integer nano-dollars (`Math.round(usd * 1e9)`), so sums are exact integers; USD
 *   reads back as `nanos / 1e9` (precision beyond a nano-dollar is dropped).
 * - Durations are integer microseconds (`Math.round(ms * 1000)`), so sums and percentiles are
 *   exact integers and identical on every store (float sums depend on order); they read back as
 *   `us / 1000` ms.
 * - An empty agent (`''`) is stored as no agent.
 *
 * @module
 */
import { isCostMismatch, usdToNanos } from '../units/index.js';
import { ValidationError } from '../errors/index.js';
import type { Cost, JsonValue, Usage, UsageEvent, UsageIteration } from '../types/index.js';
import { latencyBin } from './latency-histogram.js';

/** One stored event. Column names match the SQL tables. */
export interface EventRow {
  id: string;
  time_ms: number;
  provider: string;
  model: string;
  requested_model: string | null;
  agent: string | null;
  run: string | null;
  /** JSON text of the tags object. */
  tags: string;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cache_read_tokens: number | null;
  cache_write_tokens: number | null;
  cache_write_5m_tokens: number | null;
  cache_write_1h_tokens: number | null;
  reasoning_tokens: number | null;
  input_audio_tokens: number | null;
  output_audio_tokens: number | null;
  usage_unavailable_reason: string | null;
  /** JSON text, or null. */
  raw_usage: string | null;
  /** null = unpriced. */
  cost_input_nanos: number | null;
  cost_cache_read_nanos: number | null;
  cost_cache_write_nanos: number | null;
  cost_output_nanos: number | null;
  cost_total_nanos: number | null;
  cache_savings_nanos: number | null;
  cost_unavailable_reason: string | null;
  provider_cost_nanos: number | null;
  duration_us: number | null;
  ttft_us: number | null;
  /** Log-scale histogram bins of the two latencies (see latency-histogram.ts). */
  duration_bin: number | null;
  ttft_bin: number | null;
  status: string;
  error_type: string | null;
  error_status: number | null;
  error_message: string | null;
  attempts: number;
  /** 0/1 (SQLite has no boolean). */
  estimated: number;
  /** JSON text of the warnings array, or null when there are none (version 5). */
  warnings: string | null;
  /** OpenTelemetry trace id and span id (lower-case hex), or null. */
  trace_id: string | null;
  span_id: string | null;
  /** JSON text of `usage.iterations` (the separately billed steps), or null (version 8). */
  usage_iterations: string | null;
  /** Where the cost's prices came from and when it was priced (version 13), null when unpriced. */
  price_source: string | null;
  priced_at_ms: number | null;
}

/** The cost columns, in their INSERT order (re-pricing writes these). */
export const COST_COLUMN_NAMES = [
  'cost_input_nanos',
  'cost_cache_read_nanos',
  'cost_cache_write_nanos',
  'cost_output_nanos',
  'cost_total_nanos',
  'cache_savings_nanos',
] as const satisfies readonly (keyof EventRow)[];

/** Column order used by every INSERT. */
export const EVENT_COLUMNS = [
  'id',
  'time_ms',
  'provider',
  'model',
  'requested_model',
  'agent',
  'run',
  'tags',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'reasoning_tokens',
  'input_audio_tokens',
  'output_audio_tokens',
  'usage_unavailable_reason',
  'raw_usage',
  ...COST_COLUMN_NAMES,
  'cost_unavailable_reason',
  'provider_cost_nanos',
  'duration_us',
  'ttft_us',
  'duration_bin',
  'ttft_bin',
  'status',
  'error_type',
  'error_status',
  'error_message',
  'attempts',
  'estimated',
  'warnings',
  'trace_id',
  'span_id',
  'usage_iterations',
  'price_source',
  'priced_at_ms',
] as const satisfies readonly (keyof EventRow)[];

export type EventColumn = (typeof EVENT_COLUMNS)[number];

function count(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) ? null : Math.round(value);
}

function micros(ms: number | undefined): number | null {
  return ms === undefined || !Number.isFinite(ms) ? null : Math.round(ms * 1000);
}

/** Parses an event's ISO time to epoch ms; throws on garbage so nothing is stored at NaN. */
export function eventTimeMs(event: UsageEvent): number {
  const ms = Date.parse(event.time);
  if (!Number.isFinite(ms))
    throw new ValidationError(`event ${event.id}: time is not a valid ISO date: ${JSON.stringify(event.time)}`, {
      field: 'time',
    });
  return ms;
}

export function eventToRow(event: UsageEvent): EventRow {
  const cost: Cost | null = event.cost;
  const usage = event.usage;
  const durationUs = micros(event.durationMs);
  const ttftUs = micros(event.timeToFirstTokenMs);
  return {
    id: event.id,
    time_ms: eventTimeMs(event),
    provider: event.provider,
    model: event.model,
    requested_model: event.requestedModel ?? null,
    agent: event.agent === undefined || event.agent === '' ? null : event.agent,
    run: event.run ?? null,
    tags: JSON.stringify(event.tags ?? {}),
    input_tokens: count(usage.inputTokens),
    output_tokens: count(usage.outputTokens),
    total_tokens: count(usage.totalTokens),
    cache_read_tokens: count(usage.cacheReadTokens),
    cache_write_tokens: count(usage.cacheWriteTokens),
    cache_write_5m_tokens: count(usage.cacheWrite5mTokens),
    cache_write_1h_tokens: count(usage.cacheWrite1hTokens),
    reasoning_tokens: count(usage.reasoningTokens),
    input_audio_tokens: count(usage.inputAudioTokens),
    output_audio_tokens: count(usage.outputAudioTokens),
    usage_unavailable_reason: event.usageUnavailableReason ?? null,
    raw_usage: event.rawUsage === undefined ? null : JSON.stringify(event.rawUsage),
    ...costColumns(cost),
    cost_unavailable_reason: event.costUnavailableReason ?? null,
    provider_cost_nanos: event.providerCost === undefined ? null : usdToNanos(event.providerCost),
    duration_us: durationUs,
    ttft_us: ttftUs,
    duration_bin: durationUs === null ? null : latencyBin(durationUs),
    ttft_bin: ttftUs === null ? null : latencyBin(ttftUs),
    status: event.status,
    error_type: event.error?.type ?? null,
    error_status: event.error?.status ?? null,
    error_message: event.error?.message ?? null,
    attempts: event.attempts,
    estimated: event.estimated ? 1 : 0,
    warnings: event.warnings === undefined || event.warnings.length === 0 ? null : JSON.stringify(event.warnings),
    trace_id: event.trace?.traceId ?? null,
    span_id: event.trace?.spanId ?? null,
    usage_iterations:
      usage.iterations === undefined || usage.iterations.length === 0 ? null : JSON.stringify(usage.iterations),
    price_source: cost === null ? null : (event.priceSource ?? null),
    priced_at_ms: cost === null || event.pricedAt === undefined ? null : pricedAtMs(event.pricedAt),
  };
}

/** The cost columns a row keeps (integer nano-dollars; all null when unpriced). */
export type CostColumns = Pick<
  EventRow,
  | 'cost_input_nanos'
  | 'cost_cache_read_nanos'
  | 'cost_cache_write_nanos'
  | 'cost_output_nanos'
  | 'cost_total_nanos'
  | 'cache_savings_nanos'
>;

/** A cost as stored: the one conversion, for inserts and re-pricing alike. */
export function costColumns(cost: Cost | null): CostColumns {
  return {
    cost_input_nanos: cost === null ? null : usdToNanos(cost.input),
    cost_cache_read_nanos: cost === null ? null : usdToNanos(cost.cacheRead),
    cost_cache_write_nanos: cost === null ? null : usdToNanos(cost.cacheWrite),
    cost_output_nanos: cost === null ? null : usdToNanos(cost.output),
    // totalNanos is the figure sums are made from (types/cost.ts); carry it as given.
    cost_total_nanos: cost === null ? null : Math.round(cost.totalNanos),
    cache_savings_nanos: cost === null ? null : usdToNanos(cost.cacheSavings),
  };
}

/** An event's `pricedAt` as epoch ms; an unreadable one is not kept (null). */
export function pricedAtMs(text: string): number | null {
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Row values in EVENT_COLUMNS order. */
export function rowValues(row: EventRow): (string | number | null)[] {
  return EVENT_COLUMNS.map((column) => row[column]);
}

function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  // pg returns bigint as string.
  return typeof value === 'number' ? value : Number(value);
}

function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // pg parses jsonb itself; SQLite returns the text.
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Columns stored as text on both stores. */
export const TEXT_COLUMNS: ReadonlySet<EventColumn> = new Set([
  'id',
  'provider',
  'model',
  'requested_model',
  'agent',
  'run',
  'usage_unavailable_reason',
  'cost_unavailable_reason',
  'status',
  'error_type',
  'error_message',
  'trace_id',
  'span_id',
  'price_source',
]);

/** Columns holding JSON: text on SQLite, jsonb on PostgreSQL. */
export const JSON_COLUMNS: ReadonlySet<EventColumn> = new Set(['tags', 'raw_usage', 'warnings', 'usage_iterations']);

/** How each column reads back, settled once (rows are read by the million: re-pricing, exports). */
const COLUMN_READERS: readonly [EventColumn, (value: unknown) => unknown][] = EVENT_COLUMNS.map((column) => {
  if (column === 'tags') return [column, (value: unknown) => jsonText(value) ?? '{}'];
  if (JSON_COLUMNS.has(column)) return [column, jsonText];
  if (TEXT_COLUMNS.has(column)) return [column, str];
  if (column === 'estimated') return [column, (value: unknown) => (value === true || Number(value) === 1 ? 1 : 0)];
  return [column, num];
});

/** Normalizes a row as a driver returned it (strings for bigint, parsed jsonb) into an EventRow. */
export function rowFromDriver(raw: Record<string, unknown>): EventRow {
  const out: Record<string, unknown> = {};
  for (const [column, read] of COLUMN_READERS) out[column] = read(raw[column]);
  return out as unknown as EventRow;
}

function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

/** Stored cost columns read back as a Cost (null when unpriced). */
export function costOfColumns(row: CostColumns): Cost | null {
  if (row.cost_total_nanos === null) return null;
  return {
    input: (row.cost_input_nanos ?? 0) / 1e9,
    cacheRead: (row.cost_cache_read_nanos ?? 0) / 1e9,
    cacheWrite: (row.cost_cache_write_nanos ?? 0) / 1e9,
    output: (row.cost_output_nanos ?? 0) / 1e9,
    total: row.cost_total_nanos / 1e9,
    currency: 'USD',
    totalNanos: row.cost_total_nanos,
    cacheSavings: (row.cache_savings_nanos ?? 0) / 1e9,
  };
}

export function rowToEvent(row: EventRow): UsageEvent {
  const usage: Usage = {
    inputTokens: opt(row.input_tokens),
    outputTokens: opt(row.output_tokens),
    totalTokens: opt(row.total_tokens),
    cacheReadTokens: opt(row.cache_read_tokens),
    cacheWriteTokens: opt(row.cache_write_tokens),
    reasoningTokens: opt(row.reasoning_tokens),
  };
  if (row.cache_write_5m_tokens !== null) usage.cacheWrite5mTokens = row.cache_write_5m_tokens;
  if (row.cache_write_1h_tokens !== null) usage.cacheWrite1hTokens = row.cache_write_1h_tokens;
  if (row.input_audio_tokens !== null) usage.inputAudioTokens = row.input_audio_tokens;
  if (row.output_audio_tokens !== null) usage.outputAudioTokens = row.output_audio_tokens;
  if (row.usage_iterations !== null) usage.iterations = JSON.parse(row.usage_iterations) as UsageIteration[];
  const cost = costOfColumns(row);
  const event: UsageEvent = {
    id: row.id,
    time: new Date(row.time_ms).toISOString(),
    provider: row.provider,
    model: row.model,
    tags: JSON.parse(row.tags) as Record<string, string>,
    usage,
    cost,
    status: row.status === 'error' ? 'error' : 'ok',
    attempts: row.attempts,
    estimated: row.estimated === 1,
  };
  if (row.requested_model !== null) event.requestedModel = row.requested_model;
  if (row.agent !== null) event.agent = row.agent;
  if (row.run !== null) event.run = row.run;
  if (row.usage_unavailable_reason !== null) event.usageUnavailableReason = row.usage_unavailable_reason;
  if (row.raw_usage !== null) event.rawUsage = JSON.parse(row.raw_usage) as JsonValue;
  if (row.cost_unavailable_reason !== null) event.costUnavailableReason = row.cost_unavailable_reason;
  if (row.provider_cost_nanos !== null) event.providerCost = row.provider_cost_nanos / 1e9;
  // Derived from the two stored figures, by the one rule (units/cost-mismatch.ts).
  if (row.cost_total_nanos !== null && isCostMismatch(row.cost_total_nanos, row.provider_cost_nanos))
    event.providerCostMismatch = { ours: row.cost_total_nanos / 1e9, provider: (row.provider_cost_nanos ?? 0) / 1e9 };
  if (row.duration_us !== null) event.durationMs = row.duration_us / 1000;
  if (row.ttft_us !== null) event.timeToFirstTokenMs = row.ttft_us / 1000;
  if (row.warnings !== null) event.warnings = JSON.parse(row.warnings) as string[];
  if (row.error_type !== null) {
    event.error = { type: row.error_type, message: row.error_message ?? '' };
    if (row.error_status !== null) event.error.status = row.error_status;
  }
  if (row.trace_id !== null && row.span_id !== null) event.trace = { traceId: row.trace_id, spanId: row.span_id };
  if (row.price_source !== null) event.priceSource = row.price_source;
  if (row.priced_at_ms !== null) event.pricedAt = new Date(row.priced_at_ms).toISOString();
  return event;
}
