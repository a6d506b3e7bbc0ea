/**
 * The ledger's path to the store: group commit plus fail-open buffering.
 *
 * - Group commit: fail-open records made in the same turn of the event loop share one insert, and while one
 *   `store.insert()` is in flight, events from other callers queue and go together in the
 *   next insert, so many concurrent callers cost few round trips
 *   (PostgreSQL) or transactions (SQLite). Each caller still waits for its own events to be
 *   durable before its promise resolves. A durable write (already a batch: ingest, import)
 *   gets an insert of its own, so that it can say exactly how many of its events were new and
 *   how many the store had already. A commit window (`commitWindowMs`) makes a write wait that
 *   long for others instead of one turn: fewer, larger inserts (a SQLite transaction of 50
 *   events costs about a third of 50 transactions of one), for callers that can wait.
 * - Fail-open: when an insert fails, the events of fail-open callers go to a bounded
 *   in-memory buffer (oldest dropped when full, counted) and their promises resolve anyway;
 *   the store error is logged and counted. The buffer is retried with the next write once
 *   the backoff has passed (100 ms doubling up to 30 s), or at once by `flush()`. While the
 *   backoff runs, fail-open events go straight to the buffer, so a dead store costs the
 *   caller nothing. No timer is kept, so a ledger never holds a process open.
 * - Callers that need durability (`failOpen: false`, e.g. `tokenledger import`) get the
 *   store's error instead.
 * - A poison event (the store refuses its content for good) is dead-lettered and the rest of
 *   its write stored (poison-write.ts); only other errors are retried.
 *
 * @module
 */
import { StoreError } from '../errors/index.js';
import type { DeadLetter, Store } from '../store/index.js';
import type { Logger, UsageEvent } from '../types/index.js';
import { writeSparingPoison } from './poison-write.js';
import { describeStoreError } from './store-error-text.js';

export interface WriterOptions {
  store: Store;
  logger: Logger;
  clock: () => number;
  bufferLimit: number;
  /** Retry the buffer on an unref'd timer after each backoff (else only on the next write or flush). */
  autoRetry: boolean;
  /** How long a write waits for others to share its insert (LedgerOptions.commitWindowMs). @default 0: the same turn */
  commitWindowMs?: number;
  /** Ends a commit window early once no write came for this long (LedgerOptions.commitQuietMs). @default none */
  commitQuietMs?: number;
}

/**
 * Where a write's events are once its promise resolves: in the store, in the in-memory
 * fail-open buffer, in the local spool (on disk, drained into the store), or nowhere because
 * the spool refused them (counted).
 */
export type WriteOutcome = 'stored' | 'buffered' | 'spooled' | 'refused';

/** What became of one write's events. */
export interface WriteResult {
  outcome: WriteOutcome;
  /** With `stored`: the write's events the store refused for good, now dead letters. */
  deadLettered: DeadLetter[];
  /**
   * With `stored`, for a durable write: how many of its events the store had already (or that
   * repeated an id earlier in the same write), not stored again. `undefined` otherwise.
   */
  duplicates: number | undefined;
}

/** A write whose events are not in the store yet (buffered, spooled, refused). */
export const notStored = (outcome: Exclude<WriteOutcome, 'stored'>): WriteResult => ({
  outcome,
  deadLettered: [],
  duplicates: undefined,
});

/** What one insert of a write did. */
export interface InsertedWrite {
  /** Events the store has now (new or already there): the write's events less the dead letters. */
  stored: number;
  /** Of those, events whose id the store had already or that repeated an id of the write. */
  duplicates: number;
  deadLettered: DeadLetter[];
}

/** Inserts, dead-lettering poison events (counted in `stats` and logged). */
export async function insertCounted(
  store: Store,
  events: readonly UsageEvent[],
  clock: () => number,
  stats: WriterStats,
  logger: Logger,
): Promise<InsertedWrite> {
  const written = await writeSparingPoison(store, events, clock);
  noteDeadLetters(stats, written.deadLettered, logger);
  const stored = events.length - written.deadLettered.length;
  return { stored, duplicates: stored - written.added, deadLettered: written.deadLettered };
}

/** Where a durable write (`failOpen: false`) settles: in the store, or in the spool on its way there (RecordOptions.durableAt). */
export type DurableAt = 'store' | 'spool';

export interface WriterStats {
  /** Events the store acknowledged (durable), retried ones included. */
  recorded: number;
  /** Failed insert attempts. */
  storeFailures: number;
  /** Events waiting in the fail-open buffer. */
  buffered: number;
  /** Events dropped because the buffer was full. */
  dropped: number;
  /** Events the store refused for good, dead-lettered (this process). */
  deadLettered: number;
  /** Epoch ms of the last dead letter, if any. */
  lastDeadLetterAt: number | undefined;
}

