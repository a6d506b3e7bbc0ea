/**
 * The one filter every query takes (library, store, API, CLI, dashboard).
 *
 * @module
 */
import type { EventStatus } from './event.js';

/** One value, or several: a call matches when its value is any of them (none: nothing matches). */
export type FilterValues = string | readonly string[];

export interface Filter {
  /** Inclusive lower bound on event time. */
  from?: Date;
  /** Exclusive upper bound on event time. */
  to?: Date;
  provider?: FilterValues;
  model?: FilterValues;
  agent?: FilterValues;
  run?: FilterValues;
  status?: EventStatus;
  /** Where the cost's prices came from (`UsageEvent.priceSource`: `override`, `bundled 0.1.8`, `catalog SHA`...). */
  priceSource?: FilterValues;
  /** Every key must match (any of its values). */
  tags?: Record<string, FilterValues>;
  /** Calls to leave out, after the rest of the filter. */
  exclude?: FilterExclusions;
}

/**
 * Values a call must not have. A call without the field (no agent, no such tag) is not
 * excluded by it: `exclude: { agent: ['a'] }` keeps the calls recorded without an agent.
 */
export interface FilterExclusions {
  provider?: readonly string[];
  model?: readonly string[];
  agent?: readonly string[];
  run?: readonly string[];
  tags?: Record<string, readonly string[]>;
}

/** Timeseries bucket width. */
export type Interval = '1m' | '1h' | '1d';
