/**
 * The ledger users hold: the recording ledger (record, scope, flush, stats, close) with its two
 * ways in that record through it, a tracking `fetch` and a Vercel AI SDK middleware. It is the
 * one ledger type of the public API; since both ways in record through the ledger itself, one
 * `flush()` waits for what they started too.
 *
 * @module
 */
import { createRecordingLedger, type LedgerOptions, type RecordingLedger } from '../ledger/index.js';
import type { Attribution } from '../types/index.js';
import { createAiSdkMiddleware, type AiSdkMiddleware, type AiSdkMiddlewareOptions } from './ai-sdk-middleware.js';
import { createTrackingFetch, type TrackingFetch, type TrackingFetchOptions } from './tracking-fetch.js';

/** Options of {@link Ledger.fetch} beyond attribution. */
export type LedgerFetchOptions = Omit<TrackingFetchOptions, 'recorder' | 'attribution'>;

/** Options of {@link Ledger.aiSdkMiddleware} beyond attribution. */
export type LedgerAiSdkMiddlewareOptions = Omit<AiSdkMiddlewareOptions, 'recorder' | 'attribution'>;

/** A ledger: DESIGN.md's `ledger.record(...)`, `ledger.scope({ run })`, `ledger.fetch({ agent, run, tags })`. */
export interface Ledger extends Omit<RecordingLedger, 'scope'> {
  /**
   * A standard `fetch` that records every LLM exchange it carries into this ledger. Pass it
   * as the `fetch` option of the official `openai` / `@anthropic-ai/sdk` clients.
   */
  fetch(attribution?: Attribution, options?: LedgerFetchOptions): TrackingFetch;
  /**
   * A Vercel AI SDK middleware that records every `generateText` / `streamText` call into this
   * ledger: `wrapLanguageModel({ model, middleware: ledger.aiSdkMiddleware({ agent: 'x' }) })`.
   */
  aiSdkMiddleware(attribution?: Attribution, options?: LedgerAiSdkMiddlewareOptions): AiSdkMiddleware;
  /** A ledger that stamps `attribution` on every event, its `fetch` and `aiSdkMiddleware` included. */
  scope(attribution: Attribution): Ledger;
}

function withWaysIn(recording: RecordingLedger): Ledger {
  return {
    store: recording.store,
    pricer: recording.pricer,
    attribution: recording.attribution,
    spooled: recording.spooled,
    record: (input, options) => recording.record(input, options),
    preview: (input, options) => recording.preview(input, options),
    recordMany: (inputs, options) => recording.recordMany(inputs, options),
    flush: () => recording.flush(),
    stats: () => recording.stats(),
    close: () => recording.close(),
    scope: (attribution) => withWaysIn(recording.scope(attribution)),
    fetch: (attribution = {}, options = {}) => createTrackingFetch({ ...options, recorder: recording, attribution }),
    aiSdkMiddleware: (attribution = {}, options = {}) =>
      createAiSdkMiddleware({ ...options, recorder: recording, attribution }),
  };
}

/**
 * Creates a ledger over a store: `record()`, `scope()`, `fetch()`, `aiSdkMiddleware()`,
 * `flush()`, `stats()`, `close()`. Tracking is fail-open: a store outage never breaks the
 * caller's LLM call.
 *
 * @example
 * const ledger = createLedger({ store: await openStore('sqlite:./tokenledger.db') });
 * const openai = new OpenAI({ fetch: ledger.scope({ run: 'nightly' }).fetch({ agent: 'triage' }) });
 * // ... calls ...
 * await ledger.flush(); // every recording above is in the store
 */
export function createLedger(options: LedgerOptions): Ledger {
  return withWaysIn(createRecordingLedger(options));
}
