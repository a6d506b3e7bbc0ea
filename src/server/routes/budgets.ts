/**
 * `/v1/budgets`: budgets and their standing (read key), and the admin API (admin key): create,
 * change, top up, pause, resume, delete, each audited (who: the admin key's id, never the key;
 * when; the definition before and after), and the audit itself. Bodies are the config file's
 * budget shape, checked by the same schema; config-file budgets are listed but read-only here.
 * Budgets made here are stored beside the counters, so every server on the same counters
 * enforces them (within DEFAULT_BUDGET_REFRESH_MS) and they survive a restart.
 *
 * @module
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import {
  type BudgetAdmin,
  type BudgetAuditEntry,
  type BudgetCounters,
  type BudgetRegistry,
  budgetStatuses,
  budgetStatusView,
  createBudgetAdmin,
  shownDefinition,
} from '../../budgets/index.js';
import { type BudgetConfig, budgetConfigSchema } from '../../config/index.js';
import { badRequest, notFound } from '../http-error.js';
import { matchKey, type RequireKeyOptions, requireKey } from '../middleware/auth.js';
import { readJsonBody } from '../read-json.js';

/** Budget bodies are small; this is far above any real one. */
const MAX_BODY_BYTES = 64 * 1024;
const MAX_AUDIT_LIMIT = 1000;
const DEFAULT_AUDIT_LIMIT = 100;

export interface BudgetRoutesOptions {
  registry: BudgetRegistry;
  counters: BudgetCounters;
  read: RequireKeyOptions;
  admin: RequireKeyOptions;
  /** Each admin key's id, in `admin.keys` order (named in the audit). */
  adminIds: readonly string[];
  now?: () => number;
}

export function createBudgetRoutes(options: BudgetRoutesOptions): Hono {
  const { registry, counters } = options;
  const now = options.now ?? Date.now;
  const admin: BudgetAdmin = createBudgetAdmin(registry, now);
  const requireAdmin = requireKey({ ...options.admin, weakerKeys: options.read.keys });
  const app = new Hono();

  /** Who made the change: the admin key's id; `open` when the server has no admin key (loopback). */
  const actorOf = (c: Context): string => {
    const presented =
      c.req.header('x-tokenledger-key') ?? /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const index = matchKey(presented, options.admin.keys);
    return options.adminIds[index] ?? 'open (no admin key configured)';
  };
  const standing = async (names?: string) => {
    await registry.refresh();
    const entries = registry.entries().filter((entry) => names === undefined || entry.spec.name === names);
    const statuses = await budgetStatuses(
      entries.map((entry) => entry.spec),
      counters,
      now(),
    );
    return statuses.map((status, index) => ({
      ...budgetStatusView(status, entries[index]?.source ?? 'config'),
      definition: shownDefinition(entries[index]?.definition ?? null),
    }));
  };
  const changed = (c: Context, entry: BudgetAuditEntry, status: 200 | 201 = 200) =>
    c.json({ budget: shownDefinition(entry.after), audit: shownEntry(entry) }, status);

  app.get('/', requireKey(options.read), async (c) => c.json({ budgets: await standing() }));
  app.get('/audit', requireAdmin, async (c) => {
    const budget = c.req.query('budget');
    const limit = count(c.req.query('limit'), 'limit', DEFAULT_AUDIT_LIMIT, MAX_AUDIT_LIMIT);
    const before = c.req.query('before');
    const entries = await registry.store.auditLog({
      budget,
      limit,
      beforeId: before === undefined ? undefined : count(before, 'before', 0, Number.MAX_SAFE_INTEGER),
    });
    return c.json({ entries: entries.map(shownEntry) });
  });
  app.get('/:name', requireKey(options.read), async (c) => {
    const [found] = await standing(c.req.param('name'));
    if (found === undefined) throw notFound(`no budget named ${c.req.param('name')}`);
    return c.json(found);
  });
  app.post('/', requireAdmin, async (c) => {
    const definition = validBudget(await readJsonBody(c, MAX_BODY_BYTES));
    return changed(c, await admin.create(actorOf(c), definition), 201);
  });
  app.patch('/:name', requireAdmin, async (c) => {
    const name = c.req.param('name');
    const patch = await readJsonBody(c, MAX_BODY_BYTES);
    if (!isRecord(patch)) throw badRequest('body: must be a JSON object of the fields to change', 'body');
    if ('name' in patch && patch['name'] !== name)
      throw badRequest('name: a budget cannot be renamed (create the new one, then delete this one)', 'name');
    return changed(c, await admin.change(actorOf(c), name, (current) => validBudget(merged(current, patch))));
  });
  app.post('/:name/top-up', requireAdmin, async (c) => {
    const body = await readJsonBody(c, MAX_BODY_BYTES);
    const amount = topUpOf(body);
    return changed(c, await admin.topUp(actorOf(c), c.req.param('name'), amount));
  });
  app.post('/:name/pause', requireAdmin, async (c) =>
    changed(c, await admin.setPaused(actorOf(c), c.req.param('name'), true)),
  );
  app.post('/:name/resume', requireAdmin, async (c) =>
    changed(c, await admin.setPaused(actorOf(c), c.req.param('name'), false)),
  );
  app.delete('/:name', requireAdmin, async (c) => changed(c, await admin.remove(actorOf(c), c.req.param('name'))));
  return app;
}

function shownEntry(entry: BudgetAuditEntry) {
  return {
    id: entry.id,
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    action: entry.action,
    budget: entry.budget,
    before: shownDefinition(entry.before),
    after: shownDefinition(entry.after),
  };
}

/** The config file's budget schema; the first problem named by its field. */
function validBudget(value: unknown): BudgetConfig {
  const parsed = budgetConfigSchema().safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  // An unknown field: name it, not the object that holds it.
  if (issue?.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  const field = path.length === 0 ? 'body' : path.join('.');
  throw badRequest(`${field}: ${issue?.message ?? 'not a budget'}`, field);
}

/** The stored definition with the request's fields over it; `null` removes a field. */
function merged(current: BudgetConfig, patch: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  // A cap in the other unit replaces the one there was.
  if ('capUsd' in patch && patch['capUsd'] !== null && !('capTokens' in patch)) delete out['capTokens'];
  if ('capTokens' in patch && patch['capTokens'] !== null && !('capUsd' in patch)) delete out['capUsd'];
  return out;
}

function topUpOf(body: unknown): { usd?: number; tokens?: number } {
  if (!isRecord(body)) throw badRequest('body: must be { "amountUsd": N } or { "amountTokens": N }', 'body');
  for (const key of Object.keys(body)) {
    if (key !== 'amountUsd' && key !== 'amountTokens')
      throw badRequest(`${key}: unknown field (give amountUsd or amountTokens)`, key);
  }
  const usd = body['amountUsd'];
  const tokens = body['amountTokens'];
  if ((usd === undefined) === (tokens === undefined))
    throw badRequest('amountUsd: give exactly one of amountUsd and amountTokens', 'amountUsd');
  if (usd !== undefined) {
    if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0)
      throw badRequest('amountUsd: must be a number above 0', 'amountUsd');
    return { usd };
  }
  if (typeof tokens !== 'number' || !Number.isSafeInteger(tokens) || tokens <= 0)
    throw badRequest('amountTokens: must be a whole number above 0', 'amountTokens');
  return { tokens };
}

function count(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    throw badRequest(`${field}: must be an integer from 1 to ${max}`, field);
  return n;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
