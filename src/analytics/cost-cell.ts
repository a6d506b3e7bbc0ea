/**
 * A group's cost as a table cell, honest about what it leaves out: `*` marks a group where
 * calls with usage have no known price (their cost is missing, not zero), `n/a*` one where none
 * of its calls has a price. Calls without usage (failed before an answer) had nothing to price
 * and are not marked. Used by the run report and the CLI tables alike.
 *
 * @module
 */
import type { UsageStats } from '../types/index.js';
import { formatUsd } from './format.js';
import { unpricedWithUsage } from './stats.js';

export function formatCostCell(stats: UsageStats): string {
  if (unpricedWithUsage(stats) === 0) return formatUsd(stats.cost.total);
  return stats.calls - stats.unpricedCalls === 0 ? 'n/a*' : `${formatUsd(stats.cost.total)}*`;
}
