/**
 * Per agent: tokens, calls, cost, timing, and the models it used.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { AgentStats, Filter } from '../types/index.js';
import { byCost, byFirstUse, statsFromRow, withCostShares } from './stats.js';

/**
 * One entry per agent, most expensive first, each with its share of the cost; calls recorded
 * without an agent are grouped under `agent: null`.
 */
export async function usageByAgent(store: Store, filter: Filter = {}): Promise<AgentStats[]> {
  const [rows, pairs] = await Promise.all([
    store.aggregate({ filter, groupBy: ['agent'] }),
    // Only the pairs' names and first use are read: their percentiles would cost a histogram read.
    store.aggregate({ filter, groupBy: ['agent', 'model'], percentiles: false }),
  ]);
  const models = new Map<string | null, { name: string; firstTime: string | null }[]>();
  for (const pair of pairs) {
    const agent = pair.key.agent ?? null;
    const list = models.get(agent) ?? [];
    list.push({ name: pair.key.model ?? '', firstTime: pair.firstTime ?? null });
    models.set(agent, list);
  }
  const agents = rows.map((row) => {
    const agent = row.key.agent ?? null;
    const used = (models.get(agent) ?? []).sort(byFirstUse).map((m) => m.name);
    return { agent, models: used, ...statsFromRow(row) };
  });
  return withCostShares(agents).sort(byCost((a) => a.agent));
}
