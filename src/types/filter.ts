/**
 * The one filter every query takes (library, store, API, CLI, dashboard).
 *
 * @module
 */
import type { EventStatus } from './event.js';

export interface Filter {
  /** Inclusive lower bound on event time. */
  from?: Date;
  /** Exclusive upper bound on event time. */
  to?: Date;
  provider?: string;
  model?: string;
  agent?: string;
  run?: string;
  status?: EventStatus;
  /** Every key/value must match. */
  tags?: Record<string, string>;
}

/** Timeseries bucket width. */
export type Interval = '1m' | '1h' | '1d';
