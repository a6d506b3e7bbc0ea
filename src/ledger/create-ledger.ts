/**
 * The recording ledger: record() turns a call's facts into a priced, attributed UsageEvent and
 * keeps it in the store; scope() stamps attribution; flush()/stats()/close() manage the
 * fail-open path. The public `Ledger` (src/http) is this one with its tracking `fetch` and AI
 * SDK middleware, which record through it.
 *
 * @module
 */
import { createEventIds } from './event-id.js';
import { StoreError, TokenledgerError, ValidationError } from '../errors/index.js';
import { createPricer, type Pricer } from '../pricing/index.js';
import type { DeadLetter, Store } from '../store/index.js';
import type { Attribution, Logger, PriceOverride, RecordInput, UsageEvent } from '../types/index.js';
import { buildEvent } from './build-event.js';
import { fitValidInput } from './fit-input.js';
import { Spool, type SpoolOptions } from './spool.js';
import { SpoolWriter, type SpoolWriterStats } from './spool-writer.js';
import { validateRecordInput } from './validate.js';
import { type DurableAt, Writer, type WriteOutcome, type WriteResult, type WriterStats } from './writer.js';

export interface LedgerOptions {
  /** Where events are kept (`openStore('sqlite:./tokenledger.db')`). */
  store: Store;
  /**
   * The pricer to use; one is created from `prices` when absent.
   * @default createPricer({ overrides: prices })
   */
  pricer?: Pricer;
  /**
   * Price overrides per 1M tokens, winning over the catalog. Ignored when `pricer` is given.
   * @example [{ model: 'my-finetune', input: 3, output: 12 }]
   */
  prices?: PriceOverride[];
  /**
   * Epoch-millisecond clock: default event time, id time, retry backoff.
   * @default Date.now
   */
  clock?: () => number;
  /**
   * Where store failures and drops are reported.
   * @default a logger that discards everything
   */
  logger?: Logger;
  /**
   * How many events the fail-open buffer keeps while the store is down; beyond it the oldest
   * are dropped (and counted in `stats().dropped`).
   * @default 10000
   */
  bufferLimit?: number;
  /**
   * Retry the fail-open buffer on a timer when each backoff ends (the timer is unref'd, so it
   * never keeps a process alive). When `false`, the buffer is retried only by the next
   * record/recordMany, `flush()` or `close()`.
   * @default true
   */
  autoRetry?: boolean;
  /**
   * Keep every event in a local append-only spool (a directory of segment files) before it
   * reaches the store: `record()` appends synchronously, a background drain writes the spool
   * into the store and replays at start what a killed process left. Events then survive the
   * process being killed (SIGKILL) and store outages, up to `maxBytes` on disk. Without it
   * (the default for the library) fail-open events wait in the in-memory buffer.
   * `tokenledger serve` always configures one (`server.spool`).
   * @example { path: './tokenledger.db.spool', maxBytes: 512 * 1024 * 1024 }
   */
  spool?: SpoolOptions;
  /**
   * How long a fail-open record waits for others to share its store insert, in ms (without a
   * spool). The records of one turn of the event loop always share one; a window lets a caller
   * that makes many records a second and need not have each stored at once (`tokenledger
   * batch`) pay for fewer, larger inserts. record() still resolves only once its event is
   * stored; flush() and close() end a window at once.
   * @default 0 (one turn)
   */
  commitWindowMs?: number;
  /**
   * Ends a commit window early, once no record came for this long (ms): records that arrive in
   * bursts (a batch's answers, a wave at a time) are stored as each burst ends, in the pause
   * before the next, instead of at a time that may fall inside the next burst and hold it up.
   * Only with `commitWindowMs`, which stays the longest a record waits.
   * @default none (the window runs its full length)
   */
  commitQuietMs?: number;
  /**
   * Makes event ids.
   * @default a monotonic ULID factory (sortable by time, unique within the process)
   */
  idGenerator?: () => string;
}

