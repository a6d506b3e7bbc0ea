/**
 * The budgets in force in this process: the config file's (read-only) and the admin API's
 * (stored beside the counters, shared by every process on them). The guard reads `specs()`
 * synchronously on every call; a timer reads the stored definitions' version every `refreshMs`
 * (one indexed read) and reloads them only when it moved. So a change made by another process
 * is enforced here within `refreshMs` plus one store round trip; a change made through this
 * process is enforced at once (the admin API refreshes after writing).
 *
 * When the store cannot answer, the last definitions read stay in force and the failure is
 * logged once until a read succeeds again.
 *
 * @module
 */
import type { BudgetConfig } from '../config/index.js';
import type { BudgetSpec, Logger } from '../types/index.js';
import type { BudgetDefinitionStore } from './definitions.js';
import { budgetFromConfig } from './spec.js';

/** How often a process checks whether another one changed the stored budgets. */
export const DEFAULT_BUDGET_REFRESH_MS = 1_000;

export interface BudgetEntry {
  spec: BudgetSpec;
  definition: BudgetConfig;
  /** `config`: from the config file, read-only through the API; `api`: stored, changeable. */
  source: 'config' | 'api';
  /** The stored revision (0 for config budgets). */
  revision: number;
}

export interface BudgetRegistryOptions {
  configBudgets: readonly BudgetConfig[];
  store: BudgetDefinitionStore;
  /** @default DEFAULT_BUDGET_REFRESH_MS */
  refreshMs?: number;
  logger?: Logger;
}

export interface BudgetRegistry {
  /** What the guard enforces now (config budgets first, then stored ones by name). */
  specs(): readonly BudgetSpec[];
  entries(): readonly BudgetEntry[];
  /** The config file's budget of that name, if any. */
  configBudget(name: string): BudgetConfig | undefined;
  /** Reads the version and reloads when it moved; `force` reloads anyway. */
  refresh(force?: boolean): Promise<void>;
  readonly store: BudgetDefinitionStore;
  /** Stops the refresh timer (the store is the caller's to close). */
  close(): void;
}

export async function openBudgetRegistry(options: BudgetRegistryOptions): Promise<BudgetRegistry> {
  const { store, logger } = options;
  const fromConfig: BudgetEntry[] = options.configBudgets.map((definition) => ({
    spec: budgetFromConfig(definition),
    definition,
    source: 'config',
    revision: 0,
  }));
  const configNames = new Set(fromConfig.map((entry) => entry.definition.name));
  let entries: BudgetEntry[] = fromConfig;
  let specs: BudgetSpec[] = fromConfig.map((entry) => entry.spec);
  let version = -1;
  let failing = false;
  let inFlight: Promise<void> | undefined;

  async function reload(force: boolean): Promise<void> {
    try {
      if (!force && (await store.definitionsVersion()) === version) return;
      const listed = await store.listDefinitions();
      const stored: BudgetEntry[] = [];
      for (const { definition, revision } of listed.budgets) {
        // A name the config file took after the budget was stored: the file wins.
        if (configNames.has(definition.name)) continue;
        stored.push({ spec: budgetFromConfig(definition), definition, source: 'api', revision });
      }
      entries = [...fromConfig, ...stored];
      specs = entries.map((entry) => entry.spec);
      version = listed.version;
      if (failing) logger?.info('budget definitions readable again', { version });
      failing = false;
    } catch (error) {
      if (!failing)
        logger?.warn('budget definitions could not be read; the last ones read stay in force', {
          error: (error as Error).message,
        });
      failing = true;
    }
  }

  function refresh(force = false): Promise<void> {
    // One read at a time; a forced refresh waits for the one in flight, then reads again.
    const next = (inFlight ?? Promise.resolve()).then(() => reload(force));
    const settled = next.finally(() => {
      if (inFlight === settled) inFlight = undefined;
    });
    inFlight = settled;
    return settled;
  }

  await refresh(true);
  const timer = setInterval(() => {
    if (inFlight === undefined) void refresh();
  }, options.refreshMs ?? DEFAULT_BUDGET_REFRESH_MS);
  timer.unref();

  return {
    specs: () => specs,
    entries: () => entries,
    configBudget: (name) => fromConfig.find((entry) => entry.definition.name === name)?.definition,
    refresh,
    store,
    close: () => clearInterval(timer),
  };
}
