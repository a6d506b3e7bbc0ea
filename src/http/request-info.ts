/**
 * What the tracking fetch learns from a request before sending it: URL, method and the model
 * asked for (from the JSON body, or from a Gemini-style `/models/{model}:action` path). It never
 * reads a body it would have to consume (a `Request` object's stream stays untouched).
 *
 * @module
 */

export interface RequestInfo {
  url: string;
  method: string;
  /** The model requested, when the request names one. */
  model: string | undefined;
  /** True when the body asked for a stream (`"stream": true`). */
  stream: boolean;
}

/** Gemini names the model in the path: /v1beta/models/gemini-2.5-flash:generateContent. */
const MODEL_IN_PATH = /\/models\/([^/:?]+):[A-Za-z]+/;

function bodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(body));
  return undefined;
}

/** Reads `model` and `stream` from a JSON body without failing on anything else. */
function readBody(body: unknown): { model: string | undefined; stream: boolean } {
  const text = bodyText(body);
  // A cheap pre-check keeps large non-JSON uploads (files, audio) from being parsed.
  if (text === undefined || text.length === 0 || text.charCodeAt(0) !== 123 /* { */)
    return { model: undefined, stream: false };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return { model: undefined, stream: false };
    const record = value as Record<string, unknown>;
    return {
      model: typeof record['model'] === 'string' ? record['model'] : undefined,
      stream: record['stream'] === true,
    };
  } catch {
    return { model: undefined, stream: false };
  }
}

export function requestInfo(input: string | URL | Request, init: RequestInit | undefined): RequestInfo {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const fromBody = readBody(init?.body);
  const fromPath = MODEL_IN_PATH.exec(url)?.[1];
  return {
    url,
    method,
    model: fromBody.model ?? (fromPath === undefined ? undefined : decodePath(fromPath)),
    stream: fromBody.stream || url.includes(':streamGenerateContent'),
  };
}

/** A path segment decoded, or as it is when it holds a malformed `%` escape (metering must not throw). */
function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
