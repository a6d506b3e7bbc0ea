/**
 * The headers sent upstream: the client's, minus hop-by-hop ones (RFC 9110 7.6.1), ours
 * (`x-tokenledger-*`) and those recomputed here; with the provider key the call may use.
 *
 * @module
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { HttpError } from '../http-error.js';
import { VIA_HEADER } from './loop-guard.js';
import type { GatewayKey } from './types.js';
import type { Upstream, UpstreamStyle } from './upstreams.js';

/** Never forwarded: hop-by-hop, recomputed, or ours. */
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
const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key'];

function setUpstreamAuth(headers: OutgoingHttpHeaders, style: UpstreamStyle, key: string): void {
  for (const name of AUTH_HEADERS) delete headers[name];
  if (style === 'anthropic') headers['x-api-key'] = key;
  else if (style === 'gemini') headers['x-goog-api-key'] = key;
  else headers['authorization'] = `Bearer ${key}`;
}

export interface UpstreamHeadersInput {
  headers: IncomingHttpHeaders;
  method: string | undefined;
  /** Absent: the body is streamed without a known length (sent chunked). */
  bodyLength: number | undefined;
  upstream: Upstream;
  /** The client's gateway key, when gateway keys are configured. */
  key: GatewayKey | undefined;
  /** Whether a client that sent no provider key may use the server's (loopback-only servers). */
  lendUpstreamKey: boolean;
  /** `x-tokenledger-via`: the gateways this request passed through, this one last (loop-guard.ts). */
  via: string;
  /**
   * False on a fallback to another provider than the one the client called: the client's own
   * provider key was meant for that one and is never sent to this one. @default true
   */
  clientAuth?: boolean;
}

export function upstreamHeaders(input: UpstreamHeadersInput): OutgoingHttpHeaders {
  const { upstream, key } = input;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value !== undefined && !DROP_REQUEST.has(name) && !name.startsWith('x-tokenledger-')) headers[name] = value;
  }
  if (input.clientAuth === false) for (const name of AUTH_HEADERS) delete headers[name];
  headers[VIA_HEADER] = input.via;
  // Byte-for-byte answers: ask for the body as the upstream has it, unencoded.
  headers['accept-encoding'] = 'identity';
  if (input.method !== 'GET' && input.method !== 'HEAD' && input.bodyLength !== undefined)
    headers['content-length'] = input.bodyLength;
  if (key !== undefined) {
    // The gateway key is ours: whatever header a client put it in, it stays here.
    for (const [name, value] of Object.entries(headers))
      if ((Array.isArray(value) ? value.join(',') : String(value)).includes(key.key)) delete headers[name];
    const upstreamKey = key.upstreamKey ?? upstream.apiKey;
    if (upstreamKey === undefined)
      throw new HttpError(
        502,
        'upstream_key_missing',
        `no upstream key is configured for provider ${upstream.provider}`,
      );
    setUpstreamAuth(headers, upstream.style, upstreamKey);
  } else if (
    input.lendUpstreamKey &&
    upstream.apiKey !== undefined &&
    !AUTH_HEADERS.some((name) => headers[name] !== undefined)
  ) {
    setUpstreamAuth(headers, upstream.style, upstream.apiKey);
  }
  return headers;
}
