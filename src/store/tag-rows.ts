/**
 * An event's tags as rows of the tag index (`event_tags`, schema version 11): the keys whose
 * value is text, as the migration's backfill takes them (a non-text value never matched a tag
 * filter). The SQLite store inserts these beside each new event; PostgreSQL derives the same
 * rows in SQL (jsonb_each) inside its insert statement.
 *
 * @module
 */
import type { EventRow } from './row.js';

/** [event id, key, value, event time ms] for each text-valued tag of the row. */
export function tagRows(row: EventRow): [string, string, string, number][] {
  const tags = JSON.parse(row.tags) as Record<string, unknown>;
  const out: [string, string, string, number][] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value === 'string') out.push([row.id, key, value, row.time_ms]);
  }
  return out;
}

export const INSERT_TAG_SQL = 'INSERT INTO event_tags (event_id, key, value, event_time_ms) VALUES (?, ?, ?, ?)';

/**
 * Rebuilds the whole tag index from the events' tags (after a bulk load that wrote events
 * directly, or to repair): the same rows tagRows gives, in SQL.
 */
export function rebuildTagIndexSql(dialect: 'sqlite' | 'postgres'): string[] {
  const fill =
    dialect === 'postgres'
      ? `INSERT INTO event_tags (event_id, key, value, event_time_ms)
SELECT e.id, t.key, t.value #>> '{}', e.time_ms FROM events e, jsonb_each(e.tags) t WHERE jsonb_typeof(t.value) = 'string'`
      : `INSERT INTO event_tags (event_id, key, value, event_time_ms)
SELECT e.id, t.key, t.value, e.time_ms FROM events e, json_each(e.tags) t WHERE t.type = 'text'`;
  return ['DELETE FROM event_tags', fill];
}
