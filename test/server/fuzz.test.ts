/**
 * Issue 9, acceptance "fuzz": thousands of malformed ingest bodies and analytics queries against
 * a real server (loopback HTTP) on SQLite and on PostgreSQL: no answer is a 5xx, none hangs, and
 * every event that was stored passes the ledger's rules again (src/ledger/validate.ts). A fixed
 * seed keeps it reproducible and CI-sized.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import {
  isStorableText,
  MAX_ATTEMPTS,
  MAX_DURATION_MS,
  MAX_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  MAX_TOKEN_COUNT,
  MAX_USD,
} from '#src/ledger/index.js';
import { startServer } from '#src/server/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { PG_URL } from '../analytics/stores.js';
import { dropSchemas, uniqueSchema } from '../store/pg-admin.js';

const SEED = 20261201;
const INGEST_CASES = 2_000;
const QUERY_CASES = 2_000;
const REQUEST_TIMEOUT_MS = 10_000;

const FIELDS = [
  'id',
  'time',
  'provider',
  'model',
  'requestedModel',
  'agent',
  'run',
  'tags',
  'usage',
  'response',
  'durationMs',
  'timeToFirstTokenMs',
  'status',
  'error',
  'attempts',
  'providerCost',
  'estimated',
  'usageUnavailableReason',
  'rawUsage',
  'warnings',
  'trace',
];
const USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
];

/** Numbers stores choke on, and ordinary ones. */
const nastyNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 1e308, -1e308, 1e17, 1e12, 1e12 + 1, 2 ** 53, 2 ** 63, 2 ** 31, 1.5, 2 ** 53 + 2),
  fc.double(),
  fc.integer(),
  fc.nat(),
);
const nastyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\uD800', '\uDC00x', '%', '%E0%A4%A', '😀', 'x'.repeat(300), 'ok'),
);
const nastyDate = fc.oneof(
  fc
    .tuple(fc.integer({ min: -1, max: 10_001 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.constantFrom('2026-02-30', '2026-02-28T24:00:00Z', '2026-01-01T00:00:00+25:00', 'yesterday', '2026-13-01'),
  nastyNumber,
);
const leaf = fc.oneof(nastyNumber, nastyText, fc.boolean(), fc.constant(null));
const nastyValue = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 4 }),
  fc.dictionary(nastyText, leaf, { maxKeys: 4 }),
  nastyDate,
);
const nastyTags = fc.oneof(fc.dictionary(nastyText, fc.oneof(nastyText, nastyNumber), { maxKeys: 70 }), nastyValue);
const nastyUsage = fc.oneof(
  fc.record(Object.fromEntries(USAGE_FIELDS.map((f) => [f, nastyNumber])), { requiredKeys: [] }),
  nastyValue,
);
/** An event with a random subset of its fields, each a nasty value; provider and model usually sane so some are stored. */
const nastyEvent = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...FIELDS), nastyValue, { maxKeys: 6 }),
    fc.option(nastyTags, { nil: undefined }),
    fc.option(nastyUsage, { nil: undefined }),
    fc.option(nastyDate, { nil: undefined }),
    fc.boolean(),
  )
  .map(([fields, tags, usage, time, sane]) => ({
    ...(sane ? { provider: 'openai', model: 'gpt-4o-mini' } : {}),
    ...fields,
    ...(tags === undefined ? {} : { tags }),
    ...(usage === undefined ? {} : { usage }),
    ...(time === undefined ? {} : { time }),
  }));
/** A valid event with one field made nasty: many are stored, so the row check has rows to check. */
const nearlyValidEvent = fc
  .tuple(
    fc.constantFrom('agent', 'run', 'time', 'durationMs', 'providerCost', 'requestedModel', 'id'),
    nastyValue,
    nastyTags,
  )
  .map(([field, value, tags]) => ({
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens: 10, outputTokens: 5 },
    ...(typeof tags === 'object' && tags !== null && !Array.isArray(tags) && Object.keys(tags).length <= 3
      ? { tags }
      : {}),
    [field]: value,
  }));
