/**
 * Work a batch does while its first calls wait for their answers. Once `concurrency` calls have
 * started, the process has nothing to do for a provider's latency (100 ms and more); loading
 * what recording an answer needs (the price catalog and the target's price, the event ids' ulid
 * and node:crypto: ~4 ms at the first answer, which held up the whole first wave) fits in that wait
 * instead of delaying the first answers. (zod is not among them: the ledger's checks load it
 * only to explain a refusal.)
 *
 * @module
 */
import { loadCrypto, loadUlid } from '../../lazy/index.js';
import type { RecordingLedger } from '../../ledger/index.js';

/**
 * Runs `work` after the calls started in this turn of the event loop are on the wire: two
 * setImmediate hops, so that one poll phase (where their sockets connect and the requests are
 * written) runs first.
 */
export function afterRequestsSent(work: () => void): void {
  setImmediate(() => setImmediate(work));
}

/** Loads, once the first calls are sent, what recording their answers will need. */
export function warmUpRecording(ledger: RecordingLedger, target: { provider: string; model: string }): void {
  afterRequestsSent(() => {
    ledger.pricer.lookup(target);
    loadUlid();
    loadCrypto();
  });
}
