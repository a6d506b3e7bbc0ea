/**
 * The gateway's recorder: events are written in batches (one store transaction for many),
 * after the responses went out, so recording costs the hot path almost nothing. A batch is
 * written when it reaches `maxBatch` events or `maxDelayMs` after its first event; `flush()`
 * writes at once (shutdown). Fail-open like the ledger: a store failure never reaches a client,
 * and attribution that does not fit the ledger's limits is cut or dropped with a warning
 * (the ledger's `fit` option, both with and without a spool) rather than costing the call its event.
 *
 * With a spooled ledger (`tokenledger serve`) there is no batch here: `record()` goes straight
 * to the ledger, whose spool has the event on disk before `record()` returns (the gateway then
 * sends its last byte), and whose drain batches the store writes.
 *
 * @module
 */
import type { UsageRecorder } from '../http/index.js';
import type { RecordingLedger } from '../ledger/index.js';
import type { RecordInput, UsageEvent } from '../types/index.js';
import { createTraceFlush } from './trace-flush.js';

export interface BatchingRecorderOptions {
  ledger: RecordingLedger;
  /** Told about each stored event (metrics). */
  onEvent?: (event: UsageEvent) => void;
  /** Told about stored events a batch at a time: those of one turn of the event loop when spooled, a write's otherwise. */
  onEvents?: (events: UsageEvent[]) => void;
  /** @default 500 */
  maxBatch?: number;
  /** @default 50 */
  maxDelayMs?: number;
}

export interface BatchingRecorder extends UsageRecorder {
  flush(): Promise<void>;
  /**
   * Spooled only: the event `record(input)` built from this very input, priced (the ledger
   * builds it before `record()` returns), so that the gateway's cost header reads its cost
   * instead of pricing the call a second time.
   */
  built?(input: RecordInput): UsageEvent | undefined;
  /**
   * Spooled only: resolves once every recording started so far in these traces is in the
   * store, flushing only when one of them may not be (trace-flush.ts).
   */
  flushTraces?(traceIds: Iterable<string>): Promise<void>;
}

interface Waiting {
  input: RecordInput;
  resolve: (event: UsageEvent) => void;
  reject: (error: unknown) => void;
}

export function createBatchingRecorder(options: BatchingRecorderOptions): BatchingRecorder {
  if (options.ledger.spooled) return spooledRecorder(options);
  const maxBatch = options.maxBatch ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 50;
  let queue: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  function write(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const batch = queue;
    queue = [];
    if (batch.length === 0) return writing;
    writing = writing.then(async () => {
      try {
        const result = await options.ledger.recordMany(
          batch.map((item) => item.input),
          { fit: true },
        );
        const rejected = new Map(result.rejected.map((item) => [item.index, item.error]));
        let next = 0;
        for (const [index, item] of batch.entries()) {
          const error = rejected.get(index);
          if (error !== undefined) {
            item.reject(error);
            continue;
          }
          const event = result.events[next++]!;
          options.onEvent?.(event);
          item.resolve(event);
        }
        if (options.onEvents !== undefined && result.events.length > 0) options.onEvents(result.events);
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    });
    return writing;
  }

  return {
    record(input) {
      return new Promise<UsageEvent>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (queue.length >= maxBatch) void write();
        else timer ??= setTimeout(() => void write(), maxDelayMs);
      });
    },
    flush: () => write(),
  };
}

/**
 * Straight to the spool: the event is on disk when `record()` returns; nothing is held here.
 * `flush()` still waits for the spool's drain, so that its callers (tests) find every recorded
 * event in the store afterwards; `flushTraces()` does so only for the traces asked about (the
 * OTLP receiver linking spans to gateway events).
 */
function spooledRecorder({ ledger, onEvent, onEvents }: BatchingRecorderOptions): BatchingRecorder {
  const traces = createTraceFlush(() => ledger.flush());
  const built = new WeakMap<RecordInput, UsageEvent>();
  const onBuilt = (input: RecordInput) => (event: UsageEvent) => built.set(input, event);
  // Events recorded in the same turn of the event loop are told about together (metrics sum a
  // batch per series: one prom-client update per series instead of seven per event).
  let told: UsageEvent[] = [];
  const tell = (): void => {
    const events = told;
    told = [];
    onEvents?.(events);
  };
  return {
    async record(input) {
      const traceId = input.trace?.traceId;
      if (typeof traceId === 'string') traces.note(traceId.toLowerCase());
      const event = await ledger.record(input, { fit: true, onBuilt: onBuilt(input) });
      onEvent?.(event);
      if (onEvents !== undefined) {
        if (told.length === 0) setImmediate(tell);
        told.push(event);
      }
      return event;
    },
    built: (input) => built.get(input),
    flush: () => ledger.flush(),
    flushTraces: (traceIds) => traces.flushFor(traceIds),
  };
}
