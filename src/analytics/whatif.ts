/**
 * What if: the same calls, priced on another model. Each stored call of a swapped model is
 * priced again, call by call, with its own recorded usage, at its own time, on the target
 * model's prices (tiers are picked per call, as the provider would). Cache reads are priced as
 * cache reads where the target prices them, else as input (the pricer's rule), so a target
 * without caching is not flattered.
 *
 * Only calls both sides can price count in the sums (so the difference compares like with
 * like); the others are counted apart, with the reason seen most.
 *
 * @module
 */
import type { Pricer } from '../pricing/index.js';
import type { Store } from '../store/index.js';
import type { Filter, ModelSwap, UsageEvent, WhatIfFigures, WhatIfModelLine, WhatIfReport } from '../types/index.js';
import { nanosToUsd } from '../units/index.js';

/** Sums in integer nano-dollars while adding up; USD only in the answer. */
interface Tally {
  calls: number;
  compared: number;
  actualNanos: number;
  whatIfNanos: number;
}

const emptyTally = (): Tally => ({ calls: 0, compared: 0, actualNanos: 0, whatIfNanos: 0 });

function figures(tally: Tally): WhatIfFigures {
  return {
    calls: tally.calls,
    comparedCalls: tally.compared,
    actualUsd: nanosToUsd(tally.actualNanos),
    whatIfUsd: nanosToUsd(tally.whatIfNanos),
    differenceUsd: nanosToUsd(tally.whatIfNanos - tally.actualNanos),
    ratio: tally.actualNanos === 0 ? null : tally.whatIfNanos / tally.actualNanos,
  };
}

/** Events per store page while walking the calls. */
const PAGE = 1000;

async function* callsOf(store: Store, filter: Filter): AsyncGenerator<UsageEvent> {
  let cursor: string | undefined;
  do {
    const page = await store.events({ filter, limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
    yield* page.events;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/** The model a swap prices on, as the pricer takes it. */
function targetOf(swap: ModelSwap): { model: string; provider?: string } {
  return { model: swap.to, ...(swap.toProvider === undefined ? {} : { provider: swap.toProvider }) };
}

/** The first swap whose target has no known price (asking for it would only print n/a). */
export function unpricedSwap(pricer: Pricer, swaps: readonly ModelSwap[]): ModelSwap | undefined {
  return swaps.find((swap) => pricer.lookup(targetOf(swap)) === undefined);
}

/** The target's cost of one call, in nanos, or why there is none. */
function targetNanos(pricer: Pricer, swap: ModelSwap, event: UsageEvent): number | string {
  const priced = pricer.price({ ...targetOf(swap), usage: event.usage, time: new Date(event.time) });
  return priced.cost === null ? `${swap.to}: ${priced.reason ?? 'no price'}` : priced.cost.totalNanos;
}

function add(tallies: Map<string | null, Tally>, key: string | null, actual: number | null, whatIf: number | null) {
  let tally = tallies.get(key);
  if (tally === undefined) {
    tally = emptyTally();
    tallies.set(key, tally);
  }
  tally.calls += 1;
  if (actual === null || whatIf === null) return;
  tally.compared += 1;
  tally.actualNanos += actual;
  tally.whatIfNanos += whatIf;
}

/** Most expensive first; equal costs by name, so that the order does not depend on call order. */
const byActualCost =
  <T extends WhatIfFigures>(name: (line: T) => string | null) =>
  (a: T, b: T): number =>
    b.actualUsd - a.actualUsd || (name(a) ?? '').localeCompare(name(b) ?? '');

/**
 * Prices the calls of each swapped model matching `filter` on its target.
 *
 * @example
 * await whatIf(store, pricer, [{ from: 'gemini-2.5-pro', to: 'gemini-2.5-flash' }], { run: 'r1' });
 */
export async function whatIf(
  store: Store,
  pricer: Pricer,
  swaps: readonly ModelSwap[],
  filter: Filter = {},
): Promise<WhatIfReport> {
  const total = new Map<string | null, Tally>();
  const agents = new Map<string | null, Tally>();
  const runs = new Map<string | null, Tally>();
  const byModel: WhatIfModelLine[] = [];
  for (const swap of swaps) {
    const model = new Map<string | null, Tally>();
    let reason: string | undefined;
    for await (const event of callsOf(store, { ...filter, model: swap.from })) {
      const actual = event.cost?.totalNanos ?? null;
      const target = targetNanos(pricer, swap, event);
      const whatIfNanos = typeof target === 'number' ? target : null;
      if (actual === null) reason ??= `${swap.from}: ${event.costUnavailableReason ?? 'no cost recorded'}`;
      else if (typeof target === 'string') reason ??= target;
      for (const [tallies, key] of [
        [total, null],
        [model, null],
        [agents, event.agent ?? null],
        [runs, event.run ?? null],
      ] as const) {
        add(tallies, key, actual, whatIfNanos);
      }
    }
    const tally = model.get(null) ?? emptyTally();
    const line: WhatIfModelLine = { model: swap.from, as: swap.to, ...figures(tally) };
    if (tally.compared < tally.calls) line.uncompared = { calls: tally.calls - tally.compared, reason: reason ?? '' };
    byModel.push(line);
  }
  return {
    swaps: swaps.map((swap) => ({ ...swap })),
    totals: figures(total.get(null) ?? emptyTally()),
    byModel,
    byAgent: [...agents]
      .map(([agent, tally]) => ({ agent, ...figures(tally) }))
      .sort(byActualCost((line) => line.agent)),
    byRun: [...runs].map(([run, tally]) => ({ run, ...figures(tally) })).sort(byActualCost((line) => line.run)),
  };
}

/** Reads `FROM=TO` (TO may be `provider:model`); a ValidationError-worthy reason otherwise. */
export function parseModelSwap(text: string): ModelSwap | string {
  const at = text.indexOf('=');
  if (at <= 0 || at === text.length - 1) return `expected FROM=TO (a recorded model = a priced model), got "${text}"`;
  const from = text.slice(0, at).trim();
  const target = text.slice(at + 1).trim();
  const colon = target.indexOf(':');
  if (colon > 0) return { from, to: target.slice(colon + 1), toProvider: target.slice(0, colon) };
  return { from, to: target };
}