export interface RecordOptions {
  /**
   * `true`: a store failure never rejects; the event is buffered and retried (the caller's
   * LLM call must not break because the ledger's database is down). `false`: the promise
   * resolves only once the event is durable and rejects with `StoreError` otherwise (for
   * importers and ingest APIs that must report truthfully).
   * @default true
   */
  failOpen?: boolean;
  /**
   * `true`: attribution that does not fit the ledger's limits is cut or dropped with a warning
   * on the event (`fitRecordInput`) instead of refusing the input: for inputs the caller did
   * not write itself (gateway headers, OpenTelemetry spans). Validated once, while fitting.
   * @default false
   */
  fit?: boolean;
  /**
   * With `failOpen: false`, when the ledger has a spool: `'spool'` resolves as soon as the
   * events are appended to it (`spooled`), `'store'` (the default) waits for the store up to
   * the spool's `ackWaitMs` first. A spooled event is durable in the sense a SQLite commit
   * with `synchronous=NORMAL` is: on disk before this resolves, it survives the process being
   * killed (SIGKILL), not a power loss, and the drain stores it (replayed at the next start if
   * the process died first). Without a spool, durable always means stored.
   * @default 'store'
   */
  durableAt?: DurableAt;
  /**
   * `record()` only: called with the event, priced, as soon as it is built (before `record()`
   * returns its promise), so that a caller can read its cost without building it twice (the
   * gateway's cost header).
   */
  onBuilt?: (event: UsageEvent) => void;
}

export interface RecordManyResult {
  /** The events built from the valid inputs, in input order. */
  events: UsageEvent[];
  /**
   * Where the events are now: `stored`; `spooled` (on disk in the spool, the drain stores them;
   * a durable write settles so when the store fails or is slow); `buffered` (in memory, fail-open);
   * `refused` (the spool was full: not kept, counted).
   */
  outcome: WriteOutcome;
  /** The inputs that failed validation; the others were still recorded. */
  rejected: { index: number; error: ValidationError }[];
  /**
   * With `stored`: events the store refused for good (a constraint, an encoding, a range the
   * validation could not see), kept in its dead-letter table with the reason; the others were stored.
   */
  deadLettered: DeadLetter[];
  /**
   * With `stored` and `failOpen: false`: how many of the events the store had already (an id
   * stored before, or repeated earlier in the same call), not stored again. The others less the
   * dead letters are new. `undefined` for fail-open writes (they may share an insert with others).
   */
  duplicates: number | undefined;
}

export interface LedgerStats {
  /** Events the store acknowledged as durable. */
  recorded: number;
  /** Failed store inserts. */
  storeFailures: number;
  /** Events held in memory waiting for the store. */
  buffered: number;
  /** Events lost because the buffer was full. */
  dropped: number;
  /** Inputs refused by validation. */
  rejected: number;
  /** Events the store refused for good, dead-lettered by this process (`store.deadLetters()` lists them). */
  deadLettered: number;
  /** Epoch ms of this process's last dead letter. */
  lastDeadLetterAt: number | undefined;
  /** The spool's state, when the ledger has one (`buffered` and `dropped` are then its pending and refused events). */
  spool?: SpoolWriterStats['spool'];
}

