/**
 * Talks to the analytics API on the same origin. The admin key, when the server needs one,
 * lives in sessionStorage (gone when the tab closes) and travels in `x-tokenledger-key`,
 * the header the server's auth middleware reads; it never goes in a URL.
 */

const KEY_STORAGE = 'tokenledger.adminKey';

/** A refused or failed request, with the server's `{ error: { code, message } }` when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Api {
  /** Where the API lives: the folder the dashboard was served from. */
  private readonly base: URL;
  /** Requests sent and not yet answered (see settled()). */
  private inFlight = 0;

  constructor(base: string) {
    this.base = new URL('./', base);
  }

  get key(): string | undefined {
    try {
      return sessionStorage.getItem(KEY_STORAGE) ?? undefined;
    } catch {
      return undefined;
    }
  }

  set key(value: string | undefined) {
    try {
      if (value === undefined || value === '') sessionStorage.removeItem(KEY_STORAGE);
      else sessionStorage.setItem(KEY_STORAGE, value);
    } catch {
      // Storage disabled: the key simply is not remembered.
    }
  }

  url(path: string, params: Record<string, string> = {}): string {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  async get<T>(
    path: string,
    params: Record<string, string> = {},
    options: { signal?: AbortSignal; key?: string | null } = {},
  ): Promise<T> {
    return this.send<T>(this.url(path, params), { method: 'GET' }, options);
  }

  async post<T>(path: string, body: unknown, options: { signal?: AbortSignal } = {}): Promise<T> {
    return this.send<T>(
      this.url(path),
      { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
      options,
    );
  }

  /**
   * A download's text (CSV, NDJSON), fetched with the key like every other request: a plain
   * link could not carry it.
   */
  async text(path: string, params: Record<string, string>, options: { signal?: AbortSignal } = {}): Promise<string> {
    const headers = new Headers();
    const key = this.key;
    if (key !== undefined) headers.set('x-tokenledger-key', key);
    let response: Response;
    try {
      response = await fetch(this.url(path, params), { headers, signal: options.signal ?? null, cache: 'no-store' });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'the server did not answer (is tokenledger serve still running?)');
    }
    if (!response.ok)
      throw new ApiError(response.status, `http_${response.status}`, `${response.status} ${response.statusText}`);
    return response.text();
  }

  /**
   * Resolves once no request is in flight and none started during one more turn of the event
   * loop, so the code that draws the last answer has run (the `tokenledger:drawn` mark).
   */
  async settled(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (this.inFlight === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** `key: null` sends no key even when one is stored. */
  private async send<T>(
    url: string,
    init: RequestInit,
    options: { signal?: AbortSignal; key?: string | null },
  ): Promise<T> {
    this.inFlight += 1;
    try {
      return await this.answer<T>(url, init, options);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async answer<T>(
    url: string,
    init: RequestInit,
    options: { signal?: AbortSignal; key?: string | null },
  ): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set('accept', 'application/json');
    const key = options.key === null ? undefined : (options.key ?? this.key);
    if (key !== undefined) headers.set('x-tokenledger-key', key);
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers, signal: options.signal ?? null, cache: 'no-store' });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'the server did not answer (is tokenledger serve still running?)');
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const error = isRecord(body) && isRecord(body['error']) ? body['error'] : {};
      const code = typeof error['code'] === 'string' ? error['code'] : `http_${response.status}`;
      const message =
        typeof error['message'] === 'string' ? error['message'] : `${response.status} ${response.statusText}`;
      throw new ApiError(response.status, code, message);
    }
    if (body === undefined)
      throw new ApiError(response.status, 'bad_response', 'the server answered something that is not JSON');
    return body as T;
  }
}
