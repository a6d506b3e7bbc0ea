/**
 * A Vercel AI SDK language-model middleware that records every `generateText` / `streamText`
 * call (each step of a multi-step call, and each retry attempt, is one model call and so one
 * event) into a ledger:
 *
 * ```ts
 * const model = wrapLanguageModel({ model: openai('gpt-4.1'), middleware: ledger.aiSdkMiddleware({ agent: 'triage' }) });
 * ```
 *
 * tokenledger does not depend on `ai`: the few shapes read here are declared structurally, so
 * the middleware works with ai@7 (LanguageModelV4, whose usage and stream parts are V3's),
 * ai@6 (LanguageModelV3) and ai@5 (LanguageModelV2) alike. Usage is
 * converted by src/usage's `normalizeAiSdkUsage` (the per-version and per-provider quirks live
 * there). Results and stream parts pass through untouched; recording never breaks the caller
 * (its failures are counted and passed to `onError`).
 *
 * Per-call attribution: `providerOptions: { tokenledger: { agent, run, tags } }` on the call is
 * merged over the middleware's (providers ignore option keys that are not theirs).
 *
 * @module
 */
import { providerErrorFromStatus } from '../errors/index.js';
import { withMeteredResult, type MeteredResult } from '../ledger/index.js';
import type { Attribution, EventError, RecordInput } from '../types/index.js';
import { aiSdkModelIdentity, aiSdkProviderId, normalizeAiSdkUsage } from '../usage/index.js';
import { errorMessage, type ExchangeTrackerOptions, type TrackingStats } from './exchange.js';
import { mergeAttribution } from './tracking-fetch.js';

/** The fields of an AI SDK language model the middleware reads. */
export interface AiSdkModelInfo {
  /** e.g. `openai.chat`, `anthropic.messages`, `google.generative-ai`. */
  readonly provider: string;
  readonly modelId: string;
}

/** The fields of a `doGenerate` result the middleware reads (the rest passes through). */
export interface AiSdkGenerateResultShape {
  usage?: unknown;
  providerMetadata?: unknown;
  response?: { modelId?: string | undefined } | undefined;
}

/** A stream part: only `type` is relied on; `finish`, `response-metadata`, deltas and `error` are read. */
export interface AiSdkStreamPartShape {
  readonly type: string;
}

/** What `wrapGenerate` / `wrapStream` receive (the subset read here). */
export interface AiSdkWrapOptions {
  /** The call options; `providerOptions.tokenledger` is read for per-call attribution. */
  params?: unknown;
  model: AiSdkModelInfo;
}

/** The tracking fetch's recorder, clocks and error hook; the AI SDK hands over usage already read, so no meter. */
export interface AiSdkMiddlewareOptions extends Omit<ExchangeTrackerOptions, 'createMeter'> {
  /** Agent, run and tags put on every event. */
  attribution?: Attribution;
}

/**
 * The middleware: pass it to `wrapLanguageModel({ model, middleware })`. Besides the AI SDK
 * hooks it has `flush()` and `stats`, like the tracking fetch.
 */
