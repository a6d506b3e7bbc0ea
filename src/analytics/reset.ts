/**
 * Removing events (the "reset" of the analytics).
 *
 * @module
 */
import type { Store } from '../store/index.js';
import type { Filter } from '../types/index.js';

/**
 * Deletes every event matching `filter` and returns how many it removed. An empty filter
 * removes everything: callers exposing this (the admin-only API route) must mean it.
 */
export async function deleteEvents(store: Store, filter: Filter): Promise<number> {
  return store.delete(filter);
}
