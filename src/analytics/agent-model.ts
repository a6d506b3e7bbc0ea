/**
 * Agent x model: which agent spent what on which model.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { AgentModelStats, Filter } from '../types/index.js';
import { byVolume, compareNames, statsFromRow } from './stats.js';

/** One entry per (agent, model) pair, ordered by agent name, then largest token total first. */
export async function usageByAgentModel(store: Store, filter: Filter = {}): Promise<AgentModelStats[]> {
  const rows = await store.aggregate({ filter, groupBy: ['agent', 'model'] });
  const volume = byVolume<AgentModelStats>((p) => p.model);
  return rows
    .map((row) => ({ agent: row.key.agent ?? null, model: row.key.model ?? '', ...statsFromRow(row) }))
    .sort((a, b) => compareNames(a.agent, b.agent) || volume(a, b));
}
