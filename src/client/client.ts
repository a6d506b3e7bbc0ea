/**
 * `createClient({ ledger, config })`: generate, stream and batch LLM calls under rate limits,
 * with retries and key rotation, every attempt metered into the ledger.
 *
 * @module
 */
import {
  type BudgetCounters,
  budgetFromConfig,
  type CallOutcome,
  combineOutcomes,
  createBudgetGuard,
  MemoryBudgetCounters,
  outcomeOfEvent,
} from '../budgets/index.js';
import { ProviderError, ValidationError } from '../errors/index.js';
import { createPricer } from '../pricing/index.js';
import { parseConfig, type Config } from '../config/index.js';
import { estimateUsage } from '../usage/index.js';
import { withMeteredResult } from '../ledger/index.js';
import type { RecordInput, UsageEvent } from '../types/index.js';
import { isAttemptFailure, runAttempt, type AttemptOutcome } from './attempt.js';
import { fetchTransport, nodeTransport, type FetchFunction } from './transport.js';
import type { BatchSource } from './batch.js';
import { runClientBatch, type CallTracker } from './client-batch.js';
import { errorOf, mergeSignals } from './call-helpers.js';
import { partialUsage } from './partial-usage.js';
import { providerEnvHeaders } from './providers/registry.js';
import type { ChatMessage, ProviderCall } from './providers/types.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { RETRY_DEFAULTS, retryAfterMs, retryDelayMs, shouldRetry, withRetry, type RetryOptions } from './retry.js';
import { TargetResolver, type CallTarget } from './target.js';
import type { BatchOptions, BatchResult, GenerateRequest, GenerateResult, TextStream, UsageRecorder } from './types.js';
import { UsageSummaryBuilder, type UsageSummary } from './usage-summary.js';
import { createTextStream } from './text-stream.js';

export interface ClientOptions {
  /** Where every attempt is recorded: a Ledger, or anything with its `record()`. */
  ledger: UsageRecorder;
  /** Providers, agents, rate limits, retry. @default the providers found in `process.env` */
  config?: Config;
  /**
   * A `fetch` to send requests with (tests, proxies, other runtimes).
   * @default node:http/https with keep-alive agents (much cheaper per call than fetch)
   */
  fetch?: FetchFunction;
  /** @default over `config.rateLimits`: shared through Redis when `config.redis` is set, else in-process */
  rateLimiter?: RateLimiter;
  /** Overrides `config.retry`. */
  retry?: RetryOptions;
  /** Per-attempt timeout (streams: longest silence). @default 120000 */
  timeoutMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** Variables for OpenRouter attribution headers. @default process.env */
  env?: Record<string, string | undefined>;
  /**
   * Where `config.budgets` are counted. Pass SQLite, PostgreSQL or Redis counters to share
   * them with other processes (and the gateway). @default counters in this process's memory
   */
  budgetCounters?: BudgetCounters;
}

export interface Client {
  generate(request: GenerateRequest): Promise<GenerateResult>;
  stream(request: GenerateRequest): TextStream;
  batch(items: BatchSource<GenerateRequest>, options?: BatchOptions): Promise<BatchResult>;
  /**
   * Resolves what a call names (agent, provider, model) and its keys, without sending
   * anything: throws the ConfigError a call would.
   */
  check(request: Pick<GenerateRequest, 'agent' | 'provider' | 'model'>): { provider: string; model: string };
  /**
   * Totals over every call this client made (generate, stream, batch items): requests,
   * successes, failures, success rate, attempts, tokens, cost. `durationMs` runs from creation
   * or the last `resetStats()`.
   */
  stats(): UsageSummary;
  /** Starts the totals again from zero. */
  resetStats(): void;
  /** Stops the limiter's timers (and its Redis connection, if any). */
  close(): Promise<void>;
}

