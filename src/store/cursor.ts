/**
 * Opaque page cursors for `events()`: the (time_ms, id) of the last event of a page, base64url.
 * Pages go newest first, so the next page holds events strictly before that pair.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import { rowToEvent, type EventRow } from './row.js';
import type { EventPage } from './store.js';

export interface CursorPosition {
  timeMs: number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.timeMs, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      typeof parsed[0] === 'number' &&
      Number.isFinite(parsed[0]) &&
      typeof parsed[1] === 'string'
    ) {
      return { timeMs: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the one error below
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
 * A page from rows sorted newest first, of which up to `limit + 1` were read: the extra row,
 * when there is one, only says that a next page exists.
 */
export function toEventPage(rows: readonly EventRow[], limit: number): EventPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    events: page.map(rowToEvent),
    nextCursor:
      rows.length > limit && last !== undefined ? encodeCursor({ timeMs: last.time_ms, id: last.id }) : undefined,
  };
}
