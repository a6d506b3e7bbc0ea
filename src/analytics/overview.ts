/**
 * Totals plus every breakdown in one answer.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter, Overview } from '../types/index.js';
import { usageByAgentModel } from './agent-model.js';
import { usageByAgent } from './by-agent.js';
import { usageByModel } from './by-model.js';
import { summarizeUsage } from './summary.js';

/** Summary, per model, per agent and agent x model for one filter (what `GET /analytics/tokens` returns). */
export async function usageOverview(store: Store, filter: Filter = {}): Promise<Overview> {
  const [totals, models, agents, agentModels] = await Promise.all([
    summarizeUsage(store, filter),
    usageByModel(store, filter),
    usageByAgent(store, filter),
    usageByAgentModel(store, filter),
  ]);
  return { summary: totals, models, agents, agentModels };
}