export interface RecordingLedger {
  readonly store: Store;
  readonly pricer: Pricer;
  /** The attribution this ledger stamps on every event (empty for the root ledger). */
  readonly attribution: Readonly<Attribution>;
  /** True when events go through a local spool: `record()` has them on disk when it returns. */
  readonly spooled: boolean;
  /**
   * Validates, normalizes, prices and stores one call. Resolves with the stored event (with
   * its cost). Rejects with `ValidationError` (naming the field) on bad input. With the
   * default `failOpen: true` it never rejects for a store failure: the event is buffered and
   * the promise resolves; it is durable only once `stats().buffered` is back to 0.
   */
  record(input: RecordInput, options?: RecordOptions): Promise<UsageEvent>;
  /**
   * The event `record(input)` would store, priced, without storing it: the same validation
   * and conversion, synchronous (the gateway puts the cost of a call in its answer's headers
   * before the answer leaves). Throws `ValidationError` like `record()`.
   */
  preview(input: RecordInput, options?: Pick<RecordOptions, 'fit'>): UsageEvent;
  /** Records many inputs in one store write; invalid ones are reported, the others kept. */
  recordMany(inputs: readonly RecordInput[], options?: RecordOptions): Promise<RecordManyResult>;
  /** A ledger sharing this one's store and buffer that stamps `attribution` on every event (tags merged). */
  scope(attribution: Attribution): RecordingLedger;
  /**
   * Waits for every recording started so far on this ledger and on every ledger sharing its
   * store and buffer (its scopes, and the tracking fetches and middlewares recording through
   * them), then writes the fail-open buffer; rejects with `StoreError` if the store still fails.
   */
  flush(): Promise<void>;
  stats(): LedgerStats;
  /** Flushes the buffer and refuses further records. The store is left open: its opener closes it. */
  close(): Promise<void>;
}

const discard = (): void => undefined;
const SILENT_LOGGER: Logger = { debug: discard, info: discard, warn: discard, error: discard };

/** The path to the store: the in-memory fail-open Writer, or the SpoolWriter. */
interface EventWriter {
  write(events: readonly UsageEvent[], failOpen: boolean, durableAt?: DurableAt): Promise<WriteResult>;
  flush(): Promise<void>;
  /** Ends a commit window now (the in-memory Writer's; a spool has none). */
  commitNow?(): void;
  stats(): WriterStats & { spool?: SpoolWriterStats['spool'] };
  stop(): void;
}

interface Core {
  store: Store;
  pricer: Pricer;
  clock: () => number;
  newId: () => string;
  writer: EventWriter;
  spooled: boolean;
  /** Recordings not yet settled (record/recordMany of every scope): what flush() waits for. */
  inFlight: Set<Promise<void>>;
  rejected: number;
  closed: boolean;
}

/**
 * Creates a ledger over a store.
 *
 * @example
 * const store = await openStore('sqlite:./tokenledger.db');
 * const ledger = createRecordingLedger({ store });
 * const aapl = ledger.scope({ run: 'AAPL' });
 * await aapl.record({ provider: 'google', model: 'gemini-2.5-flash', agent: 'indicator_agent', response: body, durationMs: 1250 });
 */
export function createRecordingLedger(options: LedgerOptions): RecordingLedger {
  const clock = options.clock ?? Date.now;
  const bufferLimit = options.bufferLimit ?? 10_000;
  if (!Number.isInteger(bufferLimit) || bufferLimit < 0) {
    throw new ValidationError(`bufferLimit: must be a non-negative integer, got ${String(bufferLimit)}`, {
      field: 'bufferLimit',
    });
  }
  const logger = options.logger ?? SILENT_LOGGER;
  const writer: EventWriter =
    options.spool === undefined
      ? new Writer({
          store: options.store,
          logger,
          clock,
          bufferLimit,
          autoRetry: options.autoRetry ?? true,
          ...(options.commitWindowMs === undefined ? {} : { commitWindowMs: options.commitWindowMs }),
          ...(options.commitQuietMs === undefined ? {} : { commitQuietMs: options.commitQuietMs }),
        })
      : new SpoolWriter({
          store: options.store,
          spool: Spool.open(options.spool, logger),
          logger,
          clock,
          ...(options.spool.ackWaitMs === undefined ? {} : { ackWaitMs: options.spool.ackWaitMs }),
        });
  const core: Core = {
    store: options.store,
    pricer: options.pricer ?? createPricer({ overrides: options.prices ?? [] }),
    clock,
    newId: options.idGenerator ?? createEventIds(clock),
    writer,
    spooled: options.spool !== undefined,
    inFlight: new Set(),
    rejected: 0,
    closed: false,
  };
  return scopedLedger(core, {});
}

