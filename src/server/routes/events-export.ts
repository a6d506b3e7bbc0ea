/**
 * Raw events as CSV (the calls list's columns, analytics/calls.ts) or NDJSON, streamed page by page so an export of millions of events never
 * sits in memory.
 *
 * @module
 */
import { CALLS_CSV_HEADER, callCsvLine, callRow } from '../../analytics/index.js';
import type { Store } from '../../store/index.js';
import type { Filter } from '../../types/index.js';

const PAGE = 1000;

export function exportEvents(store: Store, filter: Filter, format: 'csv' | 'ndjson'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (format === 'csv') controller.enqueue(encoder.encode(CALLS_CSV_HEADER));
      }
      const page = await store.events({ filter, limit: PAGE, cursor });
      const text = page.events
        .map((event) => (format === 'csv' ? callCsvLine(callRow(event)) : `${JSON.stringify(event)}\n`))
        .join('');
      if (text !== '') controller.enqueue(encoder.encode(text));
      cursor = page.nextCursor;
      if (cursor === undefined) controller.close();
    },
  });
}