interface Pending {
  events: readonly UsageEvent[];
  failOpen: boolean;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 30_000;
/** At most this many buffered events ride along with one write. */
const RETRY_CHUNK = 1000;

export class Writer {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #bufferLimit: number;
  readonly #autoRetry: boolean;
  readonly #commitWindowMs: number;
  readonly #commitQuietMs: number | undefined;
  /** Writes so far: a quiet window's check sees whether one came since the last. */
  #writes = 0;
  /** Ends the commit window now (flush() calls it): set while a drain waits for its window. */
  #closeWindow: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #queue: Pending[] = [];
  #draining: Promise<void> | undefined;
  /** Fail-open events awaiting a retry, oldest first. */
  #buffer: UsageEvent[] = [];
  #consecutiveFailures = 0;
  #retryAt = 0;
  #stats: WriterStats = emptyWriterStats();

  constructor(options: WriterOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#bufferLimit = options.bufferLimit;
    this.#autoRetry = options.autoRetry;
    this.#commitWindowMs = options.commitWindowMs ?? 0;
    this.#commitQuietMs = options.commitQuietMs;
  }

  /** Stops the retry timer (the buffer stays as it is). */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #scheduleRetry(delayMs: number): void {
    if (!this.#autoRetry || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A failure here counts, logs and schedules the next try with a longer backoff.
      if (this.#buffer.length > 0) this.flush().catch(() => undefined);
    }, delayMs);
    this.#timer.unref?.();
  }

  stats(): WriterStats {
    return { ...this.#stats, buffered: this.#buffer.length };
  }

  /** Resolves once the events are durable, or (fail-open) buffered after a store failure. */
  write(events: readonly UsageEvent[], failOpen: boolean): Promise<WriteResult> {
    if (failOpen && this.#buffer.length > 0 && this.#clock() < this.#retryAt) {
      this.#bufferEvents(events);
      return Promise.resolve(notStored('buffered'));
    }
    return new Promise<WriteResult>((resolve, reject) => {
      this.#writes++;
      this.#queue.push({ events, failOpen, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Ends a commit window now: the writes waiting for it go to the store at once. */
  commitNow(): void {
    this.#closeWindow?.();
  }

  /**
   * Ends a commit window, retries the whole buffer now, ignoring the backoff, and waits for
   * writes in flight. Rejects with a `StoreError` when the store still fails (the events stay
   * buffered).
   */
  async flush(): Promise<void> {
    this.commitNow();
    await this.#draining;
    while (this.#buffer.length > 0) {
      const chunk = this.#buffer.splice(0, RETRY_CHUNK);
      try {
        this.#succeeded(await this.#insert(chunk));
      } catch (error) {
        this.#buffer.unshift(...chunk);
        this.#failed(error, chunk.length);
        throw toStoreError(error, `${this.#buffer.length} events remain buffered`);
      }
    }
  }

  async #drain(): Promise<void> {
    // Start once this turn of the event loop has run (setImmediate): record() returns before a
    // synchronous store (SQLite) does its write, and the records of one turn (a batch's
    // responses that arrived together, not only those of one tick) share one insert. With a
    // commit window, once it has passed (or flush() ends it): the records of that window share it.
    // With a quiet time, also once no write came for that long: a burst of records (a batch's
    // wave of answers) commits as it ends, in the pause before the next, rather than at a fixed
    // time that may fall in the middle of the next burst and hold it up.
    await new Promise<void>((resolve) => {
      if (this.#commitWindowMs <= 0) {
        setImmediate(resolve);
        return;
      }
      const timer = setTimeout(end, this.#commitWindowMs);
      const quietMs = this.#commitQuietMs;
      let quiet: ReturnType<typeof setTimeout> | undefined;
      if (quietMs !== undefined && quietMs < this.#commitWindowMs) {
        let seen = this.#writes;
        quiet = setTimeout(() => {
          if (this.#writes === seen) end();
          else {
            seen = this.#writes;
            quiet?.refresh();
          }
        }, quietMs);
      }
      function end(): void {
        clearTimeout(timer);
        clearTimeout(quiet);
        resolve();
      }
      this.#closeWindow = end;
    });
    this.#closeWindow = undefined;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        const retried =
          this.#buffer.length > 0 && this.#clock() >= this.#retryAt ? this.#buffer.splice(0, RETRY_CHUNK) : [];
        let failure: { error: unknown } | undefined;
        for (const group of insertGroups(batch, retried)) {
          if (failure === undefined) {
            try {
              this.#settleStored(group, await this.#insert(group.events));
              continue;
            } catch (error) {
              failure = { error };
              this.#failed(error, group.events.length);
            }
          }
          // This group failed, or an earlier one did: the store is not tried again before the backoff.
          this.#buffer.unshift(...group.retried);
          const storeError = toStoreError(failure.error);
          for (const pending of group.pendings) {
            if (pending.failOpen) {
              this.#bufferEvents(pending.events);
              pending.resolve(notStored('buffered'));
            } else {
              pending.reject(storeError);
            }
          }
        }
        this.#trimBuffer();
      }
    } finally {
      this.#draining = undefined;
    }
  }

  #settleStored(group: InsertGroup, written: InsertedWrite): void {
    this.#succeeded(written);
    const dead = new Map(written.deadLettered.map((letter) => [letter.id, letter]));
    for (const pending of group.pendings) {
      const deadLettered = dead.size === 0 ? [] : pending.events.flatMap((event) => dead.get(event.id) ?? []);
      // A durable write's group holds it alone: the counts are its own.
      pending.resolve({
        outcome: 'stored',
        deadLettered,
        duplicates: pending.failOpen ? undefined : written.duplicates,
      });
    }
  }

  #insert(events: readonly UsageEvent[]): Promise<InsertedWrite> {
    return insertCounted(this.#store, events, this.#clock, this.#stats, this.#logger);
  }

  #succeeded({ stored }: { stored: number }): void {
    this.#stats.recorded += stored;
    if (this.#consecutiveFailures > 0) {
      this.#logger.info('tokenledger: store is back; buffered events are being written', {
        buffered: this.#buffer.length,
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
    this.#scheduleRetry(backoff);
    this.#logger.warn('tokenledger: store insert failed; events kept in memory for retry', {
      error: describeStoreError(error),
      events,
      buffered: this.#buffer.length,
      retryInMs: backoff,
    });
  }

