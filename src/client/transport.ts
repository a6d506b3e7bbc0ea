/**
 * How an attempt reaches the provider. By default `node:http`/`node:https` with keep-alive
 * agents: on loopback it costs the client about a fifth of the CPU of `fetch` per call
 * (bench/client.ts), which is what lets a batch keep hundreds of calls in flight. Passing
 * `fetch` to `createClient` uses that instead (tests, proxies, other runtimes).
 *
 * @module
 */
import type http from 'node:http';
import { loadHttp, loadHttps } from '../lazy/index.js';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  /** The whole body as text. */
  text(): Promise<string>;
  /** Body bytes as they arrive. */
  chunks(): AsyncIterable<Uint8Array>;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport over any `fetch`. */
export function fetchTransport(fetchImpl: FetchFunction): Transport {
  return async (request) => {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    return {
      status: response.status,
      headers: response.headers,
      text: () => response.text(),
      async *chunks() {
        if (response.body === null) return;
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            yield value;
          }
        } finally {
          reader.releaseLock();
        }
      },
    };
  };
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

/** A transport over `node:http`/`node:https` with keep-alive agents (one pair per transport). */
export function nodeTransport(): Transport {
  const http = loadHttp();
  const https = loadHttps();
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }),
  };
  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        reject(new TypeError(`unsupported protocol ${url.protocol}`));
        return;
      }
      const body = Buffer.from(request.body);
      const outgoing = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port === '' ? undefined : url.port,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent: agents[secure ? 'https:' : 'http:'],
          headers: { ...request.headers, 'content-length': String(body.length) },
        },
        (incoming) => {
          request.signal.removeEventListener('abort', onAbort);
          const onLateAbort = (): void => {
            incoming.destroy(new Error('aborted'));
          };
          request.signal.addEventListener('abort', onLateAbort, { once: true });
          const done = (): void => request.signal.removeEventListener('abort', onLateAbort);
          incoming.once('close', done);
          resolve({
            status: incoming.statusCode ?? 0,
            headers: toHeaders(incoming.headers),
            text: () =>
              new Promise<string>((resolveText, rejectText) => {
                const parts: Buffer[] = [];
                incoming.on('data', (chunk: Buffer) => parts.push(chunk));
                incoming.once('end', () => resolveText(Buffer.concat(parts).toString('utf8')));
                incoming.once('error', rejectText);
              }),
            async *chunks() {
              for await (const chunk of incoming) yield chunk as Uint8Array;
            },
          });
        },
      );
      const onAbort = (): void => {
        outgoing.destroy(new Error('aborted'));
      };
      if (request.signal.aborted) {
        onAbort();
      } else request.signal.addEventListener('abort', onAbort, { once: true });
      outgoing.once('error', (error) => {
        request.signal.removeEventListener('abort', onAbort);
        reject(error);
      });
      outgoing.end(body);
    });
}
