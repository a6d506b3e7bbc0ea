/**
 * The gateway's hot path, on plain node:http (no Request/Response objects, no fetch): read the
 * request body (request-body.ts), check the client's gateway key (client-key.ts), pick the
 * upstream (the route's `target`), build the upstream headers (upstream-headers.ts), forward
 * and pipe the answer back as it comes (forward.ts, deliver-response.ts). Usage is metered
 * from the passing chunks by the same exchange tracker as the tracking fetch. Every response
 * says how long the gateway itself took in `x-tokenledger-overhead-ms`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isChatCompletionsUrl, withStreamUsageAsked } from '../../http/index.js';
import type { Attribution, Logger } from '../../types/index.js';
import { parseTraceparent, spliceModel } from '../../usage/index.js';
import { HttpError } from '../http-error.js';
import { browserRefusal } from '../middleware/browser-guard.js';
import { type Admission, outcomeOfEvent } from '../../budgets/index.js';
import { BudgetExceededError } from '../../errors/index.js';
import { attributionFromHeaders } from './attribution.js';
import { batchResultsTap } from './batch-results.js';
import { budgetHeaders, requestedMaxOutputTokens, routeBills, sendBudgetRefusal } from './budget-gate.js';
import { checkBodyClean, checkProviderAllowed, createGatewayKeyring, scrubGatewayKeyFromUrl } from './client-key.js';
import { forward } from './forward.js';
import { checkNoLoop, hopsOf, viaValue } from './loop-guard.js';
import { refuseRest } from '../read-body.js';
import { readRequestBody } from './request-body.js';
import { sendError } from './send-error.js';
import { type StreamedBody, uploadTooLarge } from './streamed-body.js';
import { gatewayAnthropicBase, pointResultsUrlsHere } from './results-url.js';
import type { FallbackStep, GatewayRoute, GatewayRuntime } from './types.js';
import { upstreamHeaders } from './upstream-headers.js';
import type { Upstream } from './upstreams.js';

export interface GatewayProxy {
  handle(req: IncomingMessage, res: ServerResponse, route: GatewayRoute): void;
}

export function createGatewayProxy(runtime: GatewayRuntime, logger: Logger): GatewayProxy {
  const keyring = createGatewayKeyring(runtime.gatewayKeys, runtime.locked);

  /** Everything from a read body to the forwarded call; throws what becomes a 4xx. */
  function proceed(
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    body: Buffer,
    startedAt: number,
    streamed?: StreamedBody,
  ) {
    const url = new URL(req.url ?? '/', 'http://gateway');
    // Before the key: a looped request carries the provider key we sent, not a gateway key.
    const hops = hopsOf(req.headers);
    if (hops.length > 0) checkNoLoop(hops, runtime.hopId, upstreamName(route, body, req, url));
    const key = keyring.authenticate(req.headers, url);
    if (key !== undefined) {
      scrubGatewayKeyFromUrl(url, key);
      // A streamed upload is checked as it passes (streamed-body.ts).
      if (streamed === undefined) checkBodyClean(body, key);
    }
    const { attribution, warnings } = attributionFromHeaders(req.headers, key?.attribution);
    const { upstream, pathAndQuery, model, warning, batchResults, resultsUrl } = route.target({
      body,
      key,
      headers: req.headers,
      url,
    });
    if (warning !== undefined) warnings.push(warning);
    if (key !== undefined) checkProviderAllowed(key, upstream);
    // The rest of the call's fallback chain, when one covers it (fallbacks.ts).
    // An upload streamed through is sent once: no chain can send it again.
    const found =
      streamed === undefined ? runtime.fallbacks.after(route.label, key, upstream.provider, model) : undefined;
    const first = upstream;
    // Without a gateway key, a step on another provider needs the server's key for it, lent only
    // where it may be (upstream-headers.ts): the client's own key is never sent there. The chain
    // stops before a step with no key to send.
    const usable = (step: FallbackStep): boolean =>
      key !== undefined ||
      step.upstream.id === first.id ||
      (runtime.lendUpstreamKey && step.upstream.apiKey !== undefined);
    const stop = found?.findIndex((step) => !usable(step)) ?? -1;
    const chain = found === undefined || stop === -1 ? found : found.slice(0, stop);
    const via = viaValue(hops, runtime.hopId);
    const recorded = RECORDED_METHODS.has(req.method ?? 'GET');
    // The first attempt's event id: every attempt of a chained call names it (tag attempt_of).
    let callId: string | undefined;

    /** One attempt of the call: admitted by the budgets on its own, sent, recorded as its own event. */
    const attempt = (number: number, step: AttemptStep): void => {
      const { upstream, model, body } = step;
      const headersFor = (bodyLength: number | undefined) =>
        upstreamHeaders({
          headers: req.headers,
          method: req.method,
          bodyLength,
          upstream,
          key,
          lendUpstreamKey: runtime.lendUpstreamKey,
          via,
          clientAuth: upstream.id === first.id,
        });
      const target = new URL(`${upstream.baseURL}${pathAndQuery}`);
      const next = nextStep(chain, number, body);
      const send = (admission: Admission | undefined, admissionMs?: number): void => {
        // The one edit the gateway makes to a body: asking a plain stream for its usage (a splice).
        const asked = recorded
          ? withStreamUsageAsked(runtime.streamUsage, upstream.provider, target.href, body)
          : undefined;
        // Reads (GET /v1/models, a file's metadata) are not calls: forwarded, not recorded.
        const id = recorded ? runtime.newEventId() : undefined;
        callId ??= id;
        // Whatever the answer (the upstream's, a 502 or a 504), it names the call's event.
        if (id !== undefined) res.setHeader(EVENT_ID_HEADER, id);
        if (chain !== undefined) {
          // Which attempt answered: the last one set before the answer goes out.
          res.setHeader(ATTEMPT_HEADER, String(number));
          res.setHeader(ATTEMPT_PROVIDER_HEADER, upstream.provider);
          if (model !== undefined) res.setHeader(ATTEMPT_MODEL_HEADER, model);
        }
        const exchange = recorded
          ? runtime.tracker.begin({
              id,
              url: target.href,
              model,
              provider: upstream.provider,
              attribution: chain === undefined ? attribution : withAttemptTags(attribution, number, callId),
              warnings,
              // The app's span for this call, so that the span it exports later is not counted again.
              trace: parseTraceparent(one(req.headers['traceparent'])),
              // Not asked for usage: if none comes, it is estimated from this body and the answer.
              estimateFrom: asked === undefined && isChatCompletionsUrl(target.href) ? body : undefined,
              // Under a budget, a stream the client cancels settles to its input plus what was streamed.
              countCancelledFrom: admission !== undefined && admission.budgets.length > 0 ? body : undefined,
              ...(admission === undefined
                ? {}
                : { onRecorded: (event, answered) => void admission.settle(outcomeOfEvent(event, answered)) }),
            })
          : undefined;
        if (exchange === undefined) void admission?.release();
        // A read is not a call, but a batch's results in it are calls (one event per item).
        const bodyTap =
          exchange === undefined && batchResults !== undefined
            ? batchResultsTap({
                fileId: batchResults.id,
                format: batchResults.format,
                provider: upstream.provider,
                attribution,
                record: (input) => runtime.tracker.record(input),
                now: Date.now,
              })
            : undefined;
        const base =
          resultsUrl === true
            ? gatewayAnthropicBase(req.headers.host, one(req.headers['x-forwarded-proto']))
            : undefined;
        const rewrite =
          exchange === undefined && base !== undefined
            ? (answer: Buffer) => pointResultsUrlsHere(answer, new URL(upstream.baseURL).origin, base)
            : undefined;
        const sent = asked === undefined ? body : Buffer.from(asked.buffer, asked.byteOffset, asked.length);
        const original = asked === undefined ? undefined : { body, headers: headersFor(body.length) };
        forward(
          {
            req,
            res,
            route,
            upstream,
            target,
            headers: headersFor(streamed === undefined ? sent.length : streamed.declaredLength),
            body: sent,
            ...(streamed === undefined ? {} : { streamed: { ...streamed, forbidden: key?.key } }),
            original,
            exchange,
            startedAt,
            extraHeaders: budgetHeaders(admission, admissionMs),
            ...(bodyTap === undefined ? {} : { bodyTap }),
            ...(rewrite === undefined ? {} : { rewrite }),
            ...(next === undefined
              ? {}
              : {
                  fallback: () => {
                    try {
                      attempt(number + 1, next);
                    } catch (error) {
                      sendError(res, error, logger, { startedAt });
                    }
                  },
                }),
          },
          runtime,
          logger,
        );
      };
      const budgets = runtime.budgets;
      if (budgets === undefined) {
        send(undefined);
        return;
      }
      // Admission comes before anything is sent: over a cap, the attempt never leaves (and no
      // later one is tried: a cap is not a provider's failure).
      const admitting = performance.now();
      budgets
        .admit({
          call: { key: key?.name, ...attribution, provider: upstream.provider, model },
          body,
          maxOutputTokens: requestedMaxOutputTokens(body),
          bills: routeBills(target.href, req.method),
        })
        .then(
          (admission) => {
            if (res.destroyed) {
              // The client left while we held: nothing was sent, nothing is billed.
              void admission.release();
              return;
            }
            send(admission, performance.now() - admitting);
          },
          (error: unknown) => {
            if (error instanceof BudgetExceededError) {
              sendBudgetRefusal(res, route.label, error, { startedAt, now: Date.now() });
              return;
            }
            sendError(res, error, logger, { startedAt });
          },
        );
    };
    attempt(1, { upstream, model, body });
  }

  /** An upload streamed through (streamed-body.ts): refused at once when its declared length is over the limit. */
  function handleStreamed(req: IncomingMessage, res: ServerResponse, route: GatewayRoute, startedAt: number): void {
    const maxBytes = runtime.limits.maxGatewayUploadBytes;
    const what = `${req.method ?? 'POST'} ${new URL(req.url ?? '/', 'http://gateway').pathname}`;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    // Whatever answers before the body is all read (a 413, a 401, a budget's 429, an early
    // upstream error), the rest is not read in full (read-body.ts).
    refuseRest(req, res);
    if (declared > maxBytes) {
      sendError(res, uploadTooLarge(what, maxBytes), logger, { startedAt });
      return;
    }
    // Not read until the upstream call is made (pipeBody resumes it).
    req.pause();
    try {
      proceed(req, res, route, EMPTY_BODY, startedAt, {
        source: req,
        maxBytes,
        declaredLength: Number.isFinite(declared) ? declared : undefined,
        what,
        forbidden: undefined,
      });
    } catch (error) {
      sendError(res, error, logger, { startedAt });
    }
  }

  return {
    handle(req, res, route) {
      const startedAt = performance.now();
      const refusal = browserRefusal(
        {
          host: req.headers.host,
          origin: req.headers.origin,
          secFetchSite: one(req.headers['sec-fetch-site']),
          secFetchMode: one(req.headers['sec-fetch-mode']),
          method: req.method ?? 'GET',
        },
        runtime.browser,
      );
      if (refusal !== undefined) {
        refuseRest(req, res);
        sendError(res, refusal, logger, { startedAt });
        return;
      }
      if (route.streamsBody === true) {
        handleStreamed(req, res, route, startedAt);
        return;
      }
      readRequestBody(req, runtime.limits.maxGatewayBodyBytes).then(
        (body) => {
          try {
            proceed(req, res, route, body, startedAt);
          } catch (error) {
            sendError(res, error, logger, { startedAt });
          }
        },
        (error: unknown) => {
          // The client hung up mid-body: nobody to answer.
          if (!(error instanceof HttpError)) {
            res.destroy();
            return;
          }
          refuseRest(req, res);
          sendError(res, error, logger, { startedAt });
        },
      );
    },
  };
}