function messagesOf(request: GenerateRequest): ChatMessage[] {
  if (request.messages !== undefined) {
    if (!Array.isArray(request.messages) || request.messages.length === 0) {
      throw new ValidationError('messages: expected a non-empty array', { field: 'messages' });
    }
    return request.messages;
  }
  if (typeof request.prompt === 'string' && request.prompt !== '') return [{ role: 'user', content: request.prompt }];
  throw new ValidationError('a call needs a prompt or messages', { field: 'prompt' });
}

/**
 * Tokens a call is expected to use, for tpm limits: the input counted with the tokenizer plus
 * the output cap (OpenAI counts `max_tokens` against TPM when a request arrives). Corrected by
 * the real usage when the call ends.
 */
function expectedTokens(call: ProviderCall): number {
  const messages =
    call.system === undefined ? call.messages : [{ role: 'system', content: call.system }, ...call.messages];
  const input = estimateUsage({ model: call.model, messages }).usage?.inputTokens;
  let chars = 0;
  for (const message of messages) chars += message.content.length;
  return (input ?? Math.ceil(chars / 4)) + (call.maxTokens ?? 0);
}

export function createClient(options: ClientOptions): Client {
  const config = options.config ?? parseConfig({}, 'env', process.env);
  const env = options.env ?? process.env;
  const transport = options.fetch === undefined ? nodeTransport() : fetchTransport(options.fetch);
  const now = options.now ?? Date.now;
  const limiter =
    options.rateLimiter ??
    (config.redis === undefined
      ? createRateLimiter({ limits: config.rateLimits, now })
      : createRedisRateLimiter({ redis: config.redis, limits: config.rateLimits }));
  const retry: RetryOptions = { ...config.retry, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 120_000;
  const resolver = new TargetResolver(config, (provider) => providerEnvHeaders(provider.id, env));
  const recorder = options.ledger;
  const flushRecorder = recorder.flush?.bind(recorder);
  const budgets =
    config.budgets.length === 0
      ? undefined
      : createBudgetGuard({
          budgets: config.budgets.map(budgetFromConfig),
          counters: options.budgetCounters ?? new MemoryBudgetCounters(),
          pricer: createPricer({ overrides: config.prices }),
          now,
        });
  const tpmRules = config.rateLimits.filter((rule) => rule.tpm !== undefined);
  const tpmLimited = (provider: string, model: string): boolean =>
    options.rateLimiter !== undefined ||
    tpmRules.some((rule) => rule.provider === provider && (rule.model === undefined || rule.model === model));

  async function record(input: RecordInput): Promise<UsageEvent | undefined> {
    try {
      return await recorder.record(input);
    } catch {
      // The ledger is fail-open for store outages; a refused input must not break the call either.
      return undefined;
    }
  }

  function attributionOf(request: GenerateRequest): Pick<RecordInput, 'agent' | 'run' | 'tags'> {
    return {
      ...(request.agent === undefined ? {} : { agent: request.agent }),
      ...(request.run === undefined ? {} : { run: request.run }),
      ...(request.tags === undefined ? {} : { tags: request.tags }),
    };
  }

  /** Every call this client has made: the seed's `get_usage_stats()`. */
  let totals = new UsageSummaryBuilder(now());

  /** Runs one call and counts it in the client's totals. */
  async function counted(
    request: GenerateRequest,
    onDelta?: (text: string) => void,
    tracker: CallTracker = { attempts: 0 },
  ): Promise<GenerateResult> {
    try {
      const result = await execute(request, onDelta, tracker);
      totals.add({ ok: true, attempts: result.attempts, usage: result.usage, costNanos: result.cost?.totalNanos });
      return result;
    } catch (error) {
      totals.add({ ok: false, attempts: tracker.attempts, usage: undefined, costNanos: undefined });
      throw error;
    }
  }

  /** The call itself: limiter, key, attempt, metering, retry. */
  async function execute(
    request: GenerateRequest,
    onDelta?: (text: string) => void,
    tracker: CallTracker = { attempts: 0 },
  ): Promise<GenerateResult> {
    const target: CallTarget = resolver.resolve(request);
    const agent = target.agent;
    const system = request.system ?? agent?.system;
    const temperature = request.temperature ?? agent?.temperature;
    const maxTokens = request.maxTokens ?? agent?.maxTokens;
    const call: ProviderCall = {
      model: target.model,
      messages: messagesOf(request),
      stream: onDelta !== undefined,
      ...(system === undefined ? {} : { system }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(request.json === undefined ? {} : { json: request.json }),
    };
    const attribution = attributionOf(request);
    // Over a budget the call is refused here, before anything is sent or retried.
    const admission = await budgets?.admit({
      call: { ...attribution, provider: target.provider, model: target.model },
      body: JSON.stringify(call),
      maxOutputTokens: call.maxTokens,
    });
    const attemptOutcomes: CallOutcome[] = [];
    try {
      const result = await executeAdmitted(request, target, call, attribution, attemptOutcomes, onDelta, tracker);
      attemptOutcomes.push(outcomeOfEvent(result.event));
      return result;
    } finally {
      void admission?.settle(combineOutcomes(attemptOutcomes));
    }
  }

  /** The call once admitted: limiter, key, attempt, metering, retry; each attempt's outcome into `outcomes`. */
  async function executeAdmitted(
    request: GenerateRequest,
    target: CallTarget,
    call: ProviderCall,
    attribution: Pick<RecordInput, 'agent' | 'run' | 'tags'>,
    outcomes: CallOutcome[],
    onDelta: ((text: string) => void) | undefined,
    tracker: CallTracker,
  ): Promise<GenerateResult> {
    const key = { provider: target.provider, model: target.model };
    // Counting tokens costs a tokenizer pass: only when a tpm limit applies to this call.
    const tokens = tpmLimited(target.provider, target.model) ? expectedTokens(call) : 0;
    let delivered = false;
    let attempts = 0;
    const deltaSink =
      onDelta === undefined
        ? undefined
        : (text: string) => {
            delivered = true;
            onDelta(text);
          };
    const outcome: AttemptOutcome = await withRetry(
      async (attempt) => {
        attempts = attempt;
        tracker.attempts = attempt;
        // The key first: when every key was refused, no slot is taken and nothing is sent.
        const lease = target.keys?.next();
        const permit = await limiter.acquire(key, {
          tokens,
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        });
        try {
          const result = await runAttempt({
            target,
            call,
            apiKey: lease?.value,
            transport,
            timeoutMs: request.timeoutMs ?? timeoutMs,
            signal: request.signal,
            now,
            ...(deltaSink === undefined ? {} : { onDelta: deltaSink }),
          });
          const hint = target.adapter.readRateLimit(result.headers, now());
          permit.release({
            ...(result.usage.usage?.totalTokens === undefined ? {} : { tokens: result.usage.usage.totalTokens }),
            ...(hint === undefined ? {} : { hint }),
          });
          return result;
        } catch (failure) {
          const error = isAttemptFailure(failure) ? failure.error : failure;
          const durationMs = isAttemptFailure(failure) ? failure.durationMs : 0;
          let pauseMs: number | undefined;
          if (error instanceof ProviderError && lease !== undefined && target.keys !== undefined) {
            if (error.status === 401) target.keys.revoke(lease);
            if (error.status === 429) {
              const asked = retryAfterMs(error.headers, now());
              // With another key to rotate to, only this key rests; alone, the whole bucket pauses.
              if (target.keys.hasAlternative(lease)) target.keys.rest(lease, asked ?? 1000);
              else pauseMs = asked;
            }
          } else if (error instanceof ProviderError && error.status === 429) {
            pauseMs = retryAfterMs(error.headers, now());
          }
          const hint =
            error instanceof ProviderError && error.headers !== undefined
              ? target.adapter.readRateLimit(error.headers, now())
              : undefined;
          permit.release({ ...(pauseMs === undefined ? {} : { pauseMs }), ...(hint === undefined ? {} : { hint }) });
          const partial = isAttemptFailure(failure) ? failure.partial : undefined;
          const failed: RecordInput = {
            provider: target.provider,
            model: target.model,
            requestedModel: target.model,
            ...attribution,
            status: 'error',
            error: errorOf(error),
            durationMs,
            attempts: attempt,
          };
          const failedEvent = await record(
            partial === undefined
              ? { ...failed, usageUnavailableReason: 'the call failed' }
              : withMeteredResult(failed, partialUsage(error, call, partial)),
          );
          outcomes.push(outcomeOfEvent(failedEvent, error instanceof ProviderError && error.status !== undefined));
          throw error;
        }
      },
      {
        ...retry,
        maxAttempts: request.maxAttempts ?? retry.maxAttempts ?? RETRY_DEFAULTS.maxAttempts,
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        now,
        // A stream that already handed out text cannot be replayed; a refused key can be swapped.
        shouldRetry: (error) =>
          !delivered &&
          (shouldRetry(error) ||
            (error instanceof ProviderError && error.status === 401 && (target.keys?.liveCount ?? 0) > 0)),
        delayMs: (attempt, error) => {
          if (
            error instanceof ProviderError &&
            (error.status === 401 || error.status === 429) &&
            (target.keys?.liveCount ?? 0) > 1
          ) {
            return 0;
          }
          return retryDelayMs(attempt, error, retry, { now });
        },
      },
    );
    if (!call.stream && outcome.usage.usage === undefined) {
      // A complete answer without usage (some OpenAI-compatible servers): count it locally and
      // say so. A stream cut short stays "usage unavailable" (DESIGN.md), never an estimate; one
      // the caller cancelled is counted in partial-usage.ts.
      const messages =
        call.system === undefined ? call.messages : [{ role: 'system', content: call.system }, ...call.messages];
      const estimate = estimateUsage({ model: target.model, messages, output: outcome.text });
      if (estimate.usage !== undefined) outcome.usage = { ...estimate, model: outcome.usage.model ?? target.model };
    }
    // The answer is in: a batch may send its next call while this one's event is stored. Not
    // under budgets: what this call spent must be settled before the next one is admitted.
    if (budgets === undefined && tracker.answered !== undefined) {
      tracker.answered();
      // The event is built and stored after this turn's I/O (setImmediate): the next call goes
      // out first, and so do those of the other answers read in this turn, without waiting for
      // each other's metering.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const event = await record(
      withMeteredResult(
        {
          provider: target.provider,
          model: target.model,
          requestedModel: target.model,
          ...attribution,
          status: 'ok',
          durationMs: outcome.durationMs,
          ...(outcome.timeToFirstTokenMs === undefined ? {} : { timeToFirstTokenMs: outcome.timeToFirstTokenMs }),
          attempts,
        },
        outcome.usage,
      ),
    );
    return {
      text: outcome.text,
      usage: outcome.usage.usage,
      cost: event?.cost ?? null,
      event,
      attempts,
      provider: target.provider,
      model: outcome.usage.model ?? target.model,
      finishReason: outcome.finishReason,
      durationMs: outcome.durationMs,
      timeToFirstTokenMs: outcome.timeToFirstTokenMs,
    };
  }

  function stream(request: GenerateRequest): TextStream {
    const controller = new AbortController();
    const signal = mergeSignals(request.signal, controller.signal);
    return createTextStream(
      (onDelta) => counted({ ...request, ...(signal === undefined ? {} : { signal }) }, onDelta),
      () => controller.abort(),
    );
  }

  function batch(items: BatchSource<GenerateRequest>, batchOptions: BatchOptions = {}): Promise<BatchResult> {
    return runClientBatch({
      items,
      options: batchOptions,
      call: (request, tracker) => counted(request, undefined, tracker),
      ...(flushRecorder === undefined ? {} : { flush: flushRecorder }),
      now,
    });
  }

  return {
    generate: (request) => counted(request),
    stats: () => totals.build(now()),
    resetStats: () => {
      totals = new UsageSummaryBuilder(now());
    },
    check: (request) => {
      const target = resolver.resolve(request);
      return { provider: target.provider, model: target.model };
    },
    stream,
    batch,
    close: () => limiter.close(),
  };
}
