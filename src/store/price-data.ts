/**
 * The `price_data` table's rows and SQL, shared by the SQLite and PostgreSQL stores (schema
 * version 12): every update attempt, installed or refused, newest by id. Installed files keep
 * their text (the JSON as fetched, so its sha256 still matches) for the newest KEEP_DATA of
 * them; older ones keep their record only.
 *
 * @module
 */
import type { PriceDataEntry, PriceDataRecord, PriceDataState } from '../types/index.js';
import type { SqlParam, SqlReader } from './sql-query.js';

/** Installed files whose text is kept (the one in use and a few before it, to look back). */
export const KEEP_DATA = 5;
/** Refused attempts kept (each a few hundred bytes). */
export const KEEP_REFUSED = 100;

const RECORD_COLUMNS = 'id, status, sha256, source, fetched_at_ms, reason, warnings, providers, models';

/** `?` placeholders, in the order of `priceDataValues`; returns the new id. */
export const PRICE_DATA_INSERT_SQL = `INSERT INTO price_data (status, sha256, source, fetched_at_ms, reason, warnings, providers, models, data)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;

export const PRICE_DATA_INSTALLED_SQL = `SELECT ${RECORD_COLUMNS} FROM price_data WHERE status = 'installed' ORDER BY id DESC LIMIT 1`;

/** `?`: the installed record's id (0 when none). */
export const PRICE_DATA_REFUSED_SQL = `SELECT ${RECORD_COLUMNS} FROM price_data WHERE status = 'refused' AND id > ? ORDER BY id DESC LIMIT 1`;

/** `?`: id. */
export const PRICE_DATA_TEXT_SQL = 'SELECT data FROM price_data WHERE id = ?';

/** Drops the text of all but the newest KEEP_DATA installed files, and all but the newest KEEP_REFUSED refusals. */
export const PRICE_DATA_PRUNE_SQL = [
  `UPDATE price_data SET data = NULL WHERE status = 'installed' AND data IS NOT NULL AND id NOT IN (SELECT id FROM price_data WHERE status = 'installed' ORDER BY id DESC LIMIT ${KEEP_DATA})`,
  `DELETE FROM price_data WHERE status = 'refused' AND id NOT IN (SELECT id FROM price_data WHERE status = 'refused' ORDER BY id DESC LIMIT ${KEEP_REFUSED})`,
];

export function priceDataValues(entry: PriceDataEntry): SqlParam[] {
  return [
    entry.status,
    entry.sha256 ?? null,
    entry.source,
    Date.parse(entry.fetchedAt),
    entry.reason ?? null,
    JSON.stringify(entry.warnings),
    entry.providers ?? null,
    entry.models ?? null,
    entry.status === 'installed' ? (entry.data ?? null) : null,
  ];
}

const optionalNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const optionalText = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);

export function priceDataFromDriver(row: Record<string, unknown>): PriceDataRecord {
  return {
    id: Number(row['id']),
    status: row['status'] === 'installed' ? 'installed' : 'refused',
    sha256: optionalText(row['sha256']),
    source: String(row['source']),
    fetchedAt: new Date(Number(row['fetched_at_ms'])).toISOString(),
    reason: optionalText(row['reason']),
    warnings: JSON.parse(String(row['warnings'] ?? '[]')) as string[],
    providers: optionalNumber(row['providers']),
    models: optionalNumber(row['models']),
  };
}

/** `addPriceData` on a SQL store: the insert, then the prune (`run`: a statement that returns no rows). */
export async function addPriceDataSql(
  reader: SqlReader,
  run: (sql: string) => Promise<unknown>,
  entry: PriceDataEntry,
): Promise<PriceDataRecord> {
  const [row] = await reader.all(PRICE_DATA_INSERT_SQL, priceDataValues(entry));
  for (const sql of PRICE_DATA_PRUNE_SQL) await run(sql);
  return { ...recordOf(entry), id: Number(row?.['id']) };
}

export async function priceDataStateSql(reader: SqlReader): Promise<PriceDataState> {
  const [installed] = await reader.all(PRICE_DATA_INSTALLED_SQL, []);
  const record = installed === undefined ? undefined : priceDataFromDriver(installed);
  const [refused] = await reader.all(PRICE_DATA_REFUSED_SQL, [record?.id ?? 0]);
  return { installed: record, refused: refused === undefined ? undefined : priceDataFromDriver(refused) };
}

export async function priceDataTextSql(reader: SqlReader, id: number): Promise<string | undefined> {
  const [row] = await reader.all(PRICE_DATA_TEXT_SQL, [id]);
  return optionalText(row?.['data']);
}

/** The record part of an entry (without its text). */
export function recordOf(entry: PriceDataEntry): Omit<PriceDataRecord, 'id'> {
  const { data: _data, ...record } = entry;
  return { ...record, warnings: [...record.warnings] };
}
