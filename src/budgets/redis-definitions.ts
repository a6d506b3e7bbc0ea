/**
 * Budget definitions in Redis, beside the counters (RedisBudgetCounters runs these), under the
 * key prefix: `defs` (hash name -> definition JSON), `defs:revision` (hash name -> revision),
 * `defs:version` (the newest audit id, INCR'd by each write) and `audit` (a list of entries,
 * oldest first). A write is one script: the revision check, the audit entry and the
 * definition together. Definitions travel as the JSON the client wrote, never re-encoded by
 * Lua (cjson would print large numbers in exponent form). The audit is read whole and filtered
 * here: admin changes are few.
 *
 * @module
 */
import type { BudgetConfig } from '../config/index.js';
import type {
  AuditQuery,
  BudgetAuditEntry,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';

/** How a RedisBudgetCounters runs a script (by hash, loading it once) or a plain command. */
export interface RedisRunner {
  script(doing: string, script: string, args: string[]): Promise<unknown>;
  get(doing: string, key: string): Promise<string | null>;
  lrange(doing: string, key: string): Promise<string[]>;
}

// ARGV: prefix, name, expected revision, next definition JSON ('' deletes), entry JSON (no id).
const WRITE = `
local prefix, name, expected = ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('HGET', prefix .. ':defs:revision', name) or '0'
if current ~= expected then return 0 end
local id = redis.call('INCR', prefix .. ':defs:version')
redis.call('RPUSH', prefix .. ':audit', '{"id":' .. id .. ',"entry":' .. ARGV[5] .. '}')
if ARGV[4] == '' then
  redis.call('HDEL', prefix .. ':defs', name)
  redis.call('HDEL', prefix .. ':defs:revision', name)
else
  redis.call('HSET', prefix .. ':defs', name, ARGV[4])
  redis.call('HSET', prefix .. ':defs:revision', name, id)
end
return id
`;

// ARGV: prefix. The version and every definition, read together.
const LIST = `
local prefix = ARGV[1]
return {
  redis.call('GET', prefix .. ':defs:version') or '0',
  redis.call('HGETALL', prefix .. ':defs'),
  redis.call('HGETALL', prefix .. ':defs:revision'),
}
`;

export async function redisDefinitionsVersion(redis: RedisRunner, prefix: string): Promise<number> {
  return Number((await redis.get('read definitions', `${prefix}:defs:version`)) ?? 0);
}

export async function redisListDefinitions(
  redis: RedisRunner,
  prefix: string,
): Promise<{ version: number; budgets: StoredBudget[] }> {
  const [version, definitions, revisions] = (await redis.script('read definitions', LIST, [prefix])) as [
    string,
    string[],
    string[],
  ];
  const revisionOf = new Map<string, number>();
  for (let index = 0; index < revisions.length; index += 2)
    revisionOf.set(revisions[index] ?? '', Number(revisions[index + 1]));
  const budgets: StoredBudget[] = [];
  for (let index = 0; index < definitions.length; index += 2) {
    const name = definitions[index] ?? '';
    budgets.push({
      definition: JSON.parse(definitions[index + 1] ?? '{}') as BudgetConfig,
      revision: revisionOf.get(name) ?? 0,
    });
  }
  budgets.sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1));
  return { version: Number(version), budgets };
}

export async function redisWriteDefinition(
  redis: RedisRunner,
  prefix: string,
  write: DefinitionWrite,
): Promise<DefinitionWriteOutcome> {
  const { at, actor, action, before } = write.audit;
  const fields = { at, actor, action, budget: write.budget, before, after: write.next };
  const id = Number(
    await redis.script('write a definition', WRITE, [
      prefix,
      write.budget,
      String(write.expectedRevision),
      write.next === null ? '' : JSON.stringify(write.next),
      JSON.stringify(fields),
    ]),
  );
  return id === 0 ? { written: false } : { written: true, entry: { id, ...fields } };
}

export async function redisAuditLog(
  redis: RedisRunner,
  prefix: string,
  query: AuditQuery,
): Promise<BudgetAuditEntry[]> {
  const out: BudgetAuditEntry[] = [];
  const lines = await redis.lrange('read the audit', `${prefix}:audit`);
  for (let index = lines.length - 1; index >= 0 && out.length < query.limit; index--) {
    const { id, entry } = JSON.parse(lines[index] ?? '{}') as { id: number; entry: Omit<BudgetAuditEntry, 'id'> };
    if (query.beforeId !== undefined && id >= query.beforeId) continue;
    if (query.budget !== undefined && entry.budget !== query.budget) continue;
    out.push({ id, ...entry });
  }
  return out;
}
