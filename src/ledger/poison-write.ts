/**
 * One store write that a poison event cannot block. When the store refuses a batch because of
 * what one event holds (`StoreError.contentRejected`: a constraint, an encoding, a value out of
 * range), retrying the batch would fail forever and hold every later event back. The batch is
 * split in halves until the events at fault stand alone (about 2·log2(n) inserts for one in n);
 * each goes to the store's dead-letter table with its reason and the rest is written. Any other
 * error (the connection, a lock, a full disk) is thrown as it is: the caller keeps the events
 * and retries them later.
 *
 * @module
 */
import { StoreError } from '../errors/index.js';
import type { DeadLetter, Store } from '../store/index.js';
import type { UsageEvent } from '../types/index.js';
import { cleanText, cutText } from './validate.js';
import { describeStoreError } from './store-error-text.js';

/** What one write did. */
export interface PoisonSafeWrite {
  /** Events written now (ids new to the store). */
  added: number;
  /** Events the store refused for good, now in its dead-letter table. */
  deadLettered: DeadLetter[];
}

/** A dead letter's reason is the store's error, redacted, storable and at most this long. */
const MAX_REASON_LENGTH = 2000;

export function isContentRejected(error: unknown): boolean {
  return error instanceof StoreError && error.contentRejected;
}

/** Inserts `events`; events the store refuses for good are dead-lettered and the rest written. */
export async function writeSparingPoison(
  store: Store,
  events: readonly UsageEvent[],
  now: () => number,
): Promise<PoisonSafeWrite> {
  try {
    return { added: await store.insert(events), deadLettered: [] };
  } catch (error) {
    if (!isContentRejected(error) || events.length === 0) throw error;
    if (events.length === 1) {
      const event = events[0]!;
      const reason = cutText(cleanText(describeStoreError(error)), MAX_REASON_LENGTH);
      const letter: DeadLetter = { id: event.id, time: new Date(now()).toISOString(), reason, event };
      await store.insertDeadLetters([letter]);
      return { added: 0, deadLettered: [letter] };
    }
    const middle = Math.ceil(events.length / 2);
    const first = await writeSparingPoison(store, events.slice(0, middle), now);
    const second = await writeSparingPoison(store, events.slice(middle), now);
    return { added: first.added + second.added, deadLettered: [...first.deadLettered, ...second.deadLettered] };
  }
}
