/**
 * Key checks. Keys are compared in constant time (both sides hashed to a fixed length, then
 * `timingSafeEqual`, and every configured key is tried so the match position leaks nothing).
 * A key is never logged, echoed or put in an error message.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError, unauthorized } from '../http-error.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Index of the configured key that matches `presented`, or -1. Constant time in the match position. */
export function matchKey(presented: string | undefined, keys: readonly string[]): number {
  if (presented === undefined || presented === '') return -1;
  const given = digest(presented);
  let found = -1;
  for (const [index, key] of keys.entries()) {
    if (timingSafeEqual(given, digest(key)) && found === -1) found = index;
  }
  return found;
}

export interface RequireKeyOptions {
  /** Keys accepted (resolved values); when empty, the route is open unless `locked`. */
  keys: readonly string[];
  /** Named in the 401 message, e.g. `admin`. */
  role: string;
  /**
   * Refuse everything when no key is configured. Set when the server listens beyond loopback
   * (some key is configured) but not this role's: an open reset on a public port is never meant.
   * @default false
   */
  locked?: boolean;
  /** The config field to name when locked, e.g. `server.adminKey`. */
  configField?: string;
  /** Valid keys of a weaker role (read keys on reset): refused with a 403 saying so, not a 401. */
  weakerKeys?: readonly string[];
}

/** Refuses requests without one of `keys` with a 401; lets everything through when none is configured (unless locked). */
export function requireKey({
  keys,
  role,
  locked = false,
  configField = 'server.adminKey',
  weakerKeys = [],
}: RequireKeyOptions): MiddlewareHandler {
  const configured = keys.filter((key) => key !== '');
  return async function requireKeyMiddleware(c, next) {
    if (configured.length === 0) {
      if (locked)
        throw unauthorized(`this endpoint needs the ${role} key, and none is configured (set ${configField})`);
      return next();
    }
    // The key travels in x-tokenledger-key or Authorization: Bearer (never in the URL here).
    const own = c.req.header('x-tokenledger-key');
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const presented = own ?? bearer;
    if (matchKey(presented, configured) === -1) {
      if (matchKey(presented, weakerKeys) !== -1)
        throw new HttpError(403, 'forbidden', `this key may not do that: this endpoint needs the ${role} key`);
      throw unauthorized(`this endpoint needs the ${role} key (x-tokenledger-key or Authorization: Bearer)`);
    }
    return next();
  };
}
