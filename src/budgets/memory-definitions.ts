/**
 * Budget definitions in this process's memory (beside MemoryBudgetCounters): the reference the
 * shared stores are tested against.
 *
 * @module
 */
import type { BudgetConfig } from '../config/index.js';
import type {
  AuditQuery,
  BudgetAuditEntry,
  BudgetDefinitionStore,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';

export class MemoryBudgetDefinitions implements BudgetDefinitionStore {
  private readonly budgets = new Map<string, StoredBudget>();
  private readonly entries: BudgetAuditEntry[] = [];

  async definitionsVersion(): Promise<number> {
    return this.entries.length;
  }

  async listDefinitions(): Promise<{ version: number; budgets: StoredBudget[] }> {
    return { version: this.entries.length, budgets: [...this.budgets.values()].map(copy) };
  }

  async writeDefinition(write: DefinitionWrite): Promise<DefinitionWriteOutcome> {
    if ((this.budgets.get(write.budget)?.revision ?? 0) !== write.expectedRevision) return { written: false };
    const entry: BudgetAuditEntry = {
      id: this.entries.length + 1,
      budget: write.budget,
      after: write.next,
      ...write.audit,
    };
    this.entries.push(structuredClone(entry));
    if (write.next === null) this.budgets.delete(write.budget);
    else this.budgets.set(write.budget, { definition: structuredClone(write.next), revision: entry.id });
    return { written: true, entry };
  }

  async auditLog(query: AuditQuery): Promise<BudgetAuditEntry[]> {
    return this.entries
      .filter((entry) => query.budget === undefined || entry.budget === query.budget)
      .filter((entry) => query.beforeId === undefined || entry.id < query.beforeId)
      .reverse()
      .slice(0, query.limit)
      .map((entry) => structuredClone(entry));
  }
}

function copy(stored: StoredBudget): StoredBudget {
  return { definition: structuredClone(stored.definition) as BudgetConfig, revision: stored.revision };
}