const EMPTY_BODY = Buffer.alloc(0);

/** What one attempt sends: the client's body, with `model` spliced on a fallback. */
interface AttemptStep {
  upstream: Upstream;
  model: string | undefined;
  body: Buffer;
}

/** The attempt after attempt `number` of a chain (`chain` holds the steps after the first). */
function nextStep(chain: readonly FallbackStep[] | undefined, number: number, body: Buffer): AttemptStep | undefined {
  const step = chain?.[number - 1];
  if (step === undefined) return undefined;
  const spliced = spliceModel(body, step.model);
  if (spliced === undefined) return undefined;
  return {
    upstream: step.upstream,
    model: step.model,
    body: Buffer.from(spliced.buffer, spliced.byteOffset, spliced.length),
  };
}

/**
 * A chained call's attribution on one attempt: the reserved tags `attempt` (1, 2, ...) and
 * `attempt_of` (the first attempt's event id: `tag.attempt_of=ID` lists every attempt).
 */
function withAttemptTags(
  attribution: Attribution | undefined,
  number: number,
  callId: string | undefined,
): Attribution {
  const tags: Record<string, string> = { ...attribution?.tags, attempt: String(number) };
  if (callId !== undefined) tags['attempt_of'] = callId;
  return { ...attribution, tags };
}

/** The upstream a request would go to, for the loop message; the route label when it cannot be told. */
function upstreamName(route: GatewayRoute, body: Buffer, req: IncomingMessage, url: URL): string {
  try {
    const { upstream } = route.target({ body, key: undefined, headers: req.headers, url });
    return `${upstream.id} (${upstream.baseURL})`;
  } catch {
    return `of ${route.label}`;
  }
}

/** Methods whose calls are recorded: what creates, changes or deletes; GET, HEAD and OPTIONS only read. */
const RECORDED_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The id of the event a gateway call is recorded as (GET /analytics/events lists it). */
export const EVENT_ID_HEADER = 'x-tokenledger-event-id';

/** On a call a fallback chain covers: the attempt that answered (1 is the first), its provider and model. */
export const ATTEMPT_HEADER = 'x-tokenledger-attempt';
export const ATTEMPT_PROVIDER_HEADER = 'x-tokenledger-attempt-provider';
export const ATTEMPT_MODEL_HEADER = 'x-tokenledger-attempt-model';

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
