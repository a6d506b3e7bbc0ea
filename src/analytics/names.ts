/**
 * The names a ledger holds (models, agents, runs), for commands that take one: a name nobody
 * recorded is said so, with the close ones, rather than answered with a zero report; and a
 * model named without its date (`gpt-4o`) finds the dated version the provider answered with
 * (`gpt-4o-2024-08-06`) when there is only one.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter } from '../types/index.js';

export type NamedDimension = 'model' | 'agent' | 'run';

/** Whether any call in the ledger has this name (an indexed count, not a scan of names). */
export async function isRecordedName(store: Store, dimension: NamedDimension, name: string): Promise<boolean> {
  const filter: Filter = { [dimension]: name };
  const rows = await store.aggregate({ filter, groupBy: [], percentiles: false });
  return (rows[0]?.calls ?? 0) > 0;
}

/** Every name recorded for the dimension, sorted. */
export async function recordedNames(store: Store, dimension: NamedDimension): Promise<string[]> {
  const rows = await store.aggregate({ filter: {}, groupBy: [dimension], percentiles: false });
  return rows
    .map((row) => row.key[dimension])
    .filter((name): name is string => typeof name === 'string')
    .sort();
}

/**
 * Date suffixes providers put on a model's versions: OpenAI `-2024-08-06`, Anthropic
 * `-20250929`, Mistral `-2411` (YYMM). Version counters such as Gemini's `-001` are not
 * dates and are left out: they name different models more often than snapshots.
 */
const DATE_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/;

/** The names that are `model` plus a date suffix. */
export function datedVersions(model: string, names: readonly string[]): string[] {
  return names.filter((name) => name.startsWith(model) && DATE_SUFFIX.test(name.slice(model.length)));
}

/** Edit distance (insert, delete, substitute), case-folded. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * Up to `limit` names close to `name`, closest first: those within a third of its length in
 * edits (at least 2), and those that contain it or that it contains, ignoring case.
 */
export function closeNames(name: string, names: readonly string[], limit = 3): string[] {
  const folded = name.toLowerCase();
  const reach = Math.max(2, Math.floor(name.length / 3));
  return names
    .map((candidate) => {
      const other = candidate.toLowerCase();
      // Containment only between names long enough to mean something (not `a` in everything).
      const contains = Math.min(folded.length, other.length) >= 3 && (other.includes(folded) || folded.includes(other));
      return { candidate, score: contains ? 0.5 : distance(name, candidate), contains };
    })
    .filter(({ candidate, score, contains }) => candidate !== name && (contains || score <= reach))
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}
