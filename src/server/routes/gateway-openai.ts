/**
 * OpenAI-compatible gateway: `/v1/chat/completions`, `/v1/responses`, `/v1/embeddings`,
 * `/v1/models`. Point any OpenAI SDK's base URL at `http://HOST:PORT/v1`.
 *
 * @module
 */
import { Hono } from 'hono';
import type { Config } from '../../config/index.js';
import { forward, type GatewayRuntime } from '../gateway/forward.js';
import { modelOf, providerForModel, type ModelRoute } from '../gateway/model-routes.js';
import { resolveUpstream } from '../gateway/upstreams.js';
import { badRequest } from '../http-error.js';

export function createOpenAIGatewayRoutes(runtime: GatewayRuntime, config: Config, env: Record<string, string | undefined>, modelRoutes: readonly ModelRoute[]): Hono {
  const app = new Hono();
  const endpoints: [string, string, string][] = [
    ['POST', '/chat/completions', 'openai.chat'],
    ['POST', '/responses', 'openai.responses'],
    ['POST', '/embeddings', 'openai.embeddings'],
    ['GET', '/models', 'openai.models'],
  ];
  for (const [method, path, route] of endpoints) {
    app.on(method, path, (c) =>
      forward(c, runtime, {
        route,
        target(body, key) {
          const named = c.req.header('x-tokenledger-provider');
          // Routing by model needs the body parsed once more; skipped when no route is configured.
          const byModel = named === undefined && modelRoutes.length > 0 ? providerForModel(modelOf(body), modelRoutes) : undefined;
          const id = named ?? byModel ?? key?.provider ?? 'openai';
          const type = config.providers[id]?.type;
          if (type !== undefined && type !== 'openai-compatible') {
            throw badRequest(`x-tokenledger-provider: ${id} is not OpenAI-compatible; use /anthropic/v1/messages or /gemini/v1beta/...`, 'x-tokenledger-provider');
          }
          const upstream = resolveUpstream(id, 'openai', config, env);
          if (upstream === undefined) throw badRequest(`unknown provider "${id}": configure server.upstreams or providers.${id}.baseURL`, 'x-tokenledger-provider');
          const query = new URL(c.req.url).search;
          return { upstream, pathAndQuery: `${path}${query}` };
        },
      }),
    );
  }
  return app;
}
