/**
 * Native Gemini gateway: `/gemini/v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent` (SSE with `?alt=sse`), plus `:countTokens` and `:embedContent`.
 * Point @google/genai's `httpOptions.baseUrl` at `http://HOST:PORT/gemini`.
 *
 * @module
 */
import { Hono } from 'hono';
import type { Config } from '../../config/index.js';
import { forward, type GatewayRuntime } from '../gateway/forward.js';
import { resolveUpstream } from '../gateway/upstreams.js';
import { badRequest, notFound } from '../http-error.js';

const GEMINI_PATH = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;

export function createGeminiGatewayRoutes(runtime: GatewayRuntime, config: Config, env: Record<string, string | undefined>): Hono {
  const app = new Hono();
  app.post('/*', (c) => {
    const url = new URL(c.req.url);
    const path = url.pathname.replace(/^\/gemini/, '');
    const match = GEMINI_PATH.exec(path);
    if (match === null) throw notFound(`unknown Gemini route ${path}; expected /gemini/v1beta/models/{model}:generateContent or :streamGenerateContent`);
    return forward(c, runtime, {
      route: `gemini.${match[3]}`,
      target(_body, key) {
        const upstream = resolveUpstream('gemini', 'gemini', config, env);
        if (upstream === undefined) throw badRequest('no gemini upstream configured', 'provider');
        // With gateway keys the client's key must not travel on: it is ours, not Google's.
        if (key !== undefined) url.searchParams.delete('key');
        return { upstream, pathAndQuery: `${path}${url.search}` };
      },
    });
  });
  return app;
}
