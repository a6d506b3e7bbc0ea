/**
 * Tag filters and group-by-tag are served from the tag index (event_tags, schema version 11),
 * not from each event's tags JSON: SQLite's plan for them names the index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '#src/store/index.js';
import { eventsWhere, tagJoins, type SqlParam } from '#src/store/sql-query.js';
import { generateEvents } from './generate.js';

const dir = mkdtempSync(join(tmpdir(), 'tag-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite tag index', () => {
  it('plans a tag filter as a search of event_tags by key, value and time, and a tag grouping by event id', async () => {
    const path = join(dir, 'plan.db');
    const store = SqliteStore.open({ path });
    await store.insert(generateEvents({ seed: 5, count: 300, startMs: Date.UTC(2026, 0, 1), spanMs: 86_400_000 }));
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      const plan = (sql: string, params: readonly SqlParam[]) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
      const where = eventsWhere(
        { tags: { team: 'red' }, from: new Date(Date.UTC(2026, 0, 1, 3)) },
        { fromMs: Date.UTC(2026, 0, 1, 3), toMs: undefined },
      );
      expect(plan(`SELECT COUNT(*) FROM events ${where.sql}`, where.params)).toMatch(
        /SEARCH event_tags USING (COVERING )?INDEX event_tags_key_value_time \(key=\? AND value=\? AND event_time_ms>\?\)/,
      );
      const joins = tagJoins(['tag:team']);
      expect(plan(`SELECT tg0.value, COUNT(*) FROM events ${joins.sql} GROUP BY tg0.value`, joins.params)).toMatch(
        /SEARCH tg0 USING PRIMARY KEY \(event_id=\? AND key=\?\)/,
      );
    } finally {
      db.close();
    }
  });

  it('rebuildRollups() fills the index again for events written straight into the table (a bulk load)', async () => {
    const path = join(dir, 'bulk.db');
    const events = generateEvents({ seed: 9, count: 200, startMs: Date.UTC(2026, 0, 1), spanMs: 86_400_000 });
    let store = SqliteStore.open({ path });
    await store.insert(events);
    const want = await store.aggregate({ filter: { tags: { team: 'red' } }, groupBy: ['tag:user'] });
    await store.close();
    const db = new Database(path);
    db.exec('DELETE FROM event_tags');
    db.close();
    store = SqliteStore.open({ path });
    try {
      expect(await store.aggregate({ filter: { tags: { team: 'red' } }, groupBy: ['tag:user'] })).toEqual([]);
      await store.rebuildRollups();
      expect(await store.aggregate({ filter: { tags: { team: 'red' } }, groupBy: ['tag:user'] })).toEqual(want);
      expect(want.reduce((n, row) => n + row.calls, 0)).toBe(events.filter((e) => e.tags['team'] === 'red').length);
    } finally {
      await store.close();
    }
  });
});
