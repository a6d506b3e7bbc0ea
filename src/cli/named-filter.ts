/**
 * The names a read command is given (`--model`, `--agent`, `--run`, compare's models),
 * checked against the ledger before it answers: a name nobody recorded is an error that says
 * so and suggests the close ones (a zero report would look like "nothing happened"); a model
 * named without its date finds its one dated version.
 *
 * @module
 */
import { closeNames, datedVersions, isRecordedName, recordedNames, type NamedDimension } from '../analytics/index.js';
import { ValidationError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import type { Filter } from '../types/index.js';

/** Where a note goes (a matched dated version): stderr, so that stdout stays the answer. */
export type Note = (line: string) => void;

function unknownName(dimension: NamedDimension, name: string, names: readonly string[]): ValidationError {
  const close = closeNames(name, names);
  const hint =
    close.length > 0
      ? `; close names: ${close.join(', ')}`
      : names.length === 0
        ? ` (no call in it has a ${dimension})`
        : `; tokenledger report --by ${dimension} lists the ${names.length} recorded`;
  return new ValidationError(`no ${dimension} '${name}' in the ledger${hint}`, { field: dimension });
}

/** The recorded name `name` stands for, or a ValidationError saying why there is none. */
export async function resolveRecordedName(
  store: Store,
  dimension: NamedDimension,
  name: string,
  note: Note,
): Promise<string> {
  if (await isRecordedName(store, dimension, name)) return name;
  const names = await recordedNames(store, dimension);
  if (dimension === 'model') {
    const dated = datedVersions(name, names);
    if (dated.length === 1 && dated[0] !== undefined) {
      note(`${name}: the ledger has it as ${dated[0]}`);
      return dated[0];
    }
    if (dated.length > 1)
      throw new ValidationError(
        `model '${name}' is recorded only under dated versions, several of them: ${dated.join(', ')}; name one`,
        { field: 'model' },
      );
  }
  throw unknownName(dimension, name, names);
}

/** The filter with its model, agent and run each resolved (see resolveRecordedName). */
export async function resolveNamedFilter(store: Store, filter: Filter, note: Note): Promise<Filter> {
  const resolved: Filter = { ...filter };
  for (const dimension of ['model', 'agent', 'run'] as const) {
    const name = filter[dimension];
    if (name === undefined) continue;
    resolved[dimension] =
      typeof name === 'string'
        ? await resolveRecordedName(store, dimension, name, note)
        : await Promise.all(name.map((one) => resolveRecordedName(store, dimension, one, note)));
  }
  return resolved;
}