const ingestBody = fc.oneof(
  { weight: 6, arbitrary: nearlyValidEvent.map((event) => JSON.stringify(event)) },
  { weight: 6, arbitrary: nastyEvent.map((event) => JSON.stringify(event)) },
  { weight: 2, arbitrary: fc.array(nastyEvent, { maxLength: 5 }).map((events) => JSON.stringify(events)) },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

const QUERY_PATHS = [
  '/analytics/tokens',
  '/analytics/tokens/models',
  '/analytics/tokens/agents',
  '/analytics/tokens/agent-models',
  '/analytics/tokens/runs',
  '/analytics/tokens/timeseries',
  '/analytics/events',
  '/analytics/dead-letters',
];
const PARAM_KEYS = [
  'from',
  'to',
  'provider',
  'model',
  'agent',
  'run',
  'status',
  'tag.team',
  'tag.',
  'limit',
  'cursor',
  'interval',
  'format',
  'percentiles',
  'x',
];
const paramValue = fc.oneof(
  nastyText,
  nastyDate.map(String),
  fc.constantFrom('1m', '1h', '1d', 'csv', 'ndjson', 'true', '0', '100000'),
);
const query = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...QUERY_PATHS),
        fc.array(fc.tuple(fc.constantFrom(...PARAM_KEYS), paramValue), { maxLength: 4 }),
      )
      .map(([path, params]) => {
        const search = params.map(([key, value]) => `${percentBytes(key)}=${percentBytes(value)}`);
        return { method: 'GET', path: `${path}${search.length > 0 ? `?${search.join('&')}` : ''}` };
      }),
  },
  {
    weight: 1,
    arbitrary: nastyText.map((run) => ({
      method: 'GET',
      path: `/analytics/tokens/runs/${percentBytes(run) || 'x'}`,
    })),
  },
  {
    weight: 1,
    // Malformed escapes, sent as they are.
    arbitrary: fc
      .constantFrom('agent=%E0%A4%A', 'model=%', 'tag.%ZZ=1', 'run=%00', 'from=%ED%A0%80', 'agent=a%2')
      .map((search) => ({ method: 'GET', path: `/analytics/tokens?${search}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.json(),
        fc.record({ models: fc.array(nastyText, { maxLength: 3 }), filter: nastyValue }).map((b) => JSON.stringify(b)),
      )
      .map((body) => ({ method: 'POST', path: '/analytics/tokens/compare', body })),
  },
);

/** Every UTF-8 byte percent-encoded (a lone surrogate becomes U+FFFD's bytes, as a client would send). */
function percentBytes(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** The ledger's rules, checked again on what came back from the store. */
function storedProblems(event: UsageEvent): string[] {
  const problems: string[] = [];
  const text = (value: unknown, field: string, max = Infinity) => {
    if (value === undefined) return;
    if (typeof value !== 'string' || !isStorableText(value) || value.length > max) problems.push(field);
  };
  const number = (value: unknown, field: string, max: number, integer: boolean) => {
    if (value === undefined) return;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0 ||
      value > max ||
      (integer && !Number.isInteger(value))
    )
      problems.push(field);
  };
  text(event.id, 'id', 128);
  for (const field of ['provider', 'model', 'requestedModel', 'agent', 'run'] as const)
    text(event[field], field, MAX_NAME_LENGTH);
  const tags = Object.entries(event.tags);
  if (tags.length > MAX_TAGS) problems.push('tags');
  for (const [key, value] of tags) {
    text(key, 'tags key', MAX_TAG_KEY_LENGTH);
    text(value, `tags.${key}`, MAX_TAG_VALUE_LENGTH);
  }
  for (const [field, value] of Object.entries(event.usage)) number(value, `usage.${field}`, MAX_TOKEN_COUNT, true);
  number(event.durationMs, 'durationMs', MAX_DURATION_MS, false);
  number(event.timeToFirstTokenMs, 'timeToFirstTokenMs', MAX_DURATION_MS, false);
  number(event.providerCost, 'providerCost', MAX_USD, false);
  number(event.cost?.total, 'cost', MAX_USD, false);
  number(event.attempts, 'attempts', MAX_ATTEMPTS, true);
  const time = Date.parse(event.time);
  if (!Number.isFinite(time) || new Date(time).toISOString() !== event.time) problems.push('time');
  if (event.rawUsage !== undefined && !isStorableText(JSON.stringify(event.rawUsage))) problems.push('rawUsage');
  for (const warning of event.warnings ?? []) text(warning, 'warnings');
  return problems;
}

const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
const schema = uniqueSchema('fuzz');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas([schema]);
});

describe.each([
  { kind: 'sqlite', db: `sqlite:${join(dir, 'fuzz.db')}` },
  { kind: 'postgres', db: `${PG_URL}?schema=${schema}` },
])('fuzz on $kind', ({ db }) => {
  it(`${INGEST_CASES} malformed ingest bodies and ${QUERY_CASES} analytics queries: no 5xx, no hang, only valid rows stored`, async () => {
    const server = await startServer({
      port: 0,
      db,
      config: parseConfig({}, 'inline', {}),
      env: {},
      logger: pino({ level: 'silent' }),
    });
    try {
      const failures: string[] = [];
      const send = async (method: string, path: string, body?: string | Uint8Array) => {
        try {
          const answer = await fetch(`${server.url}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) }),
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          await answer.arrayBuffer();
          if (answer.status >= 500) failures.push(`${answer.status} ${method} ${path} ${String(body).slice(0, 200)}`);
        } catch (error) {
          failures.push(
            `no answer (${error instanceof Error ? error.name : 'error'}) ${method} ${path} ${String(body).slice(0, 200)}`,
          );
        }
      };
      const bodies = fc.sample(ingestBody, { numRuns: INGEST_CASES, seed: SEED });
      for (const body of bodies) await send('POST', '/v1/usage', body);
      const queries = fc.sample(query, { numRuns: QUERY_CASES, seed: SEED + 1 });
      for (const { method, path, ...rest } of queries) await send(method, path, 'body' in rest ? rest.body : undefined);
      expect(failures.slice(0, 10)).toEqual([]);

      let cursor: string | undefined;
      let stored = 0;
      const problems: string[] = [];
      do {
        const page = await server.store.events({
          filter: {},
          limit: 1000,
          ...(cursor === undefined ? {} : { cursor }),
        });
        stored += page.events.length;
        for (const event of page.events) {
          const found = storedProblems(event);
          if (found.length > 0) problems.push(`${event.id}: ${found.join(', ')}`);
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(problems.slice(0, 10)).toEqual([]);
      // The sane share of the cases is stored: the check above ran on real rows.
      expect(stored).toBeGreaterThan(100);
    } finally {
      await server.close();
    }
  }, 180_000);
});
