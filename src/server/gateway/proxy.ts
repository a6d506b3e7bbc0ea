/**
 * The gateway's hot path, on plain node:http (no Request/Response objects, no fetch): read the
 * small JSON request, check the gateway key, forward over a keep-alive agent and pipe the
 * upstream's answer back as it comes: same status, same headers (minus hop-by-hop), body bytes
 * untouched and unbuffered, with backpressure (pipe). Usage is metered from the passing chunks
 * by the same exchange tracker as the tracking fetch and recorded after the response ended.
 * Every response says how long the gateway itself took in `x-tokenledger-overhead-ms`.
 *
 * @module
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { retryDelayMs } from '../../client/index.js';
import {
  ConnectionError,
  type ProviderError,
  TimeoutError,
  TokenledgerError,
  providerErrorFromStatus,
} from '../../errors/index.js';
import type { Logger } from '../../types/index.js';
import { HttpError } from '../http-error.js';
import { matchKey } from '../middleware/auth.js';
import { attributionFromHeaders } from './attribution.js';
import type { GatewayKey, GatewayRoute, GatewayRuntime } from './types.js';

/** Never forwarded: hop-by-hop (RFC 9110 7.6.1), recomputed, or ours. */
const DROP_REQUEST = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'expect',
]);
const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'trailer',
]);
const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key'];

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 30_000 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 30_000 });

