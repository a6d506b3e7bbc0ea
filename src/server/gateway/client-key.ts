/**
 * Which configured gateway key a client presented. Clients send it where their SDK sends a
 * provider key: `Authorization: Bearer K` (OpenAI), `x-api-key` (Anthropic), `x-goog-api-key`
 * or `?key=` (Gemini), or in `x-tokenledger-key`. Compared in constant time (middleware/auth.ts).
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http';
import { unauthorized } from '../http-error.js';
import { matchKey } from '../middleware/auth.js';
import type { GatewayKey } from './types.js';

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
  /** The matching key, `undefined` when none is configured (the gateway is open); a 401 otherwise. */
  authenticate(headers: IncomingHttpHeaders, url: URL): GatewayKey | undefined;
}

export function createGatewayKeyring(gatewayKeys: readonly GatewayKey[]): GatewayKeyring {
  const secrets = gatewayKeys.map((entry) => entry.key);
  return {
    authenticate(headers, url) {
      if (gatewayKeys.length === 0) return undefined;
      const index = matchKey(presentedGatewayKey(headers, url), secrets);
      if (index === -1)
        throw unauthorized('a gateway key is required (Authorization: Bearer, x-api-key or x-goog-api-key)');
      return gatewayKeys[index];
    },
  };
}
