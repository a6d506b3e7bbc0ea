/**
 * The ledger schema, as versioned migrations. Version 1 creates the events table, its indexes
 * and the hourly rollups. SQLite and PostgreSQL get the same tables and column names; only the
 * types differ (PostgreSQL: bigint, jsonb). Append new versions; never edit an applied one.
 *
 * Rollups (maintained in the same transaction as every insert and delete; on SQLite, inserts
 * defer theirs, see `rollup_pending`):
 * - `rollup_hourly`: one row per (hour, provider, model, agent, status) with every sum an
 *   AggregateRow needs. `agent` is '' for events without an agent (NULLs would not collide in a
 *   unique key).
 * - `latency_hourly`: per the same key, metric (0 = duration, 1 = time to first token) and
 *   log-scale bin (latency-histogram.ts), the count of values.
 * - `rollup_daily` (version 3): the same sums per UTC day.
 * - `latency_daily` (version 2): the same counts per UTC day, so percentiles over weeks read
 *   few rows.
 * - `rollup_pending` (version 4, SQLite only): ids of events committed but not yet added to
 *   the rollups; the SQLite store applies them shortly after the insert and before any read of
 *   the rollups (sqlite-rollups.ts).
 * - `events.warnings` and the rollups' `warning_calls` (version 5).
 * - `events.trace_id`, `events.span_id` (version 6): the OpenTelemetry trace context.
 * - Version 7 rewrites stored provider aliases to their canonical ids (`gemini` -> `google`).
 * - `event_tags` (version 11): the tags as rows, indexed, for tag filters and group-by-tag.
 * - `events.price_source`, `events.priced_at_ms` (version 13): where a cost's prices came from.
 * - `price_history` (version 14): the costs re-pricing replaced (reprice-rows.ts).
 * - `events_by_cost`, `events_by_latency`, `events_by_tokens` (version 15): the sorted calls list.
 * - `rollup_run` (version 16): one row per run with the rollups' sums, indexed per rank order
 *   (run-rollup.ts): the top runs of a ledger without grouping its events.
 * - `latency_cut_hourly`, `latency_cut_daily` (version 17): the latency counts summed over the
 *   dimensions a query leaves out (latency-cuts.ts), so percentiles of the whole ledger, per
 *   model or per agent read a few rows per hour or day. Version 18 holds each cut row's bins in
 *   one JSON object.
 * - `price_data` (version 12): price update attempts, installed catalog files with their text
 *   (price-data.ts).
 * - `dead_letters` (version 10): events the store refused for good, with the reason (the event
 *   as JSON text, see dead-letters.ts).
 *
 * @module
 */

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

type Dialect = 'sqlite' | 'postgres';

function eventsTable(dialect: Dialect): string {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const json = dialect === 'postgres' ? 'jsonb' : 'TEXT';
  const int = dialect === 'postgres' ? 'integer' : 'INTEGER';
  return `CREATE TABLE IF NOT EXISTS events (
  id text${dialect === 'postgres' ? ' COLLATE "C"' : ''} PRIMARY KEY,
  time_ms ${big} NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  requested_model text,
  agent text,
  run text,
  tags ${json} NOT NULL,
  input_tokens ${big},
  output_tokens ${big},
  total_tokens ${big},
  cache_read_tokens ${big},
  cache_write_tokens ${big},
  cache_write_5m_tokens ${big},
  cache_write_1h_tokens ${big},
  reasoning_tokens ${big},
  input_audio_tokens ${big},
  output_audio_tokens ${big},
  usage_unavailable_reason text,
  raw_usage ${json},
  cost_input_nanos ${big},
  cost_cache_read_nanos ${big},
  cost_cache_write_nanos ${big},
  cost_output_nanos ${big},
  cost_total_nanos ${big},
  cache_savings_nanos ${big},
  cost_unavailable_reason text,
  provider_cost_nanos ${big},
  duration_us ${big},
  ttft_us ${big},
  duration_bin ${int},
  ttft_bin ${int},
  status text NOT NULL,
  error_type text,
  error_status ${int},
  error_message text,
  attempts ${int} NOT NULL,
  estimated ${int} NOT NULL
)`;
}

