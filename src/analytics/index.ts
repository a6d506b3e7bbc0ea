export { summarizeUsage } from './summary.js';
export { usageByModel } from './by-model.js';
export { usageByAgent } from './by-agent.js';
export { usageByAgentModel } from './agent-model.js';
export { usageByRun, usageByRunPage, RUN_WALL_TIME_LIMIT } from './by-run.js';
export type { RunPageOptions } from './by-run.js';
export { compareModels } from './compare.js';
export { whatIf, parseModelSwap, unpricedSwap } from './whatif.js';
export { usageTimeseries, MAX_FILLED_BUCKETS } from './timeseries.js';
export type { TimeseriesOptions } from './timeseries.js';
export { deleteEvents } from './reset.js';
export { usageOverview } from './overview.js';
export { loadRunReport, renderRunReport } from './run-report.js';
export type { RunReportData, RunReportOptions } from './run-report.js';
export { closeNames, datedVersions, isRecordedName, recordedNames } from './names.js';
export type { NamedDimension } from './names.js';
export {
  formatCount,
  formatUsd,
  formatSignedUsd,
  formatRate,
  formatDuration,
  formatMs,
  formatPercentile,
} from './format.js';
export {
  statsFromRow,
  emptyStats,
  unpricedWithUsage,
  withCostShares,
  byMetric,
  RANK_METRICS,
} from './stats.js';
export type { RankMetric } from './stats.js';
export { formatCostCell } from './cost-cell.js';
export { csvCell } from './csv.js';
export { usageBreakdown } from './breakdown.js';
export type { BreakdownOptions } from './breakdown.js';
export { callRow, callCsvLine, callsDownload, callDetail, listCalls, CALL_COLUMNS, CALLS_CSV_HEADER } from './calls.js';
export type { CallsOptions } from './calls.js';
