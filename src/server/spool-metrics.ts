/**
 * The spool on `/metrics`, read from the ledger's stats at each scrape (nothing is counted
 * twice, and an app without a spool shows none of these):
 * `tokenledger_spool_refused_events_total` (events the spool refused: full or disk failing,
 * never stored), `tokenledger_spool_pending_events` and `tokenledger_spool_bytes` (the backlog
 * on its way to the store), `tokenledger_spool_skipped_lines_total` (torn lines skipped at
 * replay), `tokenledger_spool_refusing` (1 while refusing) and `tokenledger_store_failing`
 * (1 while store writes fail).
 *
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LedgerStats } from '../ledger/index.js';

type SpoolStats = NonNullable<LedgerStats['spool']>;

export function registerSpoolMetrics(registry: Registry, stats: () => LedgerStats): void {
  // An app built twice over one registry (tests) keeps the first set.
  if (registry.getSingleMetric('tokenledger_spool_pending_events') !== undefined) return;
  const read = (pick: (spool: SpoolStats) => number) => (): number | undefined => {
    const spool = stats().spool;
    return spool === undefined ? undefined : pick(spool);
  };
  counter(
    registry,
    'tokenledger_spool_refused_events_total',
    'Events the spool refused (full or disk failing): served, never stored.',
    read((s) => s.refused),
  );
  counter(
    registry,
    'tokenledger_spool_skipped_lines_total',
    'Spool lines skipped when read (torn by a kill mid-write).',
    read((s) => s.skippedLines),
  );
  gauge(
    registry,
    'tokenledger_spool_pending_events',
    'Events in the spool not yet stored.',
    read((s) => s.pending),
  );
  gauge(
    registry,
    'tokenledger_spool_bytes',
    'Bytes the spool holds on disk.',
    read((s) => s.bytes),
  );
  gauge(
    registry,
    'tokenledger_spool_refusing',
    '1 while the spool refuses events.',
    read((s) => (s.state === 'ok' ? 0 : 1)),
  );
  gauge(
    registry,
    'tokenledger_store_failing',
    '1 while store writes fail (the spool holds the backlog).',
    read((s) => (s.storeFailing ? 1 : 0)),
  );
}

function counter(registry: Registry, name: string, help: string, value: () => number | undefined): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const current = value();
      if (current === undefined) return;
      this.reset();
      this.inc(current);
    },
  });
}

function gauge(registry: Registry, name: string, help: string, value: () => number | undefined): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const current = value();
      if (current !== undefined) this.set(current);
    },
  });
}
