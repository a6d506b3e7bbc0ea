/**
 * Per model: tokens, calls, cost, timing, and the agents that used it.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter, ModelStats, UsageStats } from '../types/index.js';
import { byCost, byFirstUse, statsFromRow, withCostShares } from './stats.js';

/**
 * One entry per model (as answered by the provider), most expensive first, each with its share
 * of the cost.
 *
 * @example
 * for (const m of await byModel(store, { run: 'AAPL' })) console.log(m.model, m.calls, m.agents);
 */
export async function usageByModel(store: Store, filter: Filter = {}): Promise<ModelStats[]> {
  const [rows, pairs] = await Promise.all([
    statsPerModel(store, filter),
    // Only the pairs' names and first use are read: their percentiles would cost a histogram read.
    store.aggregate({ filter, groupBy: ['model', 'agent'], percentiles: false }),
  ]);
  const agents = new Map<string, { name: string; firstTime: string | null }[]>();
  for (const pair of pairs) {
    const model = pair.key.model ?? '';
    const agent = pair.key.agent;
    if (agent === null || agent === undefined) continue;
    const list = agents.get(model) ?? [];
    list.push({ name: agent, firstTime: pair.firstTime ?? null });
    agents.set(model, list);
  }
  const models = [...rows].map(([model, stats]) => {
    const used = (agents.get(model) ?? []).sort(byFirstUse).map((a) => a.name);
    return { model, agents: used, ...stats };
  });
  return withCostShares(models).sort(byCost((m) => m.model));
}

/**
 * Every model's figures under a filter, from one query grouped by model: what `report --by
 * model` and `compare` both read, so a model's p50 (and whether it is approximate: the store
 * decides that per query, by how many values the whole query holds) is the same in both.
 */
export async function statsPerModel(store: Store, filter: Filter): Promise<Map<string, UsageStats>> {
  const rows = await store.aggregate({ filter, groupBy: ['model'] });
  return new Map(rows.map((row) => [row.key.model ?? '', statsFromRow(row)]));
}
