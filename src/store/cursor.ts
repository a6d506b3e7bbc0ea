/**
 * Opaque page cursors for `events()`: where the last event of a page stands in the page's order,
 * base64url. Sorted by time (the default) that is its (time_ms, id); sorted by cost, latency or
 * tokens it is also that value (see call-order.ts), and the order's name, so a cursor is never
 * read in another order. The next page holds the events strictly after that position.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import { callOrderValue, CALL_ORDERS, type CallPosition } from './call-order.js';
import { rowToEvent, type EventRow } from './row.js';
import type { CallOrder, EventPage } from './store.js';

/** A cursor: `[timeMs, id]` in time order (as before orders existed), `[order, value, timeMs, id]` otherwise. */
export function encodeCursor(position: CallPosition, order: CallOrder = 'time'): string {
  const parts =
    order === 'time' ? [position.timeMs, position.id] : [order, position.value ?? null, position.timeMs, position.id];
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function decodeCursor(cursor: string, order: CallOrder = 'time'): CallPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // the one error below
  }
  if (Array.isArray(parsed)) {
    if (order === 'time' && parsed.length === 2 && isTime(parsed[0]) && typeof parsed[1] === 'string')
      return { timeMs: parsed[0], id: parsed[1] };
    if (
      order !== 'time' &&
      parsed.length === 4 &&
      parsed[0] === order &&
      (parsed[1] === null || (isTime(parsed[1]) && Number.isInteger(parsed[1]))) &&
      isTime(parsed[2]) &&
      typeof parsed[3] === 'string'
    )
      return { value: parsed[1] as number | null, timeMs: parsed[2], id: parsed[3] };
    const from =
      parsed.length === 4 && CALL_ORDERS.includes(parsed[0])
        ? String(parsed[0])
        : parsed.length === 2
          ? 'time'
          : undefined;
    if (from !== undefined && from !== order)
      throw new ValidationError(`cursor is from a page sorted by ${from}, not ${order}`, { field: 'cursor' });
  }
  throw new ValidationError('cursor is not a cursor returned by a previous page', { field: 'cursor' });
}

/** Validates a page limit (1..10,000). */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new ValidationError(`limit must be an integer from 1 to 10000, got ${String(limit)}`, { field: 'limit' });
  }
  return limit;
}

/**
 * A page from rows sorted in `order`, of which up to `limit + 1` were read: the extra row,
 * when there is one, only says that a next page exists.
 */
export function toEventPage(rows: readonly EventRow[], limit: number, order: CallOrder = 'time'): EventPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map(rowToEvent),
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeCursor({ value: callOrderValue(last, order) ?? null, timeMs: last.time_ms, id: last.id }, order)
        : undefined,
  };
}
