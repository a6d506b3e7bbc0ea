/**
 * Agent x model: which agent spent what on which model.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { AgentModelStats, Filter } from '../types/index.js';
import { byCost, compareNames, statsFromRow, withCostShares } from './stats.js';

/** One entry per (agent, model) pair, ordered by agent name, then most expensive first; shares are of the whole cost. */
export async function usageByAgentModel(store: Store, filter: Filter = {}): Promise<AgentModelStats[]> {
  const rows = await store.aggregate({ filter, groupBy: ['agent', 'model'] });
  const cost = byCost<AgentModelStats>((p) => p.model);
  const pairs = rows.map((row) => ({ agent: row.key.agent ?? null, model: row.key.model ?? '', ...statsFromRow(row) }));
  return withCostShares(pairs).sort((a, b) => compareNames(a.agent, b.agent) || cost(a, b));
}
