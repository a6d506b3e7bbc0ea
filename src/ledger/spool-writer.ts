/**
 * The ledger's path to the store when a spool is configured (`tokenledger serve`): every event
 * is appended to the local spool first, synchronously, so that it is on disk before the
 * caller's call returns (the gateway answers its last byte after that); a drain then writes
 * the spool into the store in batches, in the background, and replays at start what an earlier
 * process left. The store being slow, locked or down never touches the caller: events wait in
 * the spool (bounded on disk, not in memory) and the drain retries with backoff (100 ms
 * doubling to 30 s).
 *
 * - Fail-open writes (gateway, tracking fetch, client) resolve once spooled.
 * - Durable writes (`failOpen: false`: ingest) are spooled, then inserted at once so the
 *   caller can report what the store kept; when the store fails or does not answer within
 *   `ackWaitMs`, they resolve as `spooled` (durable on disk; the drain stores them): never lost,
 *   never stored twice (ids are stable and inserts idempotent). While the store is failing
 *   (in its backoff) or a direct insert went unanswered, they settle as `spooled` at once.
 * - A poison event (the store refuses its content for good) is dead-lettered and the rest of
 *   its batch stored (poison-write.ts); only other errors keep the batch for a retry.
 * - Durable writes that settle at the spool (`durableAt: 'spool'`: OTLP, whose exporters only
 *   need to know the spans are safe) resolve `spooled` once appended; the drain stores them.
 *
 * @module
 */
