/**
 * Totals plus every breakdown in one answer.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter, Overview } from '../types/index.js';
import { agentModel } from './agent-model.js';
import { byAgent } from './by-agent.js';
import { byModel } from './by-model.js';
import { summary } from './summary.js';

/** Summary, per model, per agent and agent x model for one filter (what `GET /analytics/tokens` returns). */
export async function overview(store: Store, filter: Filter = {}): Promise<Overview> {
  const [totals, models, agents, agentModels] = await Promise.all([
    summary(store, filter),
    byModel(store, filter),
    byAgent(store, filter),
    agentModel(store, filter),
  ]);
  return { summary: totals, models, agents, agentModels };
}