export interface AiSdkMiddleware {
  /**
   * `v3` keeps the type assignable to ai@6's LanguageModelV3Middleware; ai@7 accepts any
   * version string here and hands every middleware a V4 model, and ai@5 ignores the field.
   */
  readonly specificationVersion: 'v3';
  wrapGenerate<Result extends AiSdkGenerateResultShape>(
    options: AiSdkWrapOptions & { doGenerate: () => PromiseLike<Result> },
  ): Promise<Result>;
  wrapStream<Part extends AiSdkStreamPartShape, Result extends { stream: ReadableStream<Part> }>(
    options: AiSdkWrapOptions & { doStream: () => PromiseLike<Result> },
  ): Promise<Result>;
  /** Resolves once every recording started so far has settled. */
  flush(): Promise<void>;
  readonly stats: Readonly<TrackingStats>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `providerOptions.tokenledger` of the call, when it is a well-formed attribution. */
function callAttribution(params: unknown): Attribution | undefined {
  const options =
    isRecord(params) && isRecord(params['providerOptions']) ? params['providerOptions']['tokenledger'] : undefined;
  if (!isRecord(options)) return undefined;
  const attribution: Attribution = {};
  if (typeof options['agent'] === 'string') attribution.agent = options['agent'];
  if (typeof options['run'] === 'string') attribution.run = options['run'];
  const tags = options['tags'];
  if (isRecord(tags)) {
    const strings = Object.entries(tags).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    if (strings.length > 0) attribution.tags = Object.fromEntries(strings);
  }
  return attribution;
}

/** An AI SDK failure as an event error: the HTTP status when it carries one (`APICallError.statusCode`). */
function eventError(error: unknown, prefix = ''): EventError {
  const message = `${prefix}${errorMessage(error)}`;
  const status = isRecord(error) && typeof error['statusCode'] === 'number' ? error['statusCode'] : undefined;
  if (status !== undefined) return { type: providerErrorFromStatus(status, message).name, status, message };
  // AI SDK errors are named (`AI_RetryError`, `AI_NoContentGeneratedError`, `AbortError`): keep the name.
  const name = error instanceof Error && error.name !== '' ? error.name : 'Error';
  return { type: name, message };
}

/** The content deltas that mean the model started answering (text, reasoning or a tool call). */
const FIRST_TOKEN_PARTS: ReadonlySet<string> = new Set([
  'text-delta',
  'reasoning-delta',
  'tool-input-delta',
  'tool-call-delta',
]);

export function createAiSdkMiddleware(options: AiSdkMiddlewareOptions): AiSdkMiddleware {
  const clock = options.clock ?? (() => performance.now());
  const now = options.now ?? Date.now;
  const stats: TrackingStats = { recorded: 0, recordFailures: 0, pending: 0 };
  const inFlight = new Set<Promise<void>>();

  function failed(error: unknown): void {
    stats.recordFailures++;
    try {
      options.onError?.(error);
    } catch {
      // onError must not throw; if it does, the caller's call still must not break.
    }
  }

  function record(input: RecordInput): void {
    stats.pending++;
    let promise: Promise<void>;
    try {
      promise = options.recorder.record(input).then(
        () => {
          stats.recorded++;
        },
        (error: unknown) => failed(error),
      );
    } catch (error) {
      promise = Promise.resolve();
      failed(error);
    }
    const settled = promise.finally(() => {
      stats.pending--;
      inFlight.delete(settled);
    });
    inFlight.add(settled);
  }

  /** The facts known when a call starts. */
  function start(
    model: AiSdkModelInfo,
    params: unknown,
  ): { base: RecordInput; usageProvider: string | undefined; startedAt: number } {
    const extra = callAttribution(params);
    const attribution = extra === undefined ? options.attribution : mergeAttribution(options.attribution, extra);
    const identity = aiSdkModelIdentity(model.provider, model.modelId);
    const base: RecordInput = {
      ...attribution,
      time: now(),
      provider: identity.provider,
      model: identity.model,
      requestedModel: identity.model,
      attempts: 1,
    };
    // The V2 usage quirks belong to the AI SDK provider package (`gateway`, not its creator).
    return { base, usageProvider: aiSdkProviderId(model.provider), startedAt: clock() };
  }

  /** What the AI SDK reported, read as a metered result (recorded through withMeteredResult). */
  function metered(usage: unknown, providerMetadata: unknown, provider: string | undefined): MeteredResult {
    const read = normalizeAiSdkUsage(usage, { provider, providerMetadata });
    return {
      usage: read.usage,
      usageUnavailableReason: read.reason ?? 'the AI SDK reported no usage',
      rawUsage: read.rawUsage,
      warnings: read.warnings,
    };
  }

  /**
   * Starts metering a call and awaits the SDK's own: a call that throws before answering is
   * recorded as failed and the error rethrown. A metering failure never stops the call.
   */
  async function begin<Result>(
    wrap: AiSdkWrapOptions,
    invoke: () => PromiseLike<Result>,
  ): Promise<{ call: ReturnType<typeof start> | undefined; result: Result }> {
    let call: ReturnType<typeof start> | undefined;
    try {
      call = start(wrap.model, wrap.params);
    } catch (error) {
      failed(error);
    }
    try {
      return { call, result: await invoke() };
    } catch (error) {
      if (call !== undefined) {
        record({
          ...call.base,
          durationMs: clock() - call.startedAt,
          status: 'error',
          error: eventError(error),
          usageUnavailableReason: 'the call failed before a response',
        });
      }
      throw error;
    }
  }

  async function wrapGenerate<Result extends AiSdkGenerateResultShape>(
    wrap: AiSdkWrapOptions & { doGenerate: () => PromiseLike<Result> },
  ): Promise<Result> {
    const { call, result } = await begin(wrap, wrap.doGenerate);
    if (call !== undefined) {
      try {
        const answered = result.response?.modelId;
        const model =
          typeof answered === 'string' && answered !== ''
            ? aiSdkModelIdentity(wrap.model.provider, answered).model
            : call.base.model;
        record(
          withMeteredResult(
            { ...call.base, model, durationMs: clock() - call.startedAt, status: 'ok' },
            metered(result.usage, result.providerMetadata, call.usageProvider),
          ),
        );
      } catch (error) {
        failed(error);
      }
    }
    return result;
  }

  async function wrapStream<Part extends AiSdkStreamPartShape, Result extends { stream: ReadableStream<Part> }>(
    wrap: AiSdkWrapOptions & { doStream: () => PromiseLike<Result> },
  ): Promise<Result> {
    const { call, result } = await begin(wrap, wrap.doStream);
    if (call === undefined) return result;
    return { ...result, stream: watchStream(result.stream, call, wrap.model) };
  }

  /**
   * Hands every part on as the caller reads it (no read-ahead: highWaterMark 0) and watches for
   * the answered model, the first content delta and the `finish` part. One event at the end:
   * the stream closed, broke, or the caller cancelled it. A pull-based stream rather than a
   * TransformStream: a transformer's `cancel` hears a broken upstream and a caller's cancel
   * alike, while here the two are told apart (as in the tracking fetch), and nothing is read ahead.
   */
  function watchStream<Part extends AiSdkStreamPartShape>(
    stream: ReadableStream<Part>,
    call: ReturnType<typeof start>,
    modelInfo: AiSdkModelInfo,
  ): ReadableStream<Part> {
    const reader = stream.getReader();
    let model = call.base.model;
    let firstTokenAt: number | undefined;
    let finish: Record<string, unknown> | undefined;
    let errorPart: unknown;
    let sawErrorPart = false;
    let ended = false;

    function observe(part: Part): void {
      if (!isRecord(part)) return;
      if (FIRST_TOKEN_PARTS.has(part.type)) firstTokenAt ??= clock();
      else if (part.type === 'finish') finish = part;
      else if (part.type === 'response-metadata' && typeof part['modelId'] === 'string' && part['modelId'] !== '')
        model = aiSdkModelIdentity(modelInfo.provider, part['modelId']).model;
      else if (part.type === 'error') {
        sawErrorPart = true;
        errorPart = part['error'];
      }
    }

    function end(outcome: 'done' | 'cut' | 'cancelled', reason?: unknown): void {
      if (ended) return;
      ended = true;
      try {
        const timing = {
          durationMs: clock() - call.startedAt,
          timeToFirstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - call.startedAt,
        };
        const usage: MeteredResult =
          finish === undefined
            ? {
                usage: undefined,
                usageUnavailableReason:
                  outcome === 'done'
                    ? 'the stream ended without a finish part'
                    : 'the stream ended before its finish part',
                warnings: [],
              }
            : metered(finish['usage'], finish['providerMetadata'], call.usageProvider);
        let error: EventError | undefined;
        // Stopping after the finish part loses nothing: the call completed.
        if (outcome === 'cancelled')
          error =
            finish === undefined ? { type: 'AbortError', message: 'the caller stopped reading the stream' } : undefined;
        else if (outcome === 'cut') error = eventError(reason, 'stream cut: ');
        else if (sawErrorPart) error = eventError(errorPart, 'stream error part: ');
        record(
          withMeteredResult(
            {
              ...call.base,
              model,
              ...timing,
              status: error === undefined ? 'ok' : 'error',
              ...(error === undefined ? {} : { error }),
            },
            usage,
          ),
        );
      } catch (error) {
        failed(error);
      }
    }

    return new ReadableStream<Part>(
      {
        async pull(controller) {
          let chunk: ReadableStreamReadResult<Part>;
          try {
            chunk = await reader.read();
          } catch (error) {
            controller.error(error);
            end('cut', error);
            return;
          }
          if (chunk.done) {
            controller.close();
            end('done');
            return;
          }
          // Hand the part on first: watching never delays the caller.
          controller.enqueue(chunk.value);
          observe(chunk.value);
        },
        async cancel(reason) {
          end('cancelled', reason);
          await reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
  }

  return {
    specificationVersion: 'v3',
    wrapGenerate,
    wrapStream,
    flush: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    get stats() {
      return { ...stats };
    },
  };
}
