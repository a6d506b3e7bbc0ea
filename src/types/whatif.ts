/**
 * What-if reports: the calls of one model priced on another (src/analytics/whatif.ts computes
 * them; the CLI, the API and the dashboard show them).
 */

/** `from` priced as `to` (the target's provider is inferred from its name unless given). */
export interface ModelSwap {
  from: string;
  to: string;
  toProvider?: string;
}

export interface WhatIfFigures {
  /** Calls of the swapped models that matched the filter. */
  calls: number;
  /** Calls priced on both sides: the sums below cover these. */
  comparedCalls: number;
  /** What the compared calls cost, USD. */
  actualUsd: number;
  /** What they would have cost on the target models, USD. */
  whatIfUsd: number;
  /** `whatIfUsd - actualUsd`: negative is a saving. */
  differenceUsd: number;
  /** `whatIfUsd / actualUsd`, null when the actual cost is 0. */
  ratio: number | null;
}

export interface WhatIfModelLine extends WhatIfFigures {
  model: string;
  as: string;
  /** Calls left out, and why (the first reason met), when some could not be priced. */
  uncompared?: { calls: number; reason: string };
}

export interface WhatIfReport {
  swaps: ModelSwap[];
  totals: WhatIfFigures;
  byModel: WhatIfModelLine[];
  /** Most expensive first (actual cost). */
  byAgent: (WhatIfFigures & { agent: string | null })[];
  byRun: (WhatIfFigures & { run: string | null })[];
}
