/** A store wrapper that can be switched down or poisoned, counting inserts; and a controllable clock. */
import { StoreError } from '#src/errors/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';

export interface FlakyStore extends Store {
  down: boolean;
  insertCalls: number;
  /** Sizes of the batches insert() was given. */
  batches: number[];
  /** When set, insert waits for this promise before answering. */
  gate: Promise<void> | undefined;
  /** Event ids the store refuses for good: a batch holding one fails as a constraint would. */
  poison: Set<string>;
  inner: Store;
}

/** Over `inner` (a fresh memory store when absent). */
export async function flakyStore(given?: Store): Promise<FlakyStore> {
  const inner = given ?? (await openStore('memory:'));
  const flaky: FlakyStore = {
    kind: inner.kind,
    down: false,
    insertCalls: 0,
    batches: [],
    gate: undefined,
    poison: new Set(),
    inner,
    async insert(events: readonly UsageEvent[]) {
      flaky.insertCalls += 1;
      flaky.batches.push(events.length);
      if (flaky.gate !== undefined) await flaky.gate;
      if (flaky.down)
        throw new Error('connect ECONNREFUSED postgres://app:hunter2@127.0.0.1:5432/db (key sk-proj-abcdefghijklmnop)');
      const poisoned = events.find((event) => flaky.poison.has(event.id));
      if (poisoned !== undefined)
        throw new StoreError(`check constraint "no_poison" violated by ${poisoned.id}`, { contentRejected: true });
      return inner.insert(events);
    },
    insertDeadLetters: (letters) => inner.insertDeadLetters(letters),
    deadLetters: (query) => inner.deadLetters(query),
    countDeadLetters: () => inner.countDeadLetters(),
    addPriceData: (entry) => inner.addPriceData(entry),
    priceDataState: () => inner.priceDataState(),
    priceDataText: (id) => inner.priceDataText(id),
    reprice: (changes) => inner.reprice(changes),
    priceHistory: (eventId) => inner.priceHistory(eventId),
    aggregate: (query) => inner.aggregate(query),
    rank: (query) => inner.rank(query),
    events: (query) => inner.events(query),
    event: (id) => inner.event(id),
    traceSpans: (traceIds) => inner.traceSpans(traceIds),
    delete: (filter) => inner.delete(filter),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return flaky;
}

export function manualClock(start = Date.parse('2025-03-01T12:00:00.000Z')): {
  now: () => number;
  advance: (ms: number) => void;
} {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export async function storedIds(store: Store): Promise<string[]> {
  const page = await store.events({ filter: {}, limit: 10_000 });
  return page.events.map((e) => e.id).sort();
}
