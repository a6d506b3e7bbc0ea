/**
 * The dead-letter table's rows and SQL, shared by the SQLite and PostgreSQL stores (schema
 * version 10). The event is kept as JSON text, not jsonb: whatever made the store refuse it (a
 * NUL, a number beyond bigint) must not make its dead letter refused too; JSON.stringify
 * escapes NULs and lone surrogates, so the text is always storable.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { UsageEvent } from '../types/index.js';
import { checkLimit } from './cursor.js';
import type { DeadLetter, DeadLetterQuery } from './store.js';

/** A dead letter as its columns hold it: id, dead_at_ms, reason, event. */
export type DeadLetterRow = [string, number, string, string];

export function deadLetterRow(letter: DeadLetter): DeadLetterRow {
  return [letter.id, Date.parse(letter.time), letter.reason, JSON.stringify(letter.event)];
}

export function deadLetterFromDriver(row: Record<string, unknown>): DeadLetter {
  return {
    id: String(row['id']),
    time: new Date(Number(row['dead_at_ms'])).toISOString(),
    reason: String(row['reason']),
    event: JSON.parse(String(row['event'])) as UsageEvent,
  };
}

/** `?` placeholders: LIMIT, OFFSET. */
export const DEAD_LETTERS_PAGE_SQL =
  'SELECT id, dead_at_ms, reason, event FROM dead_letters ORDER BY dead_at_ms DESC, id DESC LIMIT ? OFFSET ?';

export const DEAD_LETTERS_COUNT_SQL = 'SELECT COUNT(*) AS n FROM dead_letters';

/** The page's LIMIT and OFFSET, validated (a ValidationError naming `limit` or `offset`). */
export function deadLetterPage(query: DeadLetterQuery): [number, number] {
  const offset = query.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ValidationError(`offset must be a non-negative integer, got ${String(offset)}`, { field: 'offset' });
  }
  return [checkLimit(query.limit), offset];
}
