/**
 * Sends one gateway call upstream over a keep-alive agent, with the opt-in retries of
 * `server.retry` (only before any byte went to the client), and turns what cannot be
 * delivered into a 502 or 504 that is recorded as a failed call.
 *
 * @module
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { retryDelayMs } from '../../client/index.js';
import { ConnectionError, type ProviderError, TimeoutError, providerErrorFromStatus } from '../../errors/index.js';
import type { Exchange } from '../../http/index.js';
import { refusesIncludeUsage } from '../../usage/index.js';
import type { Logger } from '../../types/index.js';
import { HttpError } from '../http-error.js';
import type { BodyTap } from './batch-results.js';
import { acceptsTrailers } from './cost-header.js';
import { deliverResponse } from './deliver-response.js';
import { refuseRest } from '../read-body.js';
import { sendError } from './send-error.js';
import { pipeBody, type StreamedBody } from './streamed-body.js';
import type { GatewayRetry, GatewayRoute, GatewayRuntime } from './types.js';
import type { Upstream } from './upstreams.js';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 30_000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 30_000 });

export interface ForwardCall {
  req: IncomingMessage;
  res: ServerResponse;
  route: GatewayRoute;
  upstream: Upstream;
  target: URL;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /**
   * Set for an upload streamed through (streamed-body.ts): sent instead of `body`, once (no
   * retry: its bytes are gone once sent).
   */
  streamed?: StreamedBody;
  /**
   * The client's own body and its headers, when `body` has stream_options.include_usage added:
   * sent instead if the upstream refuses the option, and the answer's added usage is removed.
   */
  original?: { body: Buffer; headers: OutgoingHttpHeaders };
  /** `undefined` for calls that are not recorded (GET /v1/models). */
  exchange: Exchange | undefined;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  /** Headers added to the answer, whatever it is (`x-tokenledger-budget-*`). */
  extraHeaders?: OutgoingHttpHeaders;
  /**
   * The next attempt of a fallback chain (fallbacks.ts). When set, a 429 or 5xx answer, or no
   * answer at all, once any retries are spent, is recorded as this attempt's failure and this
   * is called instead of answering the client (nothing has been sent to it yet).
   */
  fallback?: () => void;
  /** Sees a 2xx answer's body as it passes to the client (a batch's results, batch-results.ts). */
  bodyTap?: BodyTap;
  /** Edits a whole 2xx answer of a read (an Anthropic batch's `results_url`, results-url.ts). */
  rewrite?: (body: Buffer) => Buffer;
}

/**
 * Whether an answer is a failure to fall back from: a 429 or a 5xx, unless it is another
 * tokenledger's budget refusal (a caller's cap, not the provider's trouble: the next model
 * would be refused the same).
 */
function fallsBack(status: number, headers: IncomingMessage['headers']): boolean {
  if (status !== 429 && status < 500) return false;
  return headers['x-tokenledger-budget-refused'] === undefined;
}

