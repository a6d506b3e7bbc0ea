/**
 * Native Anthropic gateway: `/anthropic/v1/messages` (and `/count_tokens`). Point the
 * Anthropic SDK's base URL at `http://HOST:PORT/anthropic`.
 *
 * @module
 */
import { Hono } from 'hono';
import type { Config } from '../../config/index.js';
import { forward, type GatewayRuntime } from '../gateway/forward.js';
import { resolveUpstream } from '../gateway/upstreams.js';
import { badRequest } from '../http-error.js';

export function createAnthropicGatewayRoutes(runtime: GatewayRuntime, config: Config, env: Record<string, string | undefined>): Hono {
  const app = new Hono();
  for (const [path, route] of [
    ['/v1/messages', 'anthropic.messages'],
    ['/v1/messages/count_tokens', 'anthropic.count_tokens'],
  ] as const) {
    app.post(path, (c) =>
      forward(c, runtime, {
        route,
        target() {
          const upstream = resolveUpstream('anthropic', 'anthropic', config, env);
          if (upstream === undefined) throw badRequest('no anthropic upstream configured', 'provider');
          return { upstream, pathAndQuery: `${path}${new URL(c.req.url).search}` };
        },
      }),
    );
  }
  return app;
}
