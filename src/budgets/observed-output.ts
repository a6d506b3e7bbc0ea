/**
 * What an adaptive budget holds: a high percentile of the output its calls of one model really
 * produced. Each budget keeps, per model, the output counts of its last completed calls (a
 * window of the most recent ones, so that the percentile follows a change of prompts); the
 * percentile is read by nearest rank from a sorted copy kept beside the ring.
 *
 * The bound, and why it holds: every admission checks `spent + held + hold <= cap`. Take the
 * last call A admitted in a window; nothing is admitted after it, so the window ends at
 * `spent(A) + sum(real)` over the calls in flight when A was admitted (A included), while the
 * check gave `spent(A) + sum(hold) <= cap`. So the spend ends at most
 * `sum(real - hold) <= sum(worst - hold)` above the cap, over those calls: at most the calls in
 * flight at once times the largest (worst case - hold). A strict budget holds the worst case,
 * so its bound is 0. Both assume a call's real amount stays within its worst case (a call that
 * names `max_tokens`; one that does not can outrun the default in either mode).
 *
 * Observations are kept in the process that settles the calls (each gateway instance, each
 * client learns its own); a process that starts holds the worst case until it has seen
 * `minObservations` calls of a model. The bound does not depend on what was observed.
 *
 * @module
 */

/** Output counts kept per budget and model: the most recent ones. */
export const OBSERVATION_WINDOW = 1000;

class OutputWindow {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private next = 0;

  add(tokens: number): void {
    if (this.ring.length < OBSERVATION_WINDOW) this.ring.push(tokens);
    else {
      const oldest = this.ring[this.next] ?? 0;
      this.ring[this.next] = tokens;
      this.next = (this.next + 1) % OBSERVATION_WINDOW;
      this.sorted.splice(lowerBound(this.sorted, oldest), 1);
    }
    this.sorted.splice(lowerBound(this.sorted, tokens), 0, tokens);
  }

  get count(): number {
    return this.sorted.length;
  }

  /** Nearest rank: the smallest count at least `percentile`% of the observations do not exceed. */
  percentile(percentile: number): number | undefined {
    if (this.sorted.length === 0) return undefined;
    const rank = Math.ceil((percentile / 100) * this.sorted.length);
    return this.sorted[Math.min(this.sorted.length, Math.max(1, rank)) - 1];
  }
}

function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The output observed per (budget, model). */
export class ObservedOutput {
  private readonly windows = new Map<string, OutputWindow>();

  /** Counts a completed call's output tokens for the budget and model. */
  observe(budget: string, model: string, outputTokens: number): void {
    if (!Number.isInteger(outputTokens) || outputTokens < 0) return;
    const key = keyOf(budget, model);
    let window = this.windows.get(key);
    if (window === undefined) {
      window = new OutputWindow();
      this.windows.set(key, window);
    }
    window.add(outputTokens);
  }

  /** The percentile of the output observed, once `minObservations` calls were seen; else undefined (hold the worst case). */
  held(budget: string, model: string, percentile: number, minObservations: number): number | undefined {
    const window = this.windows.get(keyOf(budget, model));
    if (window === undefined || window.count < minObservations) return undefined;
    return window.percentile(percentile);
  }

  /** Calls observed for the budget and model. */
  count(budget: string, model: string): number {
    return this.windows.get(keyOf(budget, model))?.count ?? 0;
  }
}

const keyOf = (budget: string, model: string) => `${budget}\u0000${model}`;
