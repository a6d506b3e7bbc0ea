export { createBudgetGuard } from './guard.js';
export type { BudgetAlert } from './alerts.js';
export { counterOf } from './window.js';
export type {
  Admission,
  AdmitInput,
  AdmittedBudget,
  BudgetGuard,
  BudgetGuardOptions,
  CallOutcome,
  SettleReport,
} from './guard.js';
export type {
  BudgetCounters,
  CounterRefusal,
  CounterState,
  CounterWindow,
  ReserveLine,
  ReserveOutcome,
  ReserveRequest,
} from './counters.js';
export { MemoryBudgetCounters } from './memory-counters.js';
export { SqliteBudgetCounters } from './sqlite-counters.js';
export type { SqliteBudgetCountersOptions } from './sqlite-counters.js';
export { PostgresBudgetCounters } from './postgres-counters.js';
export type { PostgresBudgetCountersOptions } from './postgres-counters.js';
export { RedisBudgetCounters } from './redis-counters.js';
export type { RedisBudgetCountersOptions } from './redis-counters.js';
export { windowSpan, windowTag } from './window.js';
export type { WindowSpan } from './window.js';
export { scopeMatches, applicableBudgets } from './scope.js';
export type { BudgetCall } from './scope.js';
export { holdFor, outputTokenBound, worstCaseNanos } from './hold.js';
export type { Hold, HoldInput } from './hold.js';
export { inputTokenBound, IMAGE_PART_TOKENS, TOOLS_PROMPT_TOKENS, LARGEST_CONTEXT_TOKENS } from './input-bound.js';
export {
  budgetFromConfig,
  DEFAULT_MAX_OUTPUT_TOKENS,
  DEFAULT_LEASE_MS,
  DEFAULT_ADAPTIVE_PERCENTILE,
  DEFAULT_MIN_OBSERVATIONS,
} from './spec.js';
export { ObservedOutput, OBSERVATION_WINDOW } from './observed-output.js';
export { outcomeOfEvent, combineOutcomes } from './outcome.js';
export { openBudgetCounters } from './open-counters.js';
export { budgetCountersPath } from './counters-file.js';
export type { BudgetCountersStore, OpenBudgetCountersOptions } from './open-counters.js';
export { budgetStatuses } from './status.js';
export type { BudgetStatus } from './status.js';
export { BUDGET_CHANGE_ACTIONS } from './definitions.js';
export type {
  AuditQuery,
  BudgetAuditEntry,
  BudgetChangeAction,
  BudgetDefinitionStore,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';
export { openBudgetRegistry, DEFAULT_BUDGET_REFRESH_MS } from './registry.js';
export type { BudgetEntry, BudgetRegistry, BudgetRegistryOptions } from './registry.js';
export { createBudgetAdmin } from './admin.js';
export type { BudgetAdmin, BudgetTopUp } from './admin.js';
export { budgetStatusView, shownDefinition, windowLabel } from './status-view.js';
export type { BudgetStatusView } from './status-view.js';