/** Keeps `promise` in `core.inFlight` until it settles, so that flush() can wait for it. */
function tracked<T>(core: Core, promise: Promise<T>): Promise<T> {
  const forget = (): void => {
    core.inFlight.delete(settled);
  };
  // Settles either way: a failed recording is its caller's to report, not flush()'s.
  const settled: Promise<void> = promise.then(forget, forget);
  core.inFlight.add(settled);
  return promise;
}

/** Settles once every recording in flight, including ones started while waiting, has settled. */
async function settleInFlight(core: Core): Promise<void> {
  while (core.inFlight.size > 0) await Promise.all([...core.inFlight]);
}

function mergeAttribution(outer: Attribution, inner: Attribution): Attribution {
  const merged: Attribution = { ...outer };
  if (inner.agent !== undefined) merged.agent = inner.agent;
  if (inner.run !== undefined) merged.run = inner.run;
  if (inner.tags !== undefined) merged.tags = { ...outer.tags, ...inner.tags };
  return merged;
}

function scopedLedger(core: Core, attribution: Attribution): RecordingLedger {
  const convert = (input: RecordInput, fit: boolean): UsageEvent =>
    buildEvent(fit ? fitValidInput(input) : validateRecordInput(input), {
      pricer: core.pricer,
      now: core.clock(),
      newId: core.newId,
      scope: attribution,
    });

  function build(input: RecordInput, fit: boolean): UsageEvent {
    if (core.closed) throw new TokenledgerError('closed', 'the ledger is closed');
    try {
      return convert(input, fit);
    } catch (error) {
      if (error instanceof ValidationError) core.rejected += 1;
      throw error;
    }
  }

  const ledger: RecordingLedger = {
    store: core.store,
    pricer: core.pricer,
    attribution,
    spooled: core.spooled,
    async record(input, recordOptions) {
      const event = build(input, recordOptions?.fit ?? false);
      recordOptions?.onBuilt?.(event);
      const failOpen = recordOptions?.failOpen ?? true;
      const { deadLettered } = await tracked(core, core.writer.write([event], failOpen, recordOptions?.durableAt));
      const letter = deadLettered[0];
      if (letter !== undefined && !failOpen)
        throw new StoreError(`the store refused event ${event.id} for good (dead-lettered): ${letter.reason}`, {
          contentRejected: true,
        });
      return event;
    },
    preview: (input, previewOptions) => convert(input, previewOptions?.fit ?? false),
    async recordMany(inputs, recordOptions) {
      const events: UsageEvent[] = [];
      const rejected: RecordManyResult['rejected'] = [];
      const fit = recordOptions?.fit ?? false;
      inputs.forEach((input, index) => {
        try {
          events.push(build(input, fit));
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          rejected.push({ index, error });
        }
      });
      const failOpen = recordOptions?.failOpen ?? true;
      const { outcome, deadLettered, duplicates }: WriteResult =
        events.length > 0
          ? await tracked(core, core.writer.write(events, failOpen, recordOptions?.durableAt))
          : { outcome: 'stored', deadLettered: [], duplicates: failOpen ? undefined : 0 };
      return { events, rejected, outcome, deadLettered, duplicates };
    },
    scope(inner) {
      return scopedLedger(core, mergeAttribution(attribution, inner));
    },
    async flush() {
      core.writer.commitNow?.();
      await settleInFlight(core);
      await core.writer.flush();
    },
    stats() {
      return { ...core.writer.stats(), rejected: core.rejected };
    },
    async close() {
      if (core.closed) return;
      core.closed = true;
      core.writer.stop();
      core.writer.commitNow?.();
      await settleInFlight(core);
      await core.writer.flush();
    },
  };
  return ledger;
}
