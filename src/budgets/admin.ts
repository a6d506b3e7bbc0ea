/**
 * The admin API's budget changes (create, change, top up, pause, resume, delete), each one
 * audited with who, when, and the definition before and after. Config-file budgets are
 * read-only here. A change reads the stored budget, computes the next definition, and writes
 * it only if nobody wrote in between (the store's compare-and-set); on a race it reads again,
 * so two top-ups at once both count.
 *
 * Definitions arrive validated (the config file's schema, src/config/budget-schema.ts); this
 * module decides only what a change means.
 *
 * @module
 */
import type { BudgetConfig } from '../config/index.js';
import { BudgetAdminError, ValidationError } from '../errors/index.js';
import { canonicalProviderId } from '../providers/index.js';
import { nanosToUsd, usdToNanos } from '../units/index.js';
import type { BudgetAuditEntry, BudgetChangeAction, StoredBudget } from './definitions.js';
import type { BudgetRegistry } from './registry.js';

/** Writes lost to other writers before a change gives up (409). */
const MAX_ATTEMPTS = 8;

export interface BudgetTopUp {
  /** Added to a USD budget's cap. */
  usd?: number | undefined;
  /** Added to a token budget's cap. */
  tokens?: number | undefined;
}

export interface BudgetAdmin {
  create(actor: string, definition: BudgetConfig): Promise<BudgetAuditEntry>;
  /** `next` turns the stored definition into the new one (a merge of the request's fields). */
  change(actor: string, name: string, next: (current: BudgetConfig) => BudgetConfig): Promise<BudgetAuditEntry>;
  topUp(actor: string, name: string, amount: BudgetTopUp): Promise<BudgetAuditEntry>;
  setPaused(actor: string, name: string, paused: boolean): Promise<BudgetAuditEntry>;
  remove(actor: string, name: string): Promise<BudgetAuditEntry>;
}

export function createBudgetAdmin(registry: BudgetRegistry, now: () => number = Date.now): BudgetAdmin {
  const { store } = registry;

  async function mutate(
    actor: string,
    name: string,
    action: BudgetChangeAction,
    compute: (current: StoredBudget | undefined) => BudgetConfig | null,
  ): Promise<BudgetAuditEntry> {
    if (registry.configBudget(name) !== undefined)
      throw new BudgetAdminError(
        'read_only',
        name,
        `budget ${name} is defined in the config file: read-only through the API (change the file and restart)`,
        { field: 'name' },
      );
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = (await store.listDefinitions()).budgets.find((entry) => entry.definition.name === name);
      const next = compute(current);
      const outcome = await store.writeDefinition({
        budget: name,
        expectedRevision: current?.revision ?? 0,
        next: next === null ? null : canonical(next),
        audit: { at: now(), actor, action, before: current?.definition ?? null },
      });
      if (outcome.written) {
        await registry.refresh(true);
        return outcome.entry;
      }
    }
    throw new BudgetAdminError('contended', name, `budget ${name} kept changing while this change was retried; retry`);
  }

  const existing = (name: string, current: StoredBudget | undefined): BudgetConfig => {
    if (current === undefined) throw new BudgetAdminError('not_found', name, `no budget named ${name}`);
    return current.definition;
  };

  return {
    create: (actor, definition) =>
      mutate(actor, definition.name, 'create', (current) => {
        if (current !== undefined)
          throw new BudgetAdminError('exists', definition.name, `a budget named ${definition.name} exists already`, {
            field: 'name',
          });
        return definition;
      }),
    change: (actor, name, next) => mutate(actor, name, 'change', (current) => next(existing(name, current))),
    topUp: (actor, name, amount) =>
      mutate(actor, name, 'top-up', (current) => {
        const definition = existing(name, current);
        if (definition.window !== 'lifetime')
          throw new BudgetAdminError(
            'not_prepaid',
            name,
            `budget ${name} has a ${typeof definition.window === 'object' ? 'rolling' : definition.window} window: only lifetime (prepaid) budgets are topped up; change capUsd or capTokens instead`,
            { field: 'window' },
          );
        return topped(name, definition, amount);
      }),
    setPaused: (actor, name, paused) =>
      mutate(actor, name, paused ? 'pause' : 'resume', (current) => ({ ...existing(name, current), paused })),
    remove: (actor, name) =>
      mutate(actor, name, 'delete', (current) => {
        existing(name, current);
        return null;
      }),
  };
}

/** The definition with its cap raised; the amount must be in the budget's unit. */
function topped(name: string, definition: BudgetConfig, amount: BudgetTopUp): BudgetConfig {
  if (definition.capUsd !== undefined) {
    if (amount.usd === undefined)
      throw new ValidationError(`amountUsd: budget ${name} caps USD, so its top-up is amountUsd`, {
        field: 'amountUsd',
      });
    // In nano-dollars: 0.1 + 0.2 stays 0.3.
    return { ...definition, capUsd: nanosToUsd(usdToNanos(definition.capUsd) + usdToNanos(amount.usd)) };
  }
  if (amount.tokens === undefined)
    throw new ValidationError(`amountTokens: budget ${name} caps tokens, so its top-up is amountTokens`, {
      field: 'amountTokens',
    });
  return { ...definition, capTokens: (definition.capTokens ?? 0) + amount.tokens };
}

/** Scope providers canonical, as the config loader makes them (`gemini` is `google`). */
function canonical(definition: BudgetConfig): BudgetConfig {
  const provider = definition.scope?.provider;
  if (provider === undefined) return definition;
  return { ...definition, scope: { ...definition.scope, provider: canonicalProviderId(provider) ?? provider } };
}
