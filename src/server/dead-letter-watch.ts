/**
 * Dead letters on `/metrics` and `/healthz`: `tokenledger_dead_letters_total` counts the events
 * this process dead-lettered (read from the ledger's stats at each scrape), and the server is
 * degraded (`dead_letters`) for `RECENT_MS` after the last one, with a reason naming how many
 * and where to read them. A time window rather than "until acknowledged": nothing in the
 * server would acknowledge them, and an alert on the counter's increase says the same for good.
 *
 * @module
 */
import { Counter, type Registry } from 'prom-client';
import type { LedgerStats } from '../ledger/index.js';
import type { HealthState } from './health-state.js';

/** How long `/healthz` stays degraded after the last dead letter. */
export const DEAD_LETTERS_RECENT_MS = 15 * 60_000;

export function watchDeadLetters(health: HealthState, stats: () => LedgerStats, now: () => number = Date.now): void {
  health.watch('dead_letters', () => {
    const { deadLettered, lastDeadLetterAt } = stats();
    if (lastDeadLetterAt === undefined || now() - lastDeadLetterAt > DEAD_LETTERS_RECENT_MS) return undefined;
    return `${deadLettered} events refused by the store for good and dead-lettered, the last at ${new Date(lastDeadLetterAt).toISOString()}; GET /v1/dead-letters or \`tokenledger dead-letters\` lists them`;
  });
}

export function registerDeadLetterMetrics(registry: Registry, stats: () => LedgerStats): void {
  // An app built twice over one registry (tests) keeps the first.
  if (registry.getSingleMetric('tokenledger_dead_letters_total') !== undefined) return;
  new Counter({
    name: 'tokenledger_dead_letters_total',
    help: 'Events the store refused for good (constraint, encoding, range), dead-lettered by this process.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats().deadLettered);
    },
  });
}
