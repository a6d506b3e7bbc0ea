/**
 * Which configured gateway key a client presented, and what it may reach. Clients send it
 * where their SDK sends a provider key: `Authorization: Bearer K` (OpenAI), `x-api-key`
 * (Anthropic), `x-goog-api-key` or `?key=` (Gemini), or in `x-tokenledger-key`. Compared in
 * constant time (middleware/auth.ts). A key reaches only the providers it names, and never
 * travels on: not in the URL, not in a header, not in the body.
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError, unauthorized } from '../http-error.js';
import { matchKey } from '../middleware/auth.js';
import type { GatewayKey } from './types.js';
import type { Upstream } from './upstreams.js';

/** The key a client presented, from node:http headers and the request URL. */
export function presentedGatewayKey(headers: IncomingHttpHeaders, url: URL): string | undefined {
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

export interface GatewayKeyring {
  /**
   * The matching key; `undefined` when none is configured and the gateway is open; a 401 when
   * the key is missing or wrong, or when none is configured but the gateway is locked.
   */
  authenticate(headers: IncomingHttpHeaders, url: URL): GatewayKey | undefined;
}

export function createGatewayKeyring(gatewayKeys: readonly GatewayKey[], locked: boolean): GatewayKeyring {
  const secrets = gatewayKeys.map((entry) => entry.key);
  return {
    authenticate(headers, url) {
      if (gatewayKeys.length === 0) {
        if (locked)
          throw unauthorized(
            'the gateway needs a gateway key and none is configured (set server.gatewayKeys or TOKENLEDGER_GATEWAY_KEYS, or serve with --insecure-open)',
          );
        return undefined;
      }
      const index = matchKey(presentedGatewayKey(headers, url), secrets);
      if (index === -1)
        throw unauthorized('a gateway key is required (Authorization: Bearer, x-api-key or x-goog-api-key)');
      return gatewayKeys[index];
    },
  };
}

/** A 403 unless `key` names the upstream's provider (by its config id or its event id). */
export function checkProviderAllowed(key: GatewayKey, upstream: Upstream): void {
  if (key.providers.includes(upstream.id) || key.providers.includes(upstream.provider)) return;
  throw new HttpError(
    403,
    'provider_not_allowed',
    `this gateway key may reach ${key.providers.join(', ')} only, not ${upstream.id}`,
  );
}

/** Removes the gateway key from the query string (`?key=` for Gemini clients, or any other name). */
export function scrubGatewayKeyFromUrl(url: URL, key: GatewayKey): void {
  for (const [name, value] of [...url.searchParams])
    if (name === 'key' || value === key.key) url.searchParams.delete(name);
}

/** A 400 when the body carries the gateway key: sent upstream, it would reach the provider. */
export function checkBodyClean(body: Buffer, key: GatewayKey): void {
  if (body.length >= key.key.length && body.includes(key.key)) throw gatewayKeyInBody();
}

/** The 400 of a body that carries the gateway key (checked whole here, as it passes in streamed-body.ts). */
export function gatewayKeyInBody(): HttpError {
  return new HttpError(
    400,
    'gateway_key_in_body',
    'the request body contains the gateway key; it is never forwarded to a provider',
    { field: 'body' },
  );
}
