/**
 * A budget's definition: a cap on a scope over a window. Config (the file) and the admin API
 * produce these; src/budgets enforces them. Money is integer nano-dollars, as everywhere.
 *
 * @module
 */

/** What a cap counts: USD (held and settled in integer nano-dollars) or tokens (input + output). */
export type BudgetUnit = 'usd' | 'tokens';

/**
 * The time a budget's spend is summed over. Windows are keys of time buckets, so nothing resets
 * anything: a new day is a new key.
 * - `day`, `week` (ISO, from Monday), `month`: calendar periods in `timeZone` (an IANA name, or `UTC`);
 * - `rolling`: the last `hours` whole hours, the current one included (hour buckets);
 * - `lifetime`: one bucket forever (prepaid; top-ups raise the cap).
 */
export type BudgetWindow =
  | { kind: 'day' | 'week' | 'month'; timeZone: string }
  | { kind: 'rolling'; hours: number }
  | { kind: 'lifetime' };

/**
 * Which calls a budget applies to: every field given must match the call (absent = any), so `{}`
 * is everything and `{ agent, model }` is a combination. `tags` match key by key.
 */
export interface BudgetScope {
  /** A gateway key's name. */
  key?: string;
  agent?: string;
  run?: string;
  /** Canonical provider id (`google`, not `gemini`). */
  provider?: string;
  /** The requested model id. */
  model?: string;
  /** Tag values the call must carry, e.g. `{ team: 'quant' }` (users and sessions are tags). */
  tags?: Readonly<Record<string, string>>;
}

/** What the store does when it cannot answer in time: refuse (503) or admit without a hold. */
export type BudgetFailureMode = 'closed' | 'open';

/**
 * How much output a call holds. `strict`: its worst case (the cap is never exceeded).
 * `adaptive`: a high percentile of the output this budget observed for the call's model, once
 * it has `minObservations` of them (the worst case until then), never above the worst case. An
 * adaptive budget can end a window above its cap, by at most the sum of (worst case - hold)
 * over the calls in flight at its last admission (src/budgets/observed-output.ts).
 */
export type BudgetMode =
  | { kind: 'strict' }
  | {
      kind: 'adaptive';
      /** The percentile of observed output held, in (0, 100]. @default 99 */
      percentile: number;
      /** Completed calls of a model seen before their percentile is held. @default 20 */
      minObservations: number;
    };

export interface BudgetSpec {
  /** Unique name; named in refusals and headers. */
  name: string;
  unit: BudgetUnit;
  /** The cap: nano-dollars for `usd`, tokens for `tokens`. */
  cap: number;
  scope: BudgetScope;
  window: BudgetWindow;
  /**
   * Output tokens held when the request names no `max_tokens` and the catalog knows no bound
   * for the model. @default 4096
   */
  defaultMaxOutputTokens: number;
  /**
   * Per-call hold (nano-dollars) for a model with no known price. Absent: a strict USD budget
   * refuses such calls, since their worst case cannot be priced.
   */
  unpricedHoldNanos?: number;
  /** @default 'closed' */
  failureMode: BudgetFailureMode;
  /** Absent: strict. */
  mode?: BudgetMode;
  /** How long a hold lives without renewal; a crashed holder's holds lapse after it. @default 60000 */
  leaseMs: number;
  /** A paused budget neither holds nor refuses. */
  paused: boolean;
  /** Soft thresholds, each sent once per window when the settled spend reaches it. */
  alerts?: BudgetAlertSpec;
}

export interface BudgetAlertSpec {
  /** Percent of the cap, ascending (e.g. 50, 80, 95, 100). */
  thresholds: readonly number[];
  /** Where alerts are POSTed (JSON with a Slack-compatible `text`): a URL or an `env:NAME` reference to one. */
  webhook?: string;
}
