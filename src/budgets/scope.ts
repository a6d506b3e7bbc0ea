/**
 * Which budgets apply to a call: every field a budget's scope names must match the call.
 *
 * @module
 */
import type { BudgetScope, BudgetSpec } from '../types/index.js';

/** What a call is, as far as budgets care: attribution plus where it goes. */
export interface BudgetCall {
  /** The gateway key's name, when the call came through one. */
  key?: string | undefined;
  agent?: string | undefined;
  run?: string | undefined;
  /** Canonical provider id. */
  provider?: string | undefined;
  model?: string | undefined;
  tags?: Readonly<Record<string, string>> | undefined;
}

export function scopeMatches(scope: BudgetScope, call: BudgetCall): boolean {
  if (scope.key !== undefined && scope.key !== call.key) return false;
  if (scope.agent !== undefined && scope.agent !== call.agent) return false;
  if (scope.run !== undefined && scope.run !== call.run) return false;
  if (scope.provider !== undefined && scope.provider !== call.provider) return false;
  if (scope.model !== undefined && scope.model !== call.model) return false;
  for (const [name, value] of Object.entries(scope.tags ?? {})) {
    if (call.tags?.[name] !== value) return false;
  }
  return true;
}

/** The budgets that apply to `call` (paused ones neither hold nor refuse). */
export function applicableBudgets(budgets: readonly BudgetSpec[], call: BudgetCall): BudgetSpec[] {
  return budgets.filter((budget) => !budget.paused && scopeMatches(budget.scope, call));
}