/** Sum columns the rollup tables were created with (versions 1 and 3): frozen, as applied. */
const ROLLUP_SUM_COLUMNS_V1 = [
  'calls',
  'successes',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_nanos',
  'cost_input_nanos',
  'cost_cache_read_nanos',
  'cost_cache_write_nanos',
  'cost_output_nanos',
  'cache_savings_nanos',
  'provider_cost_nanos',
  'unpriced_calls',
  'estimated_calls',
  'usage_unavailable_calls',
  'duration_count',
  'duration_sum_us',
  'ttft_count',
  'ttft_sum_us',
] as const;

/** Sum columns the rollups had at version 7 (frozen, for the provider-id merge). */
const ROLLUP_SUM_COLUMNS_V7 = [...ROLLUP_SUM_COLUMNS_V1, 'warning_calls'] as const;

/** Sum columns of the rollups today, in the order of PartialSums' additive fields. */
export const ROLLUP_SUM_COLUMNS = [
  ...ROLLUP_SUM_COLUMNS_V1,
  // Version 5: calls whose event carries warnings.
  'warning_calls',
  // Version 9: calls where our cost and the provider's disagree, and both sums over them.
  'cost_mismatch_calls',
  'cost_mismatch_ours_nanos',
  'cost_mismatch_provider_nanos',
] as const;

