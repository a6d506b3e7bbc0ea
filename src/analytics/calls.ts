/**
 * The calls list and one call's detail. The store sorts and pages (Store.events with `orderBy`,
 * a keyset cursor), so the most expensive call of ten million is the first row without reading
 * the rest; this module only flattens events into rows, the same in JSON, NDJSON and CSV, so a
 * download holds exactly the rows shown.
 *
 * @module
 */
import type { Pricer } from '../pricing/index.js';
import type { Store } from '../store/index.js';
import type { CallDetail, CallPricing, CallRow, CallSort, CallsPage, Filter, UsageEvent } from '../types/index.js';
import { csvCell } from './csv.js';

/** The columns of a call row, in CSV order (the CSV header). */
export const CALL_COLUMNS = [
  'id',
  'time',
  'provider',
  'model',
  'requestedModel',
  'agent',
  'run',
  'tags',
  'status',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costUsd',
  'durationMs',
  'timeToFirstTokenMs',
  'errorType',
  'errorStatus',
  'attempts',
  'estimated',
  'warnings',
] as const satisfies readonly (keyof CallRow)[];

/** Most calls one attempts lookup lists (a span with more is not one request's retries). */
const MAX_LINKED_ATTEMPTS = 50;

export function callRow(event: UsageEvent): CallRow {
  return {
    id: event.id,
    time: event.time,
    provider: event.provider,
    model: event.model,
    requestedModel: event.requestedModel ?? null,
    agent: event.agent ?? null,
    run: event.run ?? null,
    tags: event.tags,
    status: event.status,
    inputTokens: event.usage.inputTokens ?? null,
    outputTokens: event.usage.outputTokens ?? null,
    totalTokens: event.usage.totalTokens ?? null,
    cacheReadTokens: event.usage.cacheReadTokens ?? null,
    cacheWriteTokens: event.usage.cacheWriteTokens ?? null,
    reasoningTokens: event.usage.reasoningTokens ?? null,
    costUsd: event.cost?.total ?? null,
    durationMs: event.durationMs ?? null,
    timeToFirstTokenMs: event.timeToFirstTokenMs ?? null,
    errorType: event.error?.type ?? null,
    errorStatus: event.error?.status ?? null,
    attempts: event.attempts,
    estimated: event.estimated,
    warnings: event.warnings ?? [],
  };
}

/** One CSV line of a call: tags and warnings as JSON in one cell (empty when none), every text cell defused (csvCell). */
export function callCsvLine(row: CallRow): string {
  const cells = CALL_COLUMNS.map((column) => {
    const value = row[column];
    if (column === 'tags') return Object.keys(row.tags).length === 0 ? '' : csvCell(JSON.stringify(row.tags));
    if (column === 'warnings') return row.warnings.length === 0 ? '' : csvCell(JSON.stringify(row.warnings));
    return csvCell(value as string | number | boolean | null);
  });
  return `${cells.join(',')}\n`;
}

/** The CSV header line. */
export const CALLS_CSV_HEADER = `${CALL_COLUMNS.join(',')}\n`;

/** Rows as CSV (header first) or NDJSON (one row's JSON a line). */
export function callsDownload(rows: readonly CallRow[], format: 'csv' | 'ndjson'): string {
  if (format === 'ndjson') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  return CALLS_CSV_HEADER + rows.map(callCsvLine).join('');
}

export interface CallsOptions {
  sort: CallSort;
  /** 1..10,000 (the store's page bound). */
  limit: number;
  cursor?: string;
}

/** One page of calls, sorted and cut in the store. */
export async function listCalls(store: Store, filter: Filter, options: CallsOptions): Promise<CallsPage> {
  const page = await store.events({
    filter,
    orderBy: options.sort,
    limit: options.limit,
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
  });
  return {
    sort: options.sort,
    limit: options.limit,
    calls: page.events.map(callRow),
    nextCursor: page.nextCursor ?? null,
  };
}

/** How the pricer prices the call today, beside what was stored when it was recorded. */
function pricingOf(pricer: Pricer, event: UsageEvent): CallPricing {
  const time = new Date(event.time);
  // At the tier it was served at (the reserved tag `service_tier`), as it was priced when recorded.
  const tier = event.tags['service_tier'];
  const result = pricer.price({
    provider: event.provider,
    model: event.model,
    usage: event.usage,
    time,
    ...(tier === undefined ? {} : { tier }),
  });
  const lookup = pricer.lookup({
    provider: event.provider,
    model: event.model,
    time,
    ...(event.usage.inputTokens === undefined ? {} : { inputTokens: event.usage.inputTokens }),
  });
  return {
    source: lookup?.source ?? result.source ?? null,
    modelId: lookup?.modelId ?? result.modelId ?? null,
    prices: lookup?.prices ?? null,
    cost: result.cost,
    reason: result.cost === null ? result.reason : null,
    sameAsStored: (result.cost?.totalNanos ?? null) === (event.cost?.totalNanos ?? null),
  };
}

/** Calls recorded under the call's trace span, oldest first (just the call when it has no trace). */
async function linkedAttempts(store: Store, event: UsageEvent): Promise<UsageEvent[]> {
  if (event.trace === undefined) return [event];
  const { spanId, traceId } = event.trace;
  const ids = (await store.traceSpans([traceId]))
    .filter((span) => span.spanId === spanId)
    .map((span) => span.id)
    .slice(0, MAX_LINKED_ATTEMPTS);
  const linked: UsageEvent[] = [];
  for (const id of ids) {
    const found = id === event.id ? event : await store.event(id);
    if (found !== undefined) linked.push(found);
  }
  if (!linked.some((found) => found.id === event.id)) linked.push(event);
  return linked.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One call's detail, or `undefined` when no call has that id. */
export async function callDetail(store: Store, pricer: Pricer, id: string): Promise<CallDetail | undefined> {
  const event = await store.event(id);
  if (event === undefined) return undefined;
  const attempts = await linkedAttempts(store, event);
  return { event, call: callRow(event), pricing: pricingOf(pricer, event), attempts: attempts.map(callRow) };
}
