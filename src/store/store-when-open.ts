/**
 * A store to hand out before it is open: every call waits for the open, then goes to the store
 * it gave (or rejects with what the open threw). `tokenledger batch` uses it to open its ledger
 * while the first calls wait for their answers: opening SQLite (the binding, the migrations)
 * takes some 100 ms on a slow machine, which before it added to the batch's makespan.
 *
 * @module
 */
import type { Store } from './store.js';

type StoreMethod = Exclude<keyof Store, 'kind' | 'checkpoint'>;

/** A Store of `kind` whose calls wait for `opening`. A failed open is the caller's to report: it is not left unhandled here. */
export function storeWhenOpen(kind: Store['kind'], opening: Promise<Store>): Store {
  opening.catch(() => undefined);
  const forward =
    <K extends StoreMethod>(name: K) =>
    async (...args: Parameters<Store[K]>): Promise<Awaited<ReturnType<Store[K]>>> => {
      const store = await opening;
      return (store[name] as (...callArgs: Parameters<Store[K]>) => Promise<Awaited<ReturnType<Store[K]>>>)(...args);
    };
  return {
    kind,
    insert: forward('insert'),
    aggregate: forward('aggregate'),
    rank: forward('rank'),
    events: forward('events'),
    event: forward('event'),
    traceSpans: forward('traceSpans'),
    insertDeadLetters: forward('insertDeadLetters'),
    deadLetters: forward('deadLetters'),
    countDeadLetters: forward('countDeadLetters'),
    addPriceData: forward('addPriceData'),
    priceDataState: forward('priceDataState'),
    priceDataText: forward('priceDataText'),
    reprice: forward('reprice'),
    priceHistory: forward('priceHistory'),
    delete: forward('delete'),
    ping: forward('ping'),
    checkpoint: async () => {
      const store = await opening;
      await store.checkpoint?.();
    },
    close: forward('close'),
  };
}