/** A sums rollup keyed by `timeColumn` (hour_ms or day_ms), provider, model, agent and status. */
function rollupTable(
  dialect: Dialect,
  table: 'rollup_hourly' | 'rollup_daily',
  timeColumn: 'hour_ms' | 'day_ms',
): string {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const sums = ROLLUP_SUM_COLUMNS_V1.map((c) => `  ${c} ${big} NOT NULL DEFAULT 0`).join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${table} (
  ${timeColumn} ${big} NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  agent text NOT NULL,
  status text NOT NULL,
${sums},
  duration_max_us ${big},
  min_time_ms ${big},
  max_time_ms ${big},
  PRIMARY KEY (${timeColumn}, provider, model, agent, status)
)`;
}

/** A latency histogram (count per metric and log bin) with the same key as its rollup. */
function latencyTable(
  dialect: Dialect,
  table: 'latency_hourly' | 'latency_daily',
  timeColumn: 'hour_ms' | 'day_ms',
): string {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  return `CREATE TABLE IF NOT EXISTS ${table} (
  ${timeColumn} ${big} NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  agent text NOT NULL,
  status text NOT NULL,
  metric ${dialect === 'postgres' ? 'smallint' : 'INTEGER'} NOT NULL,
  bin ${dialect === 'postgres' ? 'integer' : 'INTEGER'} NOT NULL,
  n ${big} NOT NULL,
  PRIMARY KEY (${timeColumn}, provider, model, agent, status, metric, bin)
)`;
}

/**
 * Provider names folded to their canonical id by version 7, as the provider registry had them
 * then (frozen: an alias added to the registry later needs a migration of its own; a test
 * checks that). Canonical ids map to themselves, so other spellings (`OpenAI`) fold too.
 */
export const PROVIDER_IDS_V7: Readonly<Record<string, string>> = {
  openrouter: 'openrouter',
  'open-router': 'openrouter',
  openai: 'openai',
  'openai-api': 'openai',
  groq: 'groq',
  deepseek: 'deepseek',
  azure: 'azure',
  'azure-openai': 'azure',
  azure_openai: 'azure',
  azureopenai: 'azure',
  xai: 'xai',
  'x-ai': 'xai',
  'x.ai': 'xai',
  grok: 'xai',
  mistral: 'mistral',
  mistralai: 'mistral',
  'mistral-ai': 'mistral',
  cerebras: 'cerebras',
  anthropic: 'anthropic',
  claude: 'anthropic',
  'anthropic-api': 'anthropic',
  google: 'google',
  gemini: 'google',
  'google-gla': 'google',
  'google-vertex': 'google',
  'google-genai': 'google',
  vertex: 'google',
  vertexai: 'google',
  'vertex-ai': 'google',
  bedrock: 'bedrock',
  aws: 'bedrock',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  'bedrock-runtime': 'bedrock',
  cohere: 'cohere',
  'cohere-ai': 'cohere',
  ollama: 'ollama',
  vllm: 'vllm',
  zai: 'zai',
  'z-ai': 'zai',
  zhipu: 'zai',
  alibaba: 'alibaba',
  dashscope: 'alibaba',
  huggingface: 'huggingface',
  'hugging-face': 'huggingface',
  snowflake: 'snowflake',
  'snowflake-cortex': 'snowflake',
};

const sqlText = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * Rewrites stored provider names to their canonical id: the events, then each rollup and
 * latency table, whose rows for one key may now collide (`gemini` and `google` of one hour):
 * those are merged by summing, through a temporary table.
 */
function canonicalProviderStatements(): string[] {
  const names = Object.keys(PROVIDER_IDS_V7).map(sqlText).join(', ');
  const ids = [...new Set(Object.values(PROVIDER_IDS_V7))].map(sqlText).join(', ');
  const canonical = `CASE lower(provider) ${Object.entries(PROVIDER_IDS_V7)
    .map(([name, id]) => `WHEN ${sqlText(name)} THEN ${sqlText(id)}`)
    .join(' ')} END`;
  const affected = `lower(provider) IN (${names})`;
  const statements = [`UPDATE events SET provider = ${canonical} WHERE ${affected} AND provider NOT IN (${ids})`];
  const merge = (table: string, keys: string[], sums: string[], extremes: string[]): string[] => {
    const selectKeys = keys.map((key) => (key === 'provider' ? `${canonical} AS provider` : key));
    const groupKeys = keys.map((key) => (key === 'provider' ? canonical : key));
    const columns = [...keys, ...sums, ...extremes.map((extreme) => extreme.split(' AS ')[1] ?? extreme)];
    return [
      `CREATE TEMP TABLE tl_provider_merge AS SELECT ${[...selectKeys, ...sums.map((c) => `SUM(${c}) AS ${c}`), ...extremes].join(', ')} FROM ${table} WHERE ${affected} GROUP BY ${groupKeys.join(', ')}`,
      `DELETE FROM ${table} WHERE ${affected}`,
      `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM tl_provider_merge`,
      'DROP TABLE tl_provider_merge',
    ];
  };
  const extremes = [
    'MAX(duration_max_us) AS duration_max_us',
    'MIN(min_time_ms) AS min_time_ms',
    'MAX(max_time_ms) AS max_time_ms',
  ];
  for (const [table, time] of [
    ['rollup_hourly', 'hour_ms'],
    ['rollup_daily', 'day_ms'],
  ] as const) {
    statements.push(
      ...merge(table, [time, 'provider', 'model', 'agent', 'status'], [...ROLLUP_SUM_COLUMNS_V7], extremes),
    );
  }
  for (const [table, time] of [
    ['latency_hourly', 'hour_ms'],
    ['latency_daily', 'day_ms'],
  ] as const) {
    statements.push(...merge(table, [time, 'provider', 'model', 'agent', 'status', 'metric', 'bin'], ['n'], []));
  }
  return statements;
}

/**
 * Version 9: the rollups count the calls whose cost the provider reported and ours disagrees
 * with by more than 1% (the rule of units/cost-mismatch.ts, frozen here as applied), filled from
 * the events already stored, which hold both figures.
 */
function costMismatchStatements(dialect: Dialect): string[] {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const mismatch =
    '(e.cost_total_nanos IS NOT NULL AND e.provider_cost_nanos IS NOT NULL AND ABS(e.cost_total_nanos - e.provider_cost_nanos) * 100 > e.provider_cost_nanos)';
  const statements: string[] = [];
  for (const [table, time, width] of [
    ['rollup_hourly', 'hour_ms', 3_600_000],
    ['rollup_daily', 'day_ms', 86_400_000],
  ] as const) {
    for (const column of ['cost_mismatch_calls', 'cost_mismatch_ours_nanos', 'cost_mismatch_provider_nanos'])
      statements.push(`ALTER TABLE ${table} ADD COLUMN ${column} ${big} NOT NULL DEFAULT 0`);
    const same = `FROM events e WHERE (e.time_ms - (((e.time_ms % ${width}) + ${width}) % ${width})) = ${table}.${time}
  AND e.provider = ${table}.provider AND e.model = ${table}.model AND COALESCE(e.agent, '') = ${table}.agent
  AND e.status = ${table}.status AND ${mismatch}`;
    statements.push(`UPDATE ${table} SET
  cost_mismatch_calls = (SELECT COUNT(*) ${same}),
  cost_mismatch_ours_nanos = (SELECT COALESCE(SUM(e.cost_total_nanos), 0) ${same}),
  cost_mismatch_provider_nanos = (SELECT COALESCE(SUM(e.provider_cost_nanos), 0) ${same})
WHERE provider_cost_nanos > 0`);
  }
  return statements;
}

/**
 * Version 11: `event_tags`, one row per (event, tag key) with the tag's text value and the event's
 * time, indexed by key, value and time (a tag filter over a time range is one index range) and
 * by event (group by a tag: one lookup per event). Rows go with their event (ON DELETE CASCADE).
 * Only text values are indexed, as only text values ever matched a tag filter.
 */
function tagIndexStatements(dialect: Dialect): string[] {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const id = dialect === 'postgres' ? 'text COLLATE "C"' : 'text';
  const backfill =
    dialect === 'postgres'
      ? `INSERT INTO event_tags (event_id, key, value, event_time_ms)
SELECT e.id, t.key, t.value #>> '{}', e.time_ms FROM events e, jsonb_each(e.tags) t WHERE jsonb_typeof(t.value) = 'string'`
      : `INSERT INTO event_tags (event_id, key, value, event_time_ms)
SELECT e.id, t.key, t.value, e.time_ms FROM events e, json_each(e.tags) t WHERE t.type = 'text'`;
  return [
    `CREATE TABLE IF NOT EXISTS event_tags (
  event_id ${id} NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  event_time_ms ${big} NOT NULL,
  PRIMARY KEY (event_id, key)
)${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
    backfill,
    'CREATE INDEX IF NOT EXISTS event_tags_key_value_time ON event_tags (key, value, event_time_ms)',
  ];
}

/**
 * Version 14: `price_history`, one row per cost a re-pricing replaced: the event, when
 * (`repriced_at_ms`), the previous cost in nanos (its parts; all null when it was unpriced) with
 * its reason, source and pricing time, and the source that replaced it.
 */
function priceHistoryStatements(dialect: Dialect): string[] {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const id = dialect === 'postgres' ? 'text COLLATE "C"' : 'text';
  return [
    `CREATE TABLE IF NOT EXISTS price_history (
  id ${dialect === 'postgres' ? 'bigserial PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
  event_id ${id} NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  repriced_at_ms ${big} NOT NULL,
  cost_input_nanos ${big},
  cost_cache_read_nanos ${big},
  cost_cache_write_nanos ${big},
  cost_output_nanos ${big},
  cost_total_nanos ${big},
  cache_savings_nanos ${big},
  cost_unavailable_reason text,
  price_source text,
  priced_at_ms ${big},
  new_price_source text NOT NULL
)`,
    'CREATE INDEX IF NOT EXISTS price_history_event ON price_history (event_id)',
  ];
}

/**
 * Version 15: one index per sorted calls order (call-order.ts, frozen here as applied), in the
 * order eventsPageSql spells: the column descending with NULLs last, then time and id descending.
 */
function callOrderIndexStatements(dialect: Dialect): string[] {
  const nullsLast = dialect === 'postgres' ? ' NULLS LAST' : '';
  return (
    [
      ['cost', 'cost_total_nanos'],
      ['latency', 'duration_us'],
      ['tokens', 'total_tokens'],
    ] as const
  ).map(
    ([name, column]) =>
      `CREATE INDEX IF NOT EXISTS events_by_${name} ON events (${column} DESC${nullsLast}, time_ms DESC, id DESC)`,
  );
}

/** Sum columns rollup_run was created with (version 16): frozen, as applied. */
const RUN_ROLLUP_SUM_COLUMNS_V16 = [
  ...ROLLUP_SUM_COLUMNS_V7,
  'cost_mismatch_calls',
  'cost_mismatch_ours_nanos',
  'cost_mismatch_provider_nanos',
  'failed_cost_nanos',
] as const;

/**
 * Version 16: `rollup_run`, one row per run (calls without a run: `no_run` = 1, `run` = '') with
 * the sums of its events, the mean duration as a generated column, and one index per rank order
 * (the order's figure, then the tie-breaking figures, as run-rollup.ts spells its ORDER BY).
 * Filled from the events stored; on SQLite, events still pending their rollups are left for the
 * pending apply, which adds them to this table too.
 */
function runRollupStatements(dialect: Dialect): string[] {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const sums = RUN_ROLLUP_SUM_COLUMNS_V16.map((c) => `  ${c} ${big} NOT NULL DEFAULT 0`).join(',\n');
  const mean =
    dialect === 'postgres'
      ? `${big} GENERATED ALWAYS AS (CASE WHEN duration_count = 0 THEN NULL ELSE CAST(FLOOR(CAST(duration_sum_us AS double precision) / duration_count + 0.5) AS bigint) END) STORED`
      : 'INTEGER GENERATED ALWAYS AS (CASE WHEN duration_count = 0 THEN NULL ELSE CAST(CAST(duration_sum_us AS REAL) / duration_count + 0.5 AS INTEGER) END) VIRTUAL';
  const nullsLast = dialect === 'postgres' ? ' NULLS LAST' : '';
  const mismatch =
    '(cost_total_nanos IS NOT NULL AND provider_cost_nanos IS NOT NULL AND ABS(cost_total_nanos - provider_cost_nanos) * 100 > provider_cost_nanos)';
  const expressions = [
    'COUNT(*)',
    "SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END)",
    ...[
      'input_tokens',
      'output_tokens',
      'total_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'cost_total_nanos',
      'cost_input_nanos',
      'cost_cache_read_nanos',
      'cost_cache_write_nanos',
      'cost_output_nanos',
      'cache_savings_nanos',
      'provider_cost_nanos',
    ].map((c) => `COALESCE(SUM(${c}), 0)`),
    'SUM(CASE WHEN cost_total_nanos IS NULL THEN 1 ELSE 0 END)',
    'SUM(estimated)',
    'SUM(CASE WHEN input_tokens IS NULL AND output_tokens IS NULL AND total_tokens IS NULL THEN 1 ELSE 0 END)',
    'COUNT(duration_us)',
    'COALESCE(SUM(duration_us), 0)',
    'COUNT(ttft_us)',
    'COALESCE(SUM(ttft_us), 0)',
    'SUM(CASE WHEN warnings IS NULL THEN 0 ELSE 1 END)',
    `SUM(CASE WHEN ${mismatch} THEN 1 ELSE 0 END)`,
    `SUM(CASE WHEN ${mismatch} THEN cost_total_nanos ELSE 0 END)`,
    `SUM(CASE WHEN ${mismatch} THEN provider_cost_nanos ELSE 0 END)`,
    "COALESCE(SUM(CASE WHEN status <> 'ok' THEN cost_total_nanos ELSE 0 END), 0)",
    'MAX(duration_us)',
    'MIN(time_ms)',
    'MAX(time_ms)',
  ];
  const notPending = dialect === 'sqlite' ? ' WHERE id NOT IN (SELECT id FROM rollup_pending)' : '';
  const index = (name: string, columns: string): string =>
    `CREATE INDEX IF NOT EXISTS rollup_run_by_${name} ON rollup_run (${columns})`;
  return [
    `CREATE TABLE IF NOT EXISTS rollup_run (
  no_run ${dialect === 'postgres' ? 'smallint' : 'INTEGER'} NOT NULL,
  run text${dialect === 'postgres' ? ' COLLATE "C"' : ''} NOT NULL,
${sums},
  duration_max_us ${big},
  min_time_ms ${big},
  max_time_ms ${big},
  duration_mean_us ${mean},
  PRIMARY KEY (no_run, run)
)`,
    `INSERT INTO rollup_run (no_run, run, ${RUN_ROLLUP_SUM_COLUMNS_V16.join(', ')}, duration_max_us, min_time_ms, max_time_ms)
SELECT CASE WHEN run IS NULL THEN 1 ELSE 0 END, COALESCE(run, ''), ${expressions.join(', ')}
FROM events${notPending} GROUP BY run`,
    index('cost', 'cost_nanos DESC, total_tokens DESC, calls DESC'),
    index('tokens', 'total_tokens DESC, cost_nanos DESC, calls DESC'),
    index('calls', 'calls DESC, cost_nanos DESC, total_tokens DESC'),
    index('latency', `duration_mean_us DESC${nullsLast}, cost_nanos DESC, total_tokens DESC, calls DESC`),
    index('recent', 'max_time_ms DESC, cost_nanos DESC, total_tokens DESC, calls DESC'),
  ];
}

/**
 * The latency cuts as versions 17 and 18 made them (each cut and the dimensions it keeps; each
 * cut table and the full table it sums), written here rather than read from latency-cuts.ts: a
 * migration does what it did when it shipped.
 */
const LATENCY_CUTS: readonly (readonly [string, readonly string[]])[] = [
  ['all', []],
  ['model', ['provider', 'model']],
  ['agent', ['agent']],
];
const LATENCY_CUT_TABLES = [
  ['latency_cut_hourly', 'latency_hourly', 'hour_ms'],
  ['latency_cut_daily', 'latency_daily', 'day_ms'],
] as const;

/**
 * Version 17: the latency cuts (latency-cuts.ts): per cut ('all': no dimension, 'model':
 * provider and model, 'agent': agent; the dimensions left out are ''), time, metric and bin, the
 * count. Filled from the full latency tables; on SQLite, events still pending their rollups are
 * in neither yet, and the pending apply adds them to both.
 */
function latencyCutStatements(dialect: Dialect): string[] {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const small = dialect === 'postgres' ? 'smallint' : 'INTEGER';
  const int = dialect === 'postgres' ? 'integer' : 'INTEGER';
  const statements: string[] = [];
  for (const [table, source, time] of LATENCY_CUT_TABLES) {
    statements.push(`CREATE TABLE IF NOT EXISTS ${table} (
  cut text NOT NULL,
  ${time} ${big} NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  agent text NOT NULL,
  metric ${small} NOT NULL,
  bin ${int} NOT NULL,
  n ${big} NOT NULL,
  PRIMARY KEY (cut, ${time}, provider, model, agent, metric, bin)
)`);
    const selects = LATENCY_CUTS.map(([cut, dims]) => {
      const column = (dim: string): string => (dims.includes(dim) ? dim : "''");
      return `SELECT '${cut}', ${time}, ${column('provider')}, ${column('model')}, ${column('agent')}, metric, bin, SUM(n) FROM ${source} GROUP BY ${[time, ...dims, 'metric', 'bin'].join(', ')}`;
    });
    statements.push(
      `INSERT INTO ${table} (cut, ${time}, provider, model, agent, metric, bin, n)\n${selects.join('\nUNION ALL\n')}`,
    );
  }
  return statements;
}

/**
 * Version 18: the latency cuts with one row per (cut, time, dimensions, metric), its bins a JSON
 * object `{"bin": count}` (jsonb on PostgreSQL) instead of a row per bin, so an insert upserts a
 * few rows whatever the spread of its latencies. Refilled from the full latency tables, as
 * version 17 filled its rows (pending SQLite events again left to the apply).
 */
function packedLatencyCutStatements(dialect: Dialect): string[] {
  const big = dialect === 'postgres' ? 'bigint' : 'INTEGER';
  const small = dialect === 'postgres' ? 'smallint' : 'INTEGER';
  const json = dialect === 'postgres' ? 'jsonb' : 'TEXT';
  const gather = dialect === 'postgres' ? 'jsonb_object_agg' : 'json_group_object';
  const statements: string[] = [];
  for (const [table, source, time] of LATENCY_CUT_TABLES) {
    statements.push(
      `DROP TABLE IF EXISTS ${table}`,
      `CREATE TABLE ${table} (
  cut text NOT NULL,
  ${time} ${big} NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  agent text NOT NULL,
  metric ${small} NOT NULL,
  bins ${json} NOT NULL,
  PRIMARY KEY (cut, ${time}, provider, model, agent, metric)
)`,
    );
    const perBin = LATENCY_CUTS.map(([cut, dims]) => {
      const column = (dim: string): string => (dims.includes(dim) ? dim : "''");
      return `SELECT '${cut}' AS cut, ${time}, ${column('provider')} AS provider, ${column('model')} AS model, ${column('agent')} AS agent, metric, bin, SUM(n) AS n FROM ${source} GROUP BY ${[time, ...dims, 'metric', 'bin'].join(', ')}`;
    });
    statements.push(
      `INSERT INTO ${table} (cut, ${time}, provider, model, agent, metric, bins)
SELECT cut, ${time}, provider, model, agent, metric, ${gather}(CAST(bin AS text), n)
FROM (${perBin.join('\nUNION ALL\n')}) AS b GROUP BY cut, ${time}, provider, model, agent, metric`,
    );
  }
  // PostgreSQL adds bins in its insert statement; SQLite in JS (latency-cuts.ts).
  if (dialect === 'postgres')
    // One pass over the delta's keys (an insert's bins), its sums replacing the stored keys.
    statements.push(`CREATE OR REPLACE FUNCTION tokenledger_add_bins(stored jsonb, delta jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN stored || COALESCE((SELECT jsonb_object_agg(key, COALESCE((stored ->> key)::bigint, 0) + value::bigint)
    FROM jsonb_each_text(delta)), '{}'::jsonb);
END
$$`);
  return statements;
}

export function migrations(dialect: Dialect): Migration[] {
  return [
    {
      version: 1,
      name: 'events, indexes, hourly rollups',
      statements: [
        eventsTable(dialect),
        'CREATE INDEX IF NOT EXISTS events_time ON events (time_ms)',
        'CREATE INDEX IF NOT EXISTS events_model_time ON events (model, time_ms)',
        'CREATE INDEX IF NOT EXISTS events_agent_time ON events (agent, time_ms)',
        'CREATE INDEX IF NOT EXISTS events_run_time ON events (run, time_ms)',
        'CREATE INDEX IF NOT EXISTS events_provider_time ON events (provider, time_ms)',
        rollupTable(dialect, 'rollup_hourly', 'hour_ms'),
        latencyTable(dialect, 'latency_hourly', 'hour_ms'),
      ],
    },
    {
      version: 2,
      // Percentiles over long ranges read ~24x fewer histogram rows from daily counts.
      name: 'daily latency histogram',
      statements: [
        latencyTable(dialect, 'latency_daily', 'day_ms'),
        `INSERT INTO latency_daily (day_ms, provider, model, agent, status, metric, bin, n)
SELECT hour_ms - (hour_ms % 86400000), provider, model, agent, status, metric, bin, SUM(n) FROM latency_hourly
GROUP BY hour_ms - (hour_ms % 86400000), provider, model, agent, status, metric, bin`,
      ],
    },
    {
      version: 3,
      // Sums over weeks read ~24x fewer rows from daily rollups; filled from the hourly ones.
      name: 'daily rollup',
      statements: [
        rollupTable(dialect, 'rollup_daily', 'day_ms'),
        `INSERT INTO rollup_daily (day_ms, provider, model, agent, status, ${ROLLUP_SUM_COLUMNS_V1.join(', ')}, duration_max_us, min_time_ms, max_time_ms)
SELECT hour_ms - (hour_ms % 86400000), provider, model, agent, status, ${ROLLUP_SUM_COLUMNS_V1.map((c) => `SUM(${c})`).join(', ')}, MAX(duration_max_us), MIN(min_time_ms), MAX(max_time_ms)
FROM rollup_hourly GROUP BY hour_ms - (hour_ms % 86400000), provider, model, agent, status`,
      ],
    },
    {
      version: 4,
      // SQLite commits an event with its pending id and applies rollups just after
      // (sqlite-rollups.ts). PostgreSQL keeps updating rollups in the insert's transaction, so
      // it records the version with no table, keeping version numbers aligned.
      name: 'deferred rollups',
      statements:
        dialect === 'sqlite' ? ['CREATE TABLE IF NOT EXISTS rollup_pending (id TEXT PRIMARY KEY) WITHOUT ROWID'] : [],
    },
    {
      version: 5,
      // Events stored before this version had no field for warnings: none is known, so their
      // rollups count 0, which is what they held.
      name: 'event warnings',
      statements: [
        `ALTER TABLE events ADD COLUMN warnings ${dialect === 'postgres' ? 'jsonb' : 'TEXT'}`,
        ...(['rollup_hourly', 'rollup_daily'] as const).map(
          (table) =>
            `ALTER TABLE ${table} ADD COLUMN warning_calls ${dialect === 'postgres' ? 'bigint' : 'INTEGER'} NOT NULL DEFAULT 0`,
        ),
      ],
    },
    {
      version: 6,
      // The OpenTelemetry trace a call belongs to (gateway traceparent, OTLP spans); indexed
      // for "the calls of this trace".
      name: 'trace context',
      statements: [
        'ALTER TABLE events ADD COLUMN trace_id text',
        'ALTER TABLE events ADD COLUMN span_id text',
        'CREATE INDEX IF NOT EXISTS events_trace ON events (trace_id) WHERE trace_id IS NOT NULL',
      ],
    },
    {
      version: 7,
      // One provider, one id: `gemini` (the old config id) and Google's other names become
      // `google`, as the provider registry canonicalizes every new event.
      name: 'canonical provider ids',
      statements: canonicalProviderStatements(),
    },
    {
      version: 8,
      // A call billed in steps (Anthropic usage.iterations: compaction, advisor, fallback) keeps
      // each step's usage and model, so that re-pricing can price each at its own rates. Events
      // stored before had none recorded (their cost was the top-level usage's).
      name: 'usage iterations',
      statements: [`ALTER TABLE events ADD COLUMN usage_iterations ${dialect === 'postgres' ? 'jsonb' : 'TEXT'}`],
    },
    {
      version: 9,
      // Calls whose cost the provider reported and ours disagrees with (both figures were
      // stored already): counted in the rollups, filled from the events for what is stored.
      name: 'provider cost mismatch',
      statements: costMismatchStatements(dialect),
    },
    {
      version: 10,
      // An event the store refuses for good no longer blocks the ones written with it: it is
      // kept here with the reason, and the rest of its batch is stored.
      name: 'dead letters',
      statements: [
        `CREATE TABLE IF NOT EXISTS dead_letters (
  id text PRIMARY KEY,
  dead_at_ms ${dialect === 'postgres' ? 'bigint' : 'INTEGER'} NOT NULL,
  reason text NOT NULL,
  event text NOT NULL
)`,
        'CREATE INDEX IF NOT EXISTS dead_letters_time ON dead_letters (dead_at_ms)',
      ],
    },
    {
      version: 11,
      // Tag filters and group-by-tag read an index instead of every event's tags JSON; filled
      // from the events already stored.
      name: 'tag index',
      statements: tagIndexStatements(dialect),
    },
    {
      version: 12,
      // Refreshed catalog files live in the ledger, so every process on it prices alike
      // (`tokenledger prices update`, serve's refresh); refused attempts keep their reason.
      name: 'price data',
      statements: [
        `CREATE TABLE IF NOT EXISTS price_data (
  id ${dialect === 'postgres' ? 'bigserial PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
  status text NOT NULL,
  sha256 text,
  source text NOT NULL,
  fetched_at_ms ${dialect === 'postgres' ? 'bigint' : 'INTEGER'} NOT NULL,
  reason text,
  warnings text NOT NULL,
  providers ${dialect === 'postgres' ? 'integer' : 'INTEGER'},
  models ${dialect === 'postgres' ? 'integer' : 'INTEGER'},
  data text
)`,
      ],
    },
    {
      version: 13,
      // Provenance: each priced event names where its prices came from (override, free, a
      // refreshed catalog by hash, the bundle by version) and when it was priced. Events stored
      // before say nothing (null): which data priced them is not known.
      name: 'price provenance',
      statements: [
        'ALTER TABLE events ADD COLUMN price_source text',
        `ALTER TABLE events ADD COLUMN priced_at_ms ${dialect === 'postgres' ? 'bigint' : 'INTEGER'}`,
      ],
    },
    {
      version: 14,
      // Re-pricing (`tokenledger reprice`) keeps each cost it replaces: when, the previous
      // figures and where their prices came from. Rows go with their event.
      name: 'price history',
      statements: priceHistoryStatements(dialect),
    },
    {
      version: 15,
      // The calls list sorted by cost, latency or tokens (largest first, none last, then newest):
      // a page is a range of one of these indexes instead of a sort of every matching event.
      name: 'call order indexes',
      statements: callOrderIndexStatements(dialect),
    },
    {
      version: 16,
      // Runs ranked by cost, tokens, calls, latency or recency read one row per run on an index
      // (run-rollup.ts) instead of grouping every event by run; filled from the stored events.
      name: 'run rollup',
      statements: runRollupStatements(dialect),
    },
    {
      version: 17,
      // Percentiles of the whole ledger, per model or per agent read the latency counts summed
      // over the other dimensions (latency-cuts.ts) instead of every agent x model x status row.
      name: 'latency cuts',
      statements: latencyCutStatements(dialect),
    },
    {
      version: 18,
      // The cuts' bins of one hour or day, dimensions and metric in one row (a JSON object):
      // an insert upserts a few cut rows instead of one per bin (latency-cuts.ts).
      name: 'latency cuts, one row of bins',
      statements: packedLatencyCutStatements(dialect),
    },
  ];
}

export const SCHEMA_MIGRATIONS_DDL = (dialect: Dialect): string =>
  `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at ${dialect === 'postgres' ? 'timestamptz NOT NULL DEFAULT now()' : "TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))"}
)`;
