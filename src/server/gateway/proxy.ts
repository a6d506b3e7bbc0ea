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
import type { Logger } from '../../types/index.js';
import { parseTraceparent } from '../../usage/index.js';
import { HttpError } from '../http-error.js';
import { browserRefusal } from '../middleware/browser-guard.js';
import { type Admission, outcomeOfEvent } from '../../budgets/index.js';
import { BudgetExceededError } from '../../errors/index.js';
import { attributionFromHeaders } from './attribution.js';
import { budgetHeaders, requestedMaxOutputTokens, routeBills, sendBudgetRefusal } from './budget-gate.js';
import { checkBodyClean, checkProviderAllowed, createGatewayKeyring, scrubGatewayKeyFromUrl } from './client-key.js';
import { forward } from './forward.js';
import { checkNoLoop, hopsOf, viaValue } from './loop-guard.js';
import { refuseRest } from '../read-body.js';
import { readRequestBody } from './request-body.js';
import { sendError } from './send-error.js';
import type { GatewayRoute, GatewayRuntime } from './types.js';
import { upstreamHeaders } from './upstream-headers.js';

export interface GatewayProxy {
  handle(req: IncomingMessage, res: ServerResponse, route: GatewayRoute): void;
}

export function createGatewayProxy(runtime: GatewayRuntime, logger: Logger): GatewayProxy {
  const keyring = createGatewayKeyring(runtime.gatewayKeys, runtime.locked);

  /** Everything from a read body to the forwarded call; throws what becomes a 4xx. */
  function proceed(req: IncomingMessage, res: ServerResponse, route: GatewayRoute, body: Buffer, startedAt: number) {
    const url = new URL(req.url ?? '/', 'http://gateway');
    // Before the key: a looped request carries the provider key we sent, not a gateway key.
    const hops = hopsOf(req.headers);
    if (hops.length > 0) checkNoLoop(hops, runtime.hopId, upstreamName(route, body, req, url));
    const key = keyring.authenticate(req.headers, url);
    if (key !== undefined) {
      scrubGatewayKeyFromUrl(url, key);
      checkBodyClean(body, key);
    }
    const { attribution, warnings } = attributionFromHeaders(req.headers, key?.attribution);
    const { upstream, pathAndQuery, model, warning } = route.target({ body, key, headers: req.headers, url });
    if (warning !== undefined) warnings.push(warning);
    if (key !== undefined) checkProviderAllowed(key, upstream);
    const headersFor = (bodyLength: number) =>
      upstreamHeaders({
        headers: req.headers,
        method: req.method,
        bodyLength,
        upstream,
        key,
        lendUpstreamKey: runtime.lendUpstreamKey,
        via: viaValue(hops, runtime.hopId),
      });
    const target = new URL(`${upstream.baseURL}${pathAndQuery}`);
    const send = (admission: Admission | undefined): void => {
      // The one edit the gateway makes to a body: asking a plain stream for its usage (a splice).
      const recorded = RECORDED_METHODS.has(req.method ?? 'GET');
      const asked = recorded
        ? withStreamUsageAsked(runtime.streamUsage, upstream.provider, target.href, body)
        : undefined;
      // Reads (GET /v1/models, a file's metadata) are not calls: forwarded, not recorded.
      const id = recorded ? runtime.newEventId() : undefined;
      // Whatever the answer (the upstream's, a 502 or a 504), it names the call's event.
      if (id !== undefined) res.setHeader(EVENT_ID_HEADER, id);
      const exchange = recorded
        ? runtime.tracker.begin({
            id,
            url: target.href,
            model,
            provider: upstream.provider,
            attribution,
            warnings,
            // The app's span for this call, so that the span it exports later is not counted again.
            trace: parseTraceparent(one(req.headers['traceparent'])),
            // Not asked for usage: if none comes, it is estimated from this body and the answer.
            estimateFrom: asked === undefined && isChatCompletionsUrl(target.href) ? body : undefined,
            ...(admission === undefined
              ? {}
              : { onRecorded: (event, answered) => void admission.settle(outcomeOfEvent(event, answered)) }),
          })
        : undefined;
      if (exchange === undefined) void admission?.release();
      const sent = asked === undefined ? body : Buffer.from(asked.buffer, asked.byteOffset, asked.length);
      const original = asked === undefined ? undefined : { body, headers: headersFor(body.length) };
      forward(
        {
          req,
          res,
          route,
          upstream,
          target,
          headers: headersFor(sent.length),
          body: sent,
          original,
          exchange,
          startedAt,
          extraHeaders: budgetHeaders(admission),
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
    // Admission comes before anything is sent: over a cap, the call never leaves.
    budgets
      .admit({
        call: { key: key?.name, ...attribution, provider: upstream.provider, model },
        body,
        maxOutputTokens: requestedMaxOutputTokens(body),
        bills: routeBills(route.label, req.method),
      })
      .then(
        (admission) => {
          if (res.destroyed) {
            // The client left while we held: nothing was sent, nothing is billed.
            void admission.release();
            return;
          }
          send(admission);
        },
        (error: unknown) => {
          if (error instanceof BudgetExceededError) {
            sendBudgetRefusal(res, route.label, error, { startedAt, now: Date.now() });
            return;
          }
          sendError(res, error, logger, { startedAt });
        },
      );
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

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
