/**
 * Raw events as CSV or NDJSON, streamed page by page so an export of millions of events never
 * sits in memory.
 *
 * @module
 */
import { csvCell } from '../../analytics/index.js';
import type { Store } from '../../store/index.js';
import type { Filter, UsageEvent } from '../../types/index.js';

const PAGE = 1000;

export const CSV_COLUMNS = [
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
] as const;

/** Tags and warnings as JSON in one cell; every text cell defused against formulas (csvCell). */
function csvField(value: unknown): string {
  if (typeof value === 'object' && value !== null) return csvCell(JSON.stringify(value));
  return csvCell(value as string | number | boolean | null | undefined);
}

export function csvRow(event: UsageEvent): string {
  const values = [
    event.id,
    event.time,
    event.provider,
    event.model,
    event.requestedModel,
    event.agent,
    event.run,
    Object.keys(event.tags).length > 0 ? event.tags : undefined,
    event.status,
    event.usage.inputTokens,
    event.usage.outputTokens,
    event.usage.totalTokens,
    event.usage.cacheReadTokens,
    event.usage.cacheWriteTokens,
    event.usage.reasoningTokens,
    event.cost?.total,
    event.durationMs,
    event.timeToFirstTokenMs,
    event.error?.type,
    event.error?.status,
    event.attempts,
    event.estimated,
    event.warnings,
  ];
  return `${values.map(csvField).join(',')}\n`;
}

export function exportEvents(store: Store, filter: Filter, format: 'csv' | 'ndjson'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (format === 'csv') controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\n`));
      }
      const page = await store.events({ filter, limit: PAGE, cursor });
      const text = page.events
        .map((event) => (format === 'csv' ? csvRow(event) : `${JSON.stringify(event)}\n`))
        .join('');
      if (text !== '') controller.enqueue(encoder.encode(text));
      cursor = page.nextCursor;
      if (cursor === undefined) controller.close();
    },
  });
}
