/**
 * Browser safety, on every route (Hono's and the gateway's fast path): a page on another site
 * must not be able to reset, ingest or spend through a server, even one without keys on
 * loopback, whatever content type it sends (a `text/plain` POST needs no CORS preflight).
 *
 * - **Cross-site requests are refused.** Browsers say where a request comes from: Fetch
 *   Metadata (`Sec-Fetch-Site`, https://www.w3.org/TR/fetch-metadata/) and, for CORS and
 *   POSTs, `Origin` (RFC 6454). Anything but `same-origin` (or `none`: the user typed the URL)
 *   is refused, except a top-level GET navigation (a link to the dashboard), which changes
 *   nothing and whose answer the linking page cannot read. Without Fetch Metadata (older
 *   browsers), an `Origin` must name this server (its `Host`, or a `server.allowedHosts`
 *   name). SDKs, curl and OTLP exporters send neither header.
 * - **DNS rebinding is refused** where no key protects the server: a rebound page is
 *   same-origin to the browser but sends its own name in `Host`. Only loopback names, IP
 *   addresses (a rebinding attack has a name, not an address), the bound host and
 *   `server.allowedHosts` are served.
 *
 * @module
 */
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from '../http-error.js';

export interface BrowserGuardOptions {
  /** Check `Host` (no key is configured, or `server.allowedHosts` is set). */
  checkHost: boolean;
  /** The interface the server listens on, e.g. `127.0.0.1` or `ledger.local`. */
  boundHost: string;
  /** Extra host names served: `ledger.example.com`, or `.example.com` for it and its subdomains. */
  allowedHosts: readonly string[];
}

/** The request headers the guard reads (lower-case names; node:http or Fetch headers). */
export interface BrowserSignals {
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  secFetchMode: string | undefined;
  method: string;
}

const LOOPBACK_NAME = /^(localhost|.+\.localhost)$/;

/** The host name of a `Host` value (`name:port`, `[v6]:port`), lower-cased, brackets off. */
export function hostnameOf(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') === -1 ? undefined : value.indexOf(']'));
  const colon = value.indexOf(':');
  // More than one colon: a bare IPv6 address, not name:port.
  return colon === -1 || value.indexOf(':', colon + 1) !== -1 ? value : value.slice(0, colon);
}

function allowedName(name: string, options: BrowserGuardOptions): boolean {
  return options.allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    return allowed.startsWith('.') ? name === allowed.slice(1) || name.endsWith(allowed) : name === allowed;
  });
}

function hostAllowed(host: string, options: BrowserGuardOptions): boolean {
  const name = hostnameOf(host);
  return (
    LOOPBACK_NAME.test(name) || isIP(name) !== 0 || name === hostnameOf(options.boundHost) || allowedName(name, options)
  );
}

const crossSite = (): HttpError =>
  new HttpError(403, 'cross_site', 'cross-site requests are refused; call this server from its own pages or a client');

/** The 403 to answer, or `undefined` when the request may go on. */
export function browserRefusal(signals: BrowserSignals, options: BrowserGuardOptions): HttpError | undefined {
  if (options.checkHost && signals.host !== undefined && !hostAllowed(signals.host, options))
    return new HttpError(
      403,
      'host_not_allowed',
      `host "${hostnameOf(signals.host).slice(0, 100)}" is not served; add it to server.allowedHosts`,
    );
  const site = signals.secFetchSite?.toLowerCase();
  const safeNavigation =
    signals.secFetchMode?.toLowerCase() === 'navigate' && (signals.method === 'GET' || signals.method === 'HEAD');
  if (site !== undefined) {
    if (site === 'same-origin' || site === 'none' || safeNavigation) return undefined;
    return crossSite();
  }
  if (signals.origin === undefined) return undefined;
  if (signals.origin === 'null') return crossSite();
  let originHost: string;
  try {
    originHost = new URL(signals.origin).host;
  } catch {
    return crossSite();
  }
  if (signals.host !== undefined && originHost.toLowerCase() === signals.host.trim().toLowerCase()) return undefined;
  return allowedName(hostnameOf(originHost), options) ? undefined : crossSite();
}

/** The guard as Hono middleware (the gateway's fast path calls `browserRefusal` itself). */
export function browserGuard(options: BrowserGuardOptions): MiddlewareHandler {
  return async function browserGuardMiddleware(c, next) {
    const refusal = browserRefusal(
      {
        host: c.req.header('host'),
        origin: c.req.header('origin'),
        secFetchSite: c.req.header('sec-fetch-site'),
        secFetchMode: c.req.header('sec-fetch-mode'),
        method: c.req.method,
      },
      options,
    );
    if (refusal !== undefined) throw refusal;
    return next();
  };
}
