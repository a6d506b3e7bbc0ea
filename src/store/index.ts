export type {
  Store,
  TraceSpanRow,
  DeadLetter,
  DeadLetterQuery,
  AggregateQuery,
  AggregateRow,
  GroupKey,
  RankOrder,
  RankQuery,
  RankPage,
  FieldGroupKey,
  TagGroupKey,
  Percentiles,
  EventPage,
  EventPageQuery,
  CallOrder,
  EventReprice,
  PriceHistoryEntry,
} from './store.js';
export { openStore } from './open.js';
export { DEFAULT_DB, redactStoreUrl, sqliteFilePath, sqlitePath, storeKindOf } from './store-url.js';
export type { OpenStoreOptions, StoreLogger } from './open.js';
export { storeWhenOpen } from './store-when-open.js';
export { MemoryStore } from './memory.js';
export type { MemoryStoreOptions } from './memory.js';
export { SqliteStore } from './sqlite.js';
export type { SqliteStoreOptions } from './sqlite.js';
export { PostgresStore } from './postgres.js';
export type { PostgresStoreOptions } from './postgres.js';
export { inSchemaSetup, openPostgresPool, postgresTarget } from './postgres-connection.js';
export type { PostgresPoolOptions, PostgresTarget } from './postgres-connection.js';
export {
  BINS_PER_OCTAVE,
  HISTOGRAM_RELATIVE_ERROR,
  DEFAULT_EXACT_PERCENTILE_LIMIT,
  latencyBin,
  binValueMicros,
} from './latency-histogram.js';
export { isSqliteBusy, missingSqliteBinding } from './sqlite.js';
export { openInWorker, workerEntry } from './worker-client.js';
export type { Forwarded } from './worker-client.js';
export { hostInWorker } from './worker-host.js';
export type { HostOptions } from './worker-host.js';
export { isGroupKey, tagOfGroupKey, MAX_GROUP_KEYS } from './query-check.js';
export { MAX_RANK_LIMIT, RANK_ORDERS } from './rank.js';
export { CALL_ORDERS } from './call-order.js';
