/**
 * Event ids: ULIDs (sortable by time, monotonic within the process), made by the ledger for
 * what it records and by the gateway, which names a call's event to its caller before the
 * event is written (`x-tokenledger-event-id`).
 *
 * @module
 */
import { loadCrypto, loadUlid } from '../lazy/index.js';

const POOL_BYTES = 4096;

/**
 * The randomness ulid takes, as its default makes it (a CSPRNG byte / 256 per character), but
 * drawn 4 KiB at a time: the default asks for one byte per call, 16 calls per id, which made
 * ids a visible part of recording a batch's answers.
 */
function pooledRandom(): () => number {
  const pool = new Uint8Array(POOL_BYTES);
  const { randomFillSync } = loadCrypto();
  let next = POOL_BYTES;
  return () => {
    if (next === POOL_BYTES) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

/**
 * A generator of new event ids on `clock` (ms since the epoch). ulid and node:crypto load with
 * the first id, not with the ledger (some 5 ms a fresh process spent before a batch's first call).
 */
export function createEventIds(clock: () => number = Date.now): () => string {
  let ulid: ((seedTime: number) => string) | undefined;
  return () => {
    ulid ??= loadUlid().monotonicFactory(pooledRandom());
    return ulid(clock());
  };
}