  #bufferEvents(events: readonly UsageEvent[]): void {
    for (const event of events) this.#buffer.push(event);
    this.#trimBuffer();
  }

  #trimBuffer(): void {
    const excess = this.#buffer.length - this.#bufferLimit;
    if (excess <= 0) return;
    this.#buffer.splice(0, excess);
    if (this.#stats.dropped === 0 || this.#consecutiveFailures <= 1) {
      this.#logger.error('tokenledger: fail-open buffer full; oldest events dropped', {
        dropped: excess,
        bufferLimit: this.#bufferLimit,
      });
    }
    this.#stats.dropped += excess;
  }
}

/** Events that go to the store in one insert, and the writes they settle. */
interface InsertGroup {
  pendings: Pending[];
  /** Buffered fail-open events retried with this group. */
  retried: UsageEvent[];
  events: readonly UsageEvent[];
}

/** Fail-open writes and the retried buffer share one insert; each durable write has its own. */
function insertGroups(batch: readonly Pending[], retried: UsageEvent[]): InsertGroup[] {
  const failOpen = batch.filter((pending) => pending.failOpen);
  const groups: InsertGroup[] = [];
  if (failOpen.length > 0 || retried.length > 0) {
    const events =
      failOpen.length === 1 && retried.length === 0
        ? failOpen[0]!.events
        : [...retried, ...failOpen.flatMap((pending) => pending.events)];
    groups.push({ pendings: failOpen, retried, events });
  }
  for (const pending of batch)
    if (!pending.failOpen) groups.push({ pendings: [pending], retried: [], events: pending.events });
  return groups;
}

export function emptyWriterStats(): WriterStats {
  return { recorded: 0, storeFailures: 0, buffered: 0, dropped: 0, deadLettered: 0, lastDeadLetterAt: undefined };
}

/** Counts dead letters in `stats` and logs each (they are rare: each names a broken event). */
export function noteDeadLetters(stats: WriterStats, letters: readonly DeadLetter[], logger: Logger): void {
  if (letters.length === 0) return;
  stats.deadLettered += letters.length;
  stats.lastDeadLetterAt = Date.parse(letters[letters.length - 1]!.time);
  // One line per write, not per event: a burst of broken events must not flood the log.
  const first = letters[0]!;
  logger.error('tokenledger: the store refused events for good; they are dead-lettered, the rest was stored', {
    deadLettered: letters.length,
    id: first.id,
    reason: first.reason,
  });
}

function toStoreError(error: unknown, suffix?: string): StoreError {
  if (error instanceof StoreError && suffix === undefined) return error;
  return new StoreError(
    `store insert failed: ${describeStoreError(error)}${suffix === undefined ? '' : ` (${suffix})`}`,
    {
      cause: error,
    },
  );
}
