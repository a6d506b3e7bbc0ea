/**
 * The run report: the "TOKEN USAGE SUMMARY" text block of the product notes (seed 002), with
 * cost, failures and cache savings added. Rendering is pure; `loadRunReport()` fetches the data.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { AgentStats, Filter, ModelStats, Summary } from '../types/index.js';
import { usageByAgent } from './by-agent.js';
import { usageByModel } from './by-model.js';
import { formatCostCell } from './cost-cell.js';
import { formatCount, formatRate, formatDuration, formatUsd } from './format.js';
import { byCost, byFirstUse, byVolume, unpricedWithUsage } from './stats.js';
import { summarizeUsage } from './summary.js';

/** What the report shows: the summary and the per-model and per-agent breakdowns of one filter. */
export interface RunReportData {
  summary: Summary;
  models: ModelStats[];
  agents: AgentStats[];
}

export interface RunReportOptions {
  /**
   * What the report is about, shown as `TOKEN USAGE SUMMARY for <subject>` (a run name such as
   * `AAPL`); the title has no `for` part when absent.
   */
  subject?: string;
  /**
   * Order of the model and agent lines: `first-use` (as in the product notes, the order the
   * calls happened), `cost` (most expensive first) or `volume` (largest token total first).
   * @default 'first-use'
   */
  order?: 'first-use' | 'cost' | 'volume';
  /**
   * Minimum width of the name column; it widens to fit the longest name.
   * @default 20
   */
  nameWidth?: number;
}

const RULE = '='.repeat(80);
const NO_AGENT = '(no agent)';

/** Gathers the report's data for a filter (one run: `{ run: 'AAPL' }`). */
export async function loadRunReport(store: Store, filter: Filter = {}): Promise<RunReportData> {
  const [totals, models, agents] = await Promise.all([
    summarizeUsage(store, filter),
    usageByModel(store, filter),
    usageByAgent(store, filter),
  ]);
  return { summary: totals, models, agents };
}

/**
 * Renders the report block. Analysis time is the wall-clock span (first call's start to the
 * end of the last-started call), not the sum of call durations, since calls overlap.
 *
 * @example
 * console.log(renderRunReport(await runReport(store, { run: 'AAPL' }), { subject: 'AAPL' }));
 */
export function renderRunReport(data: RunReportData, options: RunReportOptions = {}): string {
  const { summary: totals } = data;
  const order = options.order ?? 'first-use';
  const models = sortLines(data.models, (m) => m.model, order);
  const agents = sortLines(data.agents, (a) => a.agent ?? NO_AGENT, order);
  const width = Math.max(
    options.nameWidth ?? 20,
    ...models.map((m) => m.model.length),
    ...agents.map((a) => (a.agent ?? NO_AGENT).length),
  );

  // The seed's columns are 5 and 6 wide; wider figures widen the column so the bars stay aligned.
  const modelTokensWidth = Math.max(5, ...models.map((m) => formatCount(m.tokens.total).length));
  const agentTokensWidth = Math.max(6, ...agents.map((a) => formatCount(a.tokens.total).length));
  // The cost column (added to the seed's layout): the line's cost and its share of the cost.
  const costLines = [...models, ...agents];
  const share = (line: ModelStats | AgentStats) => `(${formatRate(line.costShare)})`;
  const costWidth = Math.max(0, ...costLines.map((line) => formatCostCell(line).length));
  const shareWidth = Math.max(0, ...costLines.map((line) => share(line).length));
  const cost = (line: ModelStats | AgentStats) =>
    `${formatCostCell(line).padStart(costWidth)} ${share(line).padStart(shareWidth)}`;
  const lines = [
    RULE,
    `📊 TOKEN USAGE SUMMARY${options.subject === undefined ? '' : ` for ${options.subject}`}`,
    RULE,
    `Total Analysis Time: ${formatDuration(totals.wallTimeMs)}`,
    `Total LLM Calls: ${formatCount(totals.calls)}`,
    `Total Input Tokens: ${formatCount(totals.tokens.input)}`,
    `Total Output Tokens: ${formatCount(totals.tokens.output)}`,
    `Total Tokens: ${formatCount(totals.tokens.total)}`,
    `Total Cost: ${totalCost(totals)}${costCaveat(totals)}`,
    `Failures: ${formatCount(totals.failures)} of ${formatCount(totals.calls)} calls (success rate ${formatRate(totals.successRate)})${failedCost(totals)}`,
    `Cache Savings: ${formatUsd(totals.cost.cacheSavings)} (${formatCount(totals.tokens.cacheRead)} cached input tokens)`,
    '',
    '📱 Model Usage:',
    ...models.map(
      (m) =>
        `  ${m.model.padEnd(width)} | ${formatCount(m.tokens.total).padStart(modelTokensWidth)} tokens | ${String(m.calls).padStart(2)} calls | ${cost(m)} | agents: ${m.agents.length === 0 ? NO_AGENT : m.agents.join(', ')}`,
    ),
    '',
    '🤖 Agent Usage:',
    ...agents.map(
      (a) =>
        `  ${(a.agent ?? NO_AGENT).padEnd(width)} | ${formatCount(a.tokens.total).padStart(agentTokensWidth)} tokens | ${String(a.calls).padStart(2)} calls | ${cost(a)}`,
    ),
    RULE,
  ];
  return lines.join('\n');
}

function sortLines<T extends ModelStats | AgentStats>(
  items: readonly T[],
  name: (item: T) => string,
  order: 'first-use' | 'cost' | 'volume',
): T[] {
  if (order === 'volume') return [...items].sort(byVolume(name));
  if (order === 'cost') return [...items].sort(byCost(name));
  return [...items].sort((a, b) =>
    byFirstUse({ firstTime: a.firstTime, name: name(a) }, { firstTime: b.firstTime, name: name(b) }),
  );
}

/** What the failed calls were billed, when they were: money that bought no answer. */
function failedCost(totals: Summary): string {
  return totals.cost.failed > 0 ? `, ${formatUsd(totals.cost.failed)} spent on them` : '';
}

/** `n/a` when no call with usage had a price: $0.00 would claim they were free. */
function totalCost(totals: Summary): string {
  const priced = totals.calls - totals.unpricedCalls;
  return priced === 0 && unpricedWithUsage(totals) > 0 ? 'n/a' : formatUsd(totals.cost.total);
}

/**
 * Why the cost may be short: calls that had usage but no known price. Calls with no usage at
 * all (failed before an answer) cost nothing to report and are told apart.
 */
function costCaveat(totals: Summary): string {
  const unpriced = unpricedWithUsage(totals);
  if (unpriced === 0) return '';
  return ` (${formatCount(unpriced)} ${unpriced === 1 ? 'call' : 'calls'} with usage but no known price, not included)`;
}
