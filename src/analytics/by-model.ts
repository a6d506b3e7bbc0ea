/**
 * Per model: tokens, calls, cost, timing, and the agents that used it.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter, ModelStats } from '../types/index.js';
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
    store.aggregate({ filter, groupBy: ['model'] }),
    store.aggregate({ filter, groupBy: ['model', 'agent'] }),
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
  const models = rows.map((row) => {
    const model = row.key.model ?? '';
    const used = (agents.get(model) ?? []).sort(byFirstUse).map((a) => a.name);
    return { model, agents: used, ...statsFromRow(row) };
  });
  return withCostShares(models).sort(byCost((m) => m.model));
}
