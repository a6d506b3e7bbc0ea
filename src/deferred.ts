/**
 * The asynchronous parts of the public API, behind one dynamic import of src/index.ts (which
 * says why they load on first call). One module for all of them rather than one per folder:
 * each dynamic import is an entry point of the bundle, and more entry points split the code
 * `import 'tokenledger'` loads into more, smaller files, each of which costs a fresh process
 * its own resolve, read and compile.
 *
 * @module
 */
export {
  summarizeUsage,
  usageByModel,
  usageByAgent,
  usageByAgentModel,
  usageByRun,
  usageOverview,
  compareModels,
  usageTimeseries,
  deleteEvents,
  loadRunReport,
} from './analytics/index.js';
export { openBudgetCounters } from './budgets/index.js';
export { loadConfig } from './config/index.js';
export { openStore } from './store/index.js';