import { StoreError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import type { Logger, UsageEvent } from '../types/index.js';
import type { Spool, SpoolStats } from './spool.js';
import { describeStoreError } from './store-error-text.js';
import {
  type DurableAt,
  emptyWriterStats,
  insertCounted,
  type InsertedWrite,
  notStored,
  type WriteResult,
  type WriterStats,
} from './writer.js';

export interface SpoolWriterOptions {
  store: Store;
  spool: Spool;
  logger: Logger;
  clock: () => number;
  /**
   * How long after an append the drain starts, so that events of many calls share one insert.
   * @default 20
   */
  drainDelayMs?: number;
  /**
   * How long a durable write waits for the store before it settles as spooled.
   * @default 2000
   */
  ackWaitMs?: number;
}

/** Writer stats plus the spool's. */
export interface SpoolWriterStats extends WriterStats {
  spool: SpoolStats & {
    /** True while the last store write failed (the backlog waits for the store). */
    storeFailing: boolean;
  };
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 30_000;
const BATCH_EVENTS = 1000;

/** What the drain must not insert again: events a durable write is inserting itself. */
interface DirectWrite {
  stored: boolean;
  /** The drain met the event while the direct insert was in flight. */
  passed: boolean;
}

export class SpoolWriter {
  readonly #store: Store;
  readonly #spool: Spool;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #drainDelayMs: number;
  readonly #ackWaitMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #draining: Promise<void> | undefined;
  #consecutiveFailures = 0;
  /** A direct insert is in flight past `ackWaitMs`: the store does not answer. */
  #unanswered = false;
  #retryAt = 0;
  #stopped = false;
  readonly #direct = new Map<string, DirectWrite>();
  #stats: WriterStats = emptyWriterStats();

  constructor(options: SpoolWriterOptions) {
    this.#store = options.store;
    this.#spool = options.spool;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#drainDelayMs = options.drainDelayMs ?? 20;
    this.#ackWaitMs = options.ackWaitMs ?? 2000;
    // What an earlier process left is replayed now.
    if (this.#spool.stats().pending > 0) this.#schedule(0);
  }

  stats(): SpoolWriterStats {
    const spool = this.#spool.stats();
    return {
      ...this.#stats,
      buffered: spool.pending,
      dropped: spool.refused,
      spool: { ...spool, storeFailing: this.#consecutiveFailures > 0 },
    };
  }

  /** Stops the drain timer and closes the open segment (what is spooled stays for the next start). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#spool.close();
  }

  /**
   * Spools the events (synchronously, before this returns). Fail-open: resolves `spooled`, or
   * `refused` when the spool refused them (counted). Durable: resolves `stored` once the store
   * has them, `spooled` when it failed or was slow, or at once `spooled` with `durableAt:
   * 'spool'` (the drain stores them); rejects when the spool refused them.
   */
  write(events: readonly UsageEvent[], failOpen: boolean, durableAt: DurableAt = 'store'): Promise<WriteResult> {
    if (!this.#spool.append(events)) {
      if (failOpen) return Promise.resolve(notStored('refused'));
      const { reason } = this.#spool.stats();
      return Promise.reject(new StoreError(`events not accepted: ${reason ?? 'spool refused them'}`));
    }
    if (failOpen || durableAt === 'spool' || this.#storeDown()) {
      this.#schedule(this.#drainDelayMs);
      return Promise.resolve(notStored('spooled'));
    }
    return this.#writeDirect(events);
  }

  /**
   * Drains the whole spool now, ignoring the backoff, and waits for it. Rejects with a
   * `StoreError` when the store still fails (the events stay spooled).
   */
  async flush(): Promise<void> {
    await this.#draining;
    this.#retryAt = 0;
    this.#draining = this.#drain();
    await this.#draining;
    const { pending } = this.#spool.stats();
    if (this.#consecutiveFailures > 0 && pending > 0) {
      throw new StoreError(`store insert failed; ${pending} events remain in the spool ${this.#spool.path}`);
    }
  }

  async #writeDirect(events: readonly UsageEvent[]): Promise<WriteResult> {
    for (const event of events) this.#direct.set(event.id, { stored: false, passed: false });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), this.#ackWaitMs);
    });
    const insert = this.#insert(events).then(
      ({ stored, duplicates, deadLettered }): WriteResult => {
        this.#succeeded(stored);
        for (const event of events) {
          const direct = this.#direct.get(event.id);
          if (direct === undefined) continue;
          // The drain skipped it already: nothing else will look it up.
          if (direct.passed) this.#direct.delete(event.id);
          else direct.stored = true;
        }
        return { outcome: 'stored', deadLettered, duplicates };
      },
      (error: unknown): WriteResult => {
        this.#failed(error, events.length);
        this.#releaseDirect(events);
        return notStored('spooled');
      },
    );
    try {
      const result = await Promise.race([insert, slow]);
      if (result === 'slow') {
        // Still in flight: whatever it does, the events are on disk and the drain follows.
        this.#unanswered = true;
        void insert.finally(() => {
          this.#unanswered = false;
        });
        return notStored('spooled');
      }
      return result;
    } finally {
      clearTimeout(timer);
      this.#schedule(this.#drainDelayMs);
    }
  }

  /**
   * While the store is failing (in its backoff) or a direct insert went unanswered, a durable
   * write does not try it: it settles as spooled at once, so that ingest answers 202 without
   * waiting and no more inserts pile up in memory behind a silent database.
   */
  #storeDown(): boolean {
    return this.#unanswered || (this.#consecutiveFailures > 0 && this.#clock() < this.#retryAt);
  }

  /** The direct insert failed: the drain must store these events after all. */
  #releaseDirect(events: readonly UsageEvent[]): void {
    let passed = false;
    for (const event of events) {
      if (this.#direct.get(event.id)?.passed === true) passed = true;
      this.#direct.delete(event.id);
    }
    // The drain went past their lines already: spool them again (a second line is harmless).
    if (passed && !this.#spool.append(events)) {
      this.#logger.error('tokenledger: events lost: the store and the spool both refused them', {
        events: events.length,
      });
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const wait = Math.max(delayMs, this.#retryAt - this.#clock());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#draining !== undefined) {
        // The running drain seals what came since when it ends; look again after it.
        void this.#draining.then(() => this.#schedule(0));
        return;
      }
      this.#draining = this.#drain();
    }, wait);
    this.#timer.unref?.();
  }

  async #drain(): Promise<void> {
    // Settle asynchronously even when nothing awaits below: the caller stores this promise in
    // #draining, and the finally block must clear it after that.
    await null;
    try {
      this.#spool.seal();
      for (let batch = this.#spool.next(BATCH_EVENTS); batch !== undefined; batch = this.#spool.next(BATCH_EVENTS)) {
        const events = this.#withoutDirect(batch.events);
        if (events.length > 0) {
          let stored: number;
          try {
            ({ stored } = await this.#insert(events));
          } catch (error) {
            this.#failed(error, events.length);
            return;
          }
          this.#succeeded(stored);
        }
        batch.ack();
      }
    } catch (error) {
      // Reading the spool failed (a file removed under us...): retry later like a store failure.
      this.#failed(error, 0);
    } finally {
      this.#draining = undefined;
      if (this.#spool.stats().pending > 0) this.#schedule(this.#drainDelayMs);
    }
  }

  #insert(events: readonly UsageEvent[]): Promise<InsertedWrite> {
    return insertCounted(this.#store, events, this.#clock, this.#stats, this.#logger);
  }

  #withoutDirect(events: UsageEvent[]): UsageEvent[] {
    if (this.#direct.size === 0) return events;
    return events.filter((event) => {
      const direct = this.#direct.get(event.id);
      if (direct === undefined) return true;
      if (direct.stored) this.#direct.delete(event.id);
      else direct.passed = true;
      return false;
    });
  }

  #succeeded(count: number): void {
    this.#stats.recorded += count;
    if (this.#consecutiveFailures > 0) {
      this.#logger.info('tokenledger: store is back; the spool is being drained', {
        spooled: this.#spool.stats().pending,
        failedAttempts: this.#consecutiveFailures,
      });
    }
    this.#consecutiveFailures = 0;
    this.#retryAt = 0;
  }

  #failed(error: unknown, events: number): void {
    this.#stats.storeFailures += 1;
    this.#consecutiveFailures += 1;
    const backoff = Math.min(BACKOFF_MIN_MS * 2 ** (this.#consecutiveFailures - 1), BACKOFF_MAX_MS);
    this.#retryAt = this.#clock() + backoff;
    // One line when the store starts failing, not one per attempt.
    const log = this.#consecutiveFailures === 1 ? this.#logger.warn : this.#logger.debug;
    log.call(this.#logger, 'tokenledger: store insert failed; events wait in the spool', {
      error: describeStoreError(error),
      events,
      spooled: this.#spool.stats().pending,
      retryInMs: backoff,
    });
    this.#schedule(backoff);
  }
}
