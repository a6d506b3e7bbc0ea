/**
 * The gateway's hot path, shared by every provider route: read the (small) JSON request,
 * check the gateway key, forward to the upstream through the tracking fetch and hand the
 * upstream's response back as it comes: same status, same headers (minus hop-by-hop), body
 * streamed chunk by chunk with backpressure. Usage is metered from the passing chunks and
 * recorded after the response ends, never before the client is served. Every response says
 * how long the gateway itself took in `x-tokenledger-overhead-ms`.
 *
 * @module
 */
import type { Context } from 'hono';
import type { TrackingFetch } from '../../http/index.js';
import type { Attribution } from '../../types/index.js';
import type { ServerLimits } from '../deps.js';
import { HttpError } from '../http-error.js';
import type { ServerMetrics } from '../metrics.js';
import { matchKey, presentedKey } from '../middleware/auth.js';
import { attributionFromHeaders } from './attribution.js';
import type { Upstream, UpstreamStyle } from './upstreams.js';

/** A configured gateway key, resolved. */
export interface GatewayKey {
  key: string;
  /** Provider this key is for (its default route). */
  provider: string | undefined;
  /** Upstream key used instead of the client's; the upstream's configured key when absent. */
  upstreamKey: string | undefined;
  attribution: Attribution | undefined;
}

export interface GatewayRuntime {
  tracking: TrackingFetch;
  metrics: ServerMetrics;
  limits: ServerLimits;
  gatewayKeys: readonly GatewayKey[];
}

/** What a route decided: where to send the request. */
export interface ForwardTarget {
  upstream: Upstream;
  /** Appended to the upstream base URL, with its query string. */
  pathAndQuery: string;
}

export interface ForwardRequest {
  /** Metrics label, e.g. `openai.chat`. */
  route: string;
  /** Picks the upstream once the body and the key are known. */
  target(body: ArrayBuffer | undefined, key: GatewayKey | undefined): ForwardTarget;
}

/** Never forwarded: hop-by-hop (RFC 9110 7.6.1), set by fetch itself, or ours. */
const DROP_REQUEST = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length', 'accept-encoding', 'expect']);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'trailer']);
const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key'];

function setUpstreamAuth(headers: Headers, style: UpstreamStyle, key: string): void {
  for (const name of AUTH_HEADERS) headers.delete(name);
  if (style === 'anthropic') headers.set('x-api-key', key);
  else if (style === 'gemini') headers.set('x-goog-api-key', key);
  else headers.set('authorization', `Bearer ${key}`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}

export async function forward(c: Context, runtime: GatewayRuntime, request: ForwardRequest): Promise<Response> {
  const startedAt = performance.now();
  const incoming = c.req.raw;
  const method = incoming.method;
  let body: ArrayBuffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const declared = Number(incoming.headers.get('content-length') ?? Number.NaN);
    const max = runtime.limits.maxGatewayBodyBytes;
    if (declared > max) throw new HttpError(413, 'payload_too_large', `request body is larger than ${max} bytes`);
    body = await incoming.arrayBuffer();
    if (body.byteLength > max) throw new HttpError(413, 'payload_too_large', `request body is larger than ${max} bytes`);
  }

  let key: GatewayKey | undefined;
  if (runtime.gatewayKeys.length > 0) {
    const index = matchKey(presentedKey(incoming.headers, incoming.url), runtime.gatewayKeys.map((entry) => entry.key));
    if (index === -1) throw new HttpError(401, 'unauthorized', 'a gateway key is required (Authorization: Bearer, x-api-key or x-goog-api-key)');
    key = runtime.gatewayKeys[index];
  }
  const attribution = attributionFromHeaders(incoming.headers, key?.attribution);
  const { upstream, pathAndQuery } = request.target(body, key);

  const headers = new Headers();
  for (const [name, value] of incoming.headers) {
    if (!DROP_REQUEST.has(name) && !name.startsWith('x-tokenledger-')) headers.set(name, value);
  }
  // Byte-for-byte answers: an encoded body would be decoded by fetch and no longer match its headers.
  headers.set('accept-encoding', 'identity');
  if (key !== undefined) {
    const upstreamKey = key.upstreamKey ?? upstream.apiKey;
    if (upstreamKey === undefined) throw new HttpError(502, 'upstream_key_missing', `no upstream key is configured for provider ${upstream.provider}`);
    setUpstreamAuth(headers, upstream.style, upstreamKey);
  } else if (upstream.apiKey !== undefined && !AUTH_HEADERS.some((name) => headers.has(name))) {
    setUpstreamAuth(headers, upstream.style, upstream.apiKey);
  }

  const controller = new AbortController();
  const onClientGone = (): void => controller.abort(incoming.signal.reason);
  incoming.signal.addEventListener('abort', onClientGone, { once: true });
  // One timer, refreshed on each body chunk: it cuts an upstream that stops answering.
  const timer = setTimeout(() => controller.abort(new DOMException('the upstream did not answer in time', 'TimeoutError')), runtime.limits.upstreamTimeoutMs);
  timer.unref();
  const done = (): void => {
    clearTimeout(timer);
    incoming.signal.removeEventListener('abort', onClientGone);
  };

  const sentAt = performance.now();
  let response: Response;
  try {
    response = await runtime.tracking.track(
      `${upstream.baseURL}${pathAndQuery}`,
      { method, headers, body, signal: controller.signal },
      { attribution, provider: upstream.provider, onChunk: () => timer.refresh(), onEnd: done },
    );
  } catch (error) {
    done();
    if (isTimeout(error) || controller.signal.reason instanceof DOMException && controller.signal.reason.name === 'TimeoutError') {
      throw new HttpError(504, 'upstream_timeout', `the upstream (${upstream.provider}) did not answer within ${runtime.limits.upstreamTimeoutMs} ms`);
    }
    throw new HttpError(502, 'upstream_unreachable', `the upstream (${upstream.provider}) could not be reached or closed the connection`);
  }
  const answeredAt = performance.now();
  if (response.body === null) done();

  const outHeaders = new Headers();
  for (const [name, value] of response.headers) if (!DROP_RESPONSE.has(name)) outHeaders.append(name, value);
  if (outHeaders.has('content-encoding')) {
    // fetch decoded it anyway (an upstream ignoring accept-encoding): say what is really sent.
    outHeaders.delete('content-encoding');
    outHeaders.delete('content-length');
  }
  const overheadMs = sentAt - startedAt + (performance.now() - answeredAt);
  outHeaders.set('x-tokenledger-overhead-ms', overheadMs.toFixed(3));
  runtime.metrics.observeOverhead(request.route, overheadMs);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: outHeaders });
}