function timeoutError(ms: number): Error {
  const error = new Error(`the upstream sent nothing for ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/** Writes the one JSON error shape (as app.onError does); never internals. */
export function sendError(res: ServerResponse, error: unknown, logger: Logger, startedAt?: number): void {
  // The client may be gone already (it hung up while we waited on the upstream).
  if (res.destroyed || res.writableEnded) return;
  let status = 500;
  let body: { error: { code: string; message: string; field?: string } } = {
    error: { code: 'internal', message: 'internal error' },
  };
  if (error instanceof HttpError) {
    status = error.status;
    body = {
      error: { code: error.code, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) },
    };
  } else if (TokenledgerError.isInstance(error) && (error.code === 'invalid_input' || error.code === 'config')) {
    status = 400;
    body = {
      error: { code: error.code, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) },
    };
  } else {
    logger.error('gateway failure', { error: error instanceof Error ? error.message : String(error) });
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  };
  // Gateway errors carry the overhead header too (here: the whole time spent, the upstream included).
  if (startedAt !== undefined) headers['x-tokenledger-overhead-ms'] = (performance.now() - startedAt).toFixed(3);
  res.writeHead(status, headers);
  res.end(text);
}

/** The key a client presented, from plain node headers (see middleware/auth.ts presentedKey). */
function clientKey(headers: IncomingMessage['headers'], url: URL): string | undefined {
  const own = headers['x-tokenledger-key'];
  if (typeof own === 'string' && own !== '') return own;
  const authorization = headers['authorization'];
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1] ?? authorization.trim();
  }
  const apiKey = headers['x-api-key'] ?? headers['x-goog-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  return url.searchParams.get('key') ?? undefined;
}

function setUpstreamAuth(headers: OutgoingHttpHeaders, style: string, key: string): void {
  for (const name of AUTH_HEADERS) delete headers[name];
  if (style === 'anthropic') headers['x-api-key'] = key;
  else if (style === 'gemini') headers['x-goog-api-key'] = key;
  else headers['authorization'] = `Bearer ${key}`;
}

export interface GatewayProxy {
  handle(req: IncomingMessage, res: ServerResponse, route: GatewayRoute): void;
}

export function createGatewayProxy(runtime: GatewayRuntime, logger: Logger): GatewayProxy {
  const { tracker, limits, metrics, gatewayKeys } = runtime;
  const keys = gatewayKeys.map((entry) => entry.key);

  function proceed(
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    body: Buffer,
    startedAt: number,
  ): void {
    const url = new URL(req.url ?? '/', 'http://gateway');
    let key: GatewayKey | undefined;
    if (gatewayKeys.length > 0) {
      const index = matchKey(clientKey(req.headers, url), keys);
      if (index === -1)
        throw new HttpError(
          401,
          'unauthorized',
          'a gateway key is required (Authorization: Bearer, x-api-key or x-goog-api-key)',
        );
      key = gatewayKeys[index];
    }
    const attribution = attributionFromHeaders(req.headers, key?.attribution);
    const { upstream, pathAndQuery, model } = route.target({ body, key, headers: req.headers, url });

    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !DROP_REQUEST.has(name) && !name.startsWith('x-tokenledger-')) headers[name] = value;
    }
    // Byte-for-byte answers: ask for the body as the upstream has it, unencoded.
    headers['accept-encoding'] = 'identity';
    if (req.method !== 'GET' && req.method !== 'HEAD') headers['content-length'] = body.length;
    if (key !== undefined) {
      const upstreamKey = key.upstreamKey ?? upstream.apiKey;
      if (upstreamKey === undefined)
        throw new HttpError(
          502,
          'upstream_key_missing',
          `no upstream key is configured for provider ${upstream.provider}`,
        );
      setUpstreamAuth(headers, upstream.style, upstreamKey);
    } else if (
      runtime.lendUpstreamKey &&
      upstream.apiKey !== undefined &&
      !AUTH_HEADERS.some((name) => headers[name] !== undefined)
    ) {
      setUpstreamAuth(headers, upstream.style, upstream.apiKey);
    }

    const target = new URL(`${upstream.baseURL}${pathAndQuery}`);
    // GET /v1/models is not an LLM call: forwarded, not recorded.
    const exchange =
      req.method === 'POST'
        ? tracker.begin({ url: target.href, model, provider: upstream.provider, attribution })
        : undefined;
    const secure = target.protocol === 'https:';
    const retry =
      runtime.retry !== undefined && (runtime.retry.routes === '*' || runtime.retry.routes.has(route.label))
        ? runtime.retry
        : undefined;
    const maxAttempts = retry?.options.maxAttempts ?? 1;
    let current: http.ClientRequest | undefined;
    let clientGone = false;

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
      const delay = retryDelayMs(attempt, error, retry.options);
      setTimeout(() => {
        if (!clientGone) send(attempt + 1);
      }, delay);
      return true;
    };

    const send = (attempt: number): void => {
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
      const sentAt = performance.now();

      upstreamRequest.on('response', (upstreamResponse) => {
        answered = true;
        const answeredAt = performance.now();
        const status = upstreamResponse.statusCode ?? 502;
        if (retry !== undefined && status >= 400) {
          const headersForPolicy = new Headers();
          for (const [name, value] of Object.entries(upstreamResponse.headers))
            if (typeof value === 'string') headersForPolicy.set(name, value);
          if (retryLater(attempt, providerErrorFromStatus(status, `HTTP ${status}`, { headers: headersForPolicy }))) {
            upstreamResponse.resume();
            return;
          }
        }
        const contentType = upstreamResponse.headers['content-type'] ?? '';
        const metered = exchange?.respond(status, upstreamResponse.statusMessage ?? '', contentType) ?? false;
        const outHeaders: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(upstreamResponse.headers)) {
          if (value !== undefined && !DROP_RESPONSE.has(name)) outHeaders[name] = value;
        }
        const overheadMs = sentAt - startedAt + (performance.now() - answeredAt);
        outHeaders['x-tokenledger-overhead-ms'] = overheadMs.toFixed(3);
        res.writeHead(status, upstreamResponse.statusMessage, outHeaders);
        // Streams: send each event as soon as it arrives (no Nagle wait on small writes).
        res.socket?.setNoDelay(true);
        upstreamResponse.pipe(res);
        if (metered && exchange !== undefined) {
          // Registered after pipe's own listener: the client gets each chunk before the meter sees it.
          upstreamResponse.on('data', (chunk: Buffer) => exchange.chunk(chunk));
          upstreamResponse.on('end', () => exchange.end('done'));
        }
        upstreamResponse.on('error', (error) => {
          exchange?.end('cut', error);
          res.destroy();
        });
        metrics.observeOverhead(route.label, overheadMs);
      });
      upstreamRequest.on('error', (error) => {
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
        if (timedOut) {
          sendError(
            res,
            new HttpError(
              504,
              'upstream_timeout',
              `the upstream (${upstream.provider}) sent nothing within ${limits.upstreamTimeoutMs} ms`,
            ),
            logger,
            startedAt,
          );
        } else {
          sendError(
            res,
            new HttpError(
              502,
              'upstream_unreachable',
              `the upstream (${upstream.provider}) could not be reached or closed the connection`,
            ),
            logger,
            startedAt,
          );
        }
      });
      upstreamRequest.end(body);
    };
    send(1);
  }

  return {
    handle(req, res, route) {
      const startedAt = performance.now();
      const declared = Number(req.headers['content-length'] ?? Number.NaN);
      const max = limits.maxGatewayBodyBytes;
      if (declared > max) {
        sendError(
          res,
          new HttpError(413, 'payload_too_large', `request body is larger than ${max} bytes`),
          logger,
          startedAt,
        );
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let refused = false;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) {
          if (!refused)
            sendError(
              res,
              new HttpError(413, 'payload_too_large', `request body is larger than ${max} bytes`),
              logger,
              startedAt,
            );
          refused = true;
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (refused) return;
        try {
          proceed(req, res, route, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), startedAt);
        } catch (error) {
          sendError(res, error, logger, startedAt);
        }
      });
    },
  };
}