function timeoutError(ms: number): Error {
  const error = new Error(`the upstream sent nothing for ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

function retryFor(runtime: GatewayRuntime, route: GatewayRoute): GatewayRetry | undefined {
  const retry = runtime.retry;
  return retry !== undefined && (retry.routes === '*' || retry.routes.has(route.label)) ? retry : undefined;
}

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
  return headers;
}

/** The answer to a call the upstream never answered. */
function undeliverable(upstream: Upstream, timedOut: boolean, timeoutMs: number): HttpError {
  return timedOut
    ? new HttpError(504, 'upstream_timeout', `the upstream (${upstream.provider}) sent nothing within ${timeoutMs} ms`)
    : new HttpError(
        502,
        'upstream_unreachable',
        `the upstream (${upstream.provider}) could not be reached or closed the connection`,
      );
}

/** Error answers larger than this are not checked for a refused option, only passed on. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Reads an error answer up to the limit; `ended` when that was all of it. */
function readErrorBody(response: IncomingMessage): Promise<{ bytes: Buffer; ended: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (ended: boolean): void => {
      response.off('data', onData);
      response.off('end', onEnd);
      response.off('error', onEnd);
      if (!ended) response.pause();
      resolve({ bytes: Buffer.concat(chunks, size), ended });
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > MAX_ERROR_BODY_BYTES) finish(false);
    };
    const onEnd = (): void => finish(true);
    response.on('data', onData);
    response.on('end', onEnd);
    response.on('error', onEnd);
  });
}

export function forward(call: ForwardCall, runtime: GatewayRuntime, logger: Logger): void {
  const { req, res, route, upstream, target, exchange, startedAt, extraHeaders } = call;
  const { limits, metrics } = runtime;
  const secure = target.protocol === 'https:';
  const retry = retryFor(runtime, route);
  const maxAttempts = call.streamed === undefined ? (retry?.options.maxAttempts ?? 1) : 1;
  let current: http.ClientRequest | undefined;
  let clientGone = false;
  // Whether the body sent carries the option we added (until the upstream refuses it).
  let asking = call.original !== undefined;

  res.on('close', () => {
    if (res.writableFinished) return;
    // The client went away: stop the upstream, record what we saw.
    clientGone = true;
    exchange?.end('cancelled');
    current?.destroy();
  });

  /** Waits as the retry policy says, then sends again; false when no retry is due. */
  const retryLater = (attempt: number, error: ProviderError): boolean => {
    if (retry === undefined || attempt >= maxAttempts || clientGone || !error.retryable) return false;
    exchange?.retry();
    setTimeout(
      () => {
        if (!clientGone) send(attempt + 1);
      },
      retryDelayMs(attempt, error, retry.options),
    );
    return true;
  };

  const send = (attempt: number): void => {
    const { body, headers } = asking || call.original === undefined ? call : call.original;
    const upstreamRequest = (secure ? https : http).request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port === '' ? (secure ? 443 : 80) : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: req.method,
      headers,
      agent: secure ? httpsAgent : httpAgent,
    });
    current = upstreamRequest;
    // An idle timeout: fires when the upstream sends nothing (headers or body) for that long.
    upstreamRequest.setTimeout(limits.upstreamTimeoutMs, () =>
      upstreamRequest.destroy(timeoutError(limits.upstreamTimeoutMs)),
    );
    let answered = false;
    // The upload refused on the way (over the limit, or carrying the gateway key).
    let refused: HttpError | undefined;
    // The call went on to the next attempt of its fallback chain.
    let handedOver = false;
    const sentAt = performance.now();

    upstreamRequest.on('response', (upstreamResponse) => {
      answered = true;
      const answeredAt = performance.now();
      const status = upstreamResponse.statusCode ?? 502;
      if (retry !== undefined && status >= 400) {
        const error = providerErrorFromStatus(status, `HTTP ${status}`, { headers: headersOf(upstreamResponse) });
        if (retryLater(attempt, error)) {
          upstreamResponse.resume();
          return;
        }
      }
      if (call.fallback !== undefined && !clientGone && fallsBack(status, upstreamResponse.headers)) {
        exchange?.respond(status, upstreamResponse.statusMessage ?? '', upstreamResponse.headers['content-type'] ?? '');
        // The rest of this answer is drained and dropped: a cut in it is no longer the client's concern.
        handedOver = true;
        upstreamResponse.on('error', () => {});
        upstreamResponse.resume();
        call.fallback();
        return;
      }
      const deliver = (prefix?: Buffer, ended?: boolean): void => {
        const overheadMs = sentAt - startedAt + (performance.now() - answeredAt);
        deliverResponse({
          upstreamResponse,
          res,
          exchange,
          overheadMs,
          removeAddedUsage: asking,
          prefix,
          ended,
          ...(extraHeaders === undefined ? {} : { extraHeaders }),
          priceOf: runtime.priceOf,
          acceptsTrailers: acceptsTrailers(one(req.headers.te)),
          ...(call.bodyTap === undefined ? {} : { bodyTap: call.bodyTap }),
          ...(call.rewrite === undefined ? {} : { rewrite: call.rewrite }),
        });
        metrics.observeOverhead(route.label, overheadMs);
      };
      if (asking && (status === 400 || status === 422)) {
        // Refused because of the option we added? Then once more, as the client sent it.
        readErrorBody(upstreamResponse).then(({ bytes, ended }) => {
          if (clientGone) return;
          if (ended && refusesIncludeUsage(status, bytes)) {
            asking = false;
            runtime.noteRefusal(upstream.provider, route.label);
            exchange?.retry();
            if (call.original !== undefined) exchange?.estimateFrom(call.original.body);
            send(attempt);
            return;
          }
          deliver(bytes, ended);
        });
        return;
      }
      deliver();
    });
    upstreamRequest.on('error', (error) => {
      if (handedOver) return;
      if (refused !== undefined && error === refused) {
        // Part of the upload reached the provider: recorded as a failed call, then answered.
        exchange?.fail(refused);
        if (answered) res.destroy();
        else {
          refuseRest(req, res);
          sendError(res, refused, logger, {
            startedAt,
            ...(extraHeaders === undefined ? {} : { extraHeaders }),
          });
        }
        return;
      }
      if (answered) {
        exchange?.end('cut', error);
        res.destroy();
        return;
      }
      if (clientGone) return;
      const timedOut = error.name === 'TimeoutError';
      const failure = timedOut ? new TimeoutError(error.message) : new ConnectionError(error.message);
      if (retryLater(attempt, failure)) return;
      exchange?.fail(error);
      if (call.fallback !== undefined) {
        call.fallback();
        return;
      }
      sendError(res, undeliverable(upstream, timedOut, limits.upstreamTimeoutMs), logger, {
        startedAt,
        ...(extraHeaders === undefined ? {} : { extraHeaders }),
      });
    });
    if (call.streamed === undefined) upstreamRequest.end(body);
    else
      pipeBody(call.streamed, upstreamRequest, (error) => {
        refused = error;
        upstreamRequest.destroy(error);
      });
  };
  send(1);
}

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);
