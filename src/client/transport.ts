/**
 * How an attempt reaches the provider. By default `node:http`/`node:https` with keep-alive
 * agents: on loopback it costs the client about a fifth of the CPU of `fetch` per call
 * (bench/client.ts), which is what lets a batch keep hundreds of calls in flight. Passing
 * `fetch` to `createClient` uses that instead (tests, proxies, other runtimes).
 *
 * @module
 */
import type http from 'node:http';
import type * as Https from 'node:https';
import { loadHttp, loadHttps } from '../lazy/index.js';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * How a request is called off (its attempt's timeout, the caller's signal): a plain listener
 * hook rather than an AbortSignal, which cost an AbortController and an EventTarget listener
 * per attempt (~15 µs of a batch's main thread per call).
 */
export interface Cancellation {
  readonly aborted: boolean;
  /** Calls `listener` once when the request is called off; returns the function that stops listening. */
  onAbort(listener: () => void): () => void;
}

export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  cancel: Cancellation;
}

/**
 * A response's headers as a call reads them: `Headers` satisfies it, and node:http's answers
 * are read through a view over their header object instead (building a WHATWG `Headers` per
 * answer cost some 25 µs, and its first use loads Node's fetch implementation, ~50 ms on a
 * slow machine, while a batch's first answers wait).
 */
export interface ResponseHeaders {
  /** The value, `null` when absent; a repeated header's values joined by `, ` (as `Headers` does). */
  get(name: string): string | null;
  /** Every header as `[name, value]`, names lower-case. */
  entries(): Iterable<[string, string]>;
}

/** `headers` as a WHATWG `Headers` (for a ProviderError: a failed call's, not the hot path). */
export function toWhatwgHeaders(headers: ResponseHeaders): Headers {
  return headers instanceof Headers ? headers : new Headers([...headers.entries()]);
}

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  /** The whole body as text. */
  text(): Promise<string>;
  /** Body bytes as they arrive. */
  chunks(): AsyncIterable<Uint8Array>;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport over any `fetch`. */
export function fetchTransport(fetchImpl: FetchFunction): Transport {
  return async (request) => {
    // fetch takes a signal; it also ends the body's reading, so it listens as long as the attempt.
    const controller = new AbortController();
    if (request.cancel.aborted) controller.abort();
    else request.cancel.onAbort(() => controller.abort());
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
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

/** node:http's header object (names already lower-case) read as {@link ResponseHeaders}. */
class IncomingHeaders implements ResponseHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [name, value] of Object.entries(this.raw)) {
      if (value !== undefined) yield [name, Array.isArray(value) ? value.join(', ') : value];
    }
  }
}

/**
 * A transport over `node:http`/`node:https` with keep-alive agents (one of each per transport,
 * the https one made for its first URL).
 */
export function nodeTransport(): Transport {
  const http = loadHttp();
  // node:https (TLS) loads with the first https URL: a client of a local server (a gateway, a
  // mock provider) never needs it, and it cost a batch ~2-3 ms before its first request.
  let https: typeof Https | undefined;
  const agents: { 'http:': http.Agent; 'https:'?: Https.Agent } = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }),
  };
  const httpsAgent = (): Https.Agent => {
    https ??= loadHttps();
    agents['https:'] ??= new https.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    return agents['https:'];
  };
  // The options of the last URL sent to: a client sends to one or a few, and parsing the URL
  // of every call cost ~18 µs of a batch's main thread.
  let lastUrl: string | undefined;
  let lastTarget: { secure: boolean; options: http.RequestOptions } | undefined;
  const targetOf = (href: string): { secure: boolean; options: http.RequestOptions } => {
    if (href === lastUrl && lastTarget !== undefined) return lastTarget;
    const url = new URL(href);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') throw new TypeError(`unsupported protocol ${url.protocol}`);
    lastTarget = {
      secure,
      options: {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port === '' ? undefined : url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent: secure ? httpsAgent() : agents['http:'],
      },
    };
    lastUrl = href;
    return lastTarget;
  };
  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      let target: { secure: boolean; options: http.RequestOptions };
      try {
        target = targetOf(request.url);
      } catch (error) {
        reject(error);
        return;
      }
      const body = Buffer.from(request.body);
      // One abort listener for the whole exchange: before the answer it ends the request, after
      // it the answer's body; it goes once the answer is read (or the request failed).
      let incoming: http.IncomingMessage | undefined;
      const onAbort = (): void => {
        (incoming ?? outgoing).destroy(new Error('aborted'));
      };
      let release = (): void => undefined;
      const outgoing = (target.secure ? (https ?? loadHttps()) : http).request(
        { ...target.options, headers: { ...request.headers, 'content-length': String(body.length) } },
        (answer) => {
          incoming = answer;
          answer.once('close', release);
          resolve({
            status: answer.statusCode ?? 0,
            headers: new IncomingHeaders(answer.headers),
            text: () =>
              new Promise<string>((resolveText, rejectText) => {
                const parts: Buffer[] = [];
                answer.on('data', (chunk: Buffer) => parts.push(chunk));
                answer.once('end', () => resolveText(Buffer.concat(parts).toString('utf8')));
                answer.once('error', rejectText);
              }),
            async *chunks() {
              for await (const chunk of answer) yield chunk as Uint8Array;
            },
          });
        },
      );
      if (request.cancel.aborted) {
        onAbort();
      } else release = request.cancel.onAbort(onAbort);
      outgoing.once('error', (error) => {
        release();
        reject(error);
      });
      outgoing.end(body);
    });
}
