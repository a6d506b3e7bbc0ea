/**
 * Event ids: ULIDs (sortable by time, monotonic within the process), made by the ledger for
 * what it records and by the gateway, which names a call's event to its caller before the
 * event is written (`x-tokenledger-event-id`).
 *
 * @module
 */
import { monotonicFactory } from 'ulid';

/** A generator of new event ids on `clock` (ms since the epoch). */
export function createEventIds(clock: () => number = Date.now): () => string {
  const ulid = monotonicFactory();
  return () => ulid(clock());
}
