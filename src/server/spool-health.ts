/**
 * The spool's part of `/healthz` (health-state.ts): `spool_refusing` while the spool refuses
 * events (full, or its disk failing), `store_failing` while store writes fail and the spool's
 * backlog waits for the store. Probes of the ledger's stats: a ledger without a spool has neither.
 *
 * @module
 */
import type { RecordingLedger } from '../ledger/index.js';
import type { HealthState } from './health-state.js';

export function watchSpool(health: HealthState, ledger: RecordingLedger): void {
  health.watch('spool_refusing', () => {
    const spool = ledger.stats().spool;
    if (spool === undefined || spool.state === 'ok') return undefined;
    return `${spool.reason ?? `spool ${spool.state}`}; ${spool.refused} events refused`;
  });
  health.watch('store_failing', () => {
    const spool = ledger.stats().spool;
    if (spool === undefined || !spool.storeFailing || spool.pending === 0) return undefined;
    return `store writes failing; ${spool.pending} events wait in the spool (${spool.bytes} bytes)`;
  });
}
