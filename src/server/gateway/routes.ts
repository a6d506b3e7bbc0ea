/**
 * The gateway's route table: OpenAI-compatible `/v1/chat/completions`, `/v1/responses`,
 * `/v1/embeddings`, `/v1/models`, and every other `/v1/...` path but tokenledger's own
 * (reserved-paths.ts) passed through to the same upstream as `openai.passthrough`; native `/anthropic/v1/messages` (and `/count_tokens`) and
 * `/gemini/v1beta/models/{model}:generateContent|streamGenerateContent` (+ countTokens,
 * embedContent). Matching is a few string compares: this runs for every request.
 *
 * @module
 */
import type { Config, ModelRouteConfig } from '../../config/index.js';
import { canonicalProviderId } from '../../providers/index.js';
import { badRequest } from '../http-error.js';
import { decodePercent } from './attribution.js';
import { modelOf, providerForModel } from './model-routes.js';
import { multipartModel } from './multipart-model.js';
import { isReservedPath } from './reserved-paths.js';
import { streamsBody } from './streamed-body.js';
import type { GatewayRoute, GatewayTarget, TargetInput } from './types.js';
import { resolveUpstream, type Upstream, type UpstreamStyle } from './upstreams.js';

const OPENAI_PATHS: Record<string, [string, string]> = {
  'POST /v1/chat/completions': ['/chat/completions', 'openai.chat'],
  'POST /v1/responses': ['/responses', 'openai.responses'],
  'POST /v1/embeddings': ['/embeddings', 'openai.embeddings'],
  'GET /v1/models': ['/models', 'openai.models'],
};
const ANTHROPIC_PATHS: Record<string, string> = {
  '/anthropic/v1/messages': 'anthropic.messages',
  '/anthropic/v1/messages/count_tokens': 'anthropic.count_tokens',
};
/** The label (metrics, retries, budgets) of an OpenAI path without a dedicated route. */
export const PASSTHROUGH_LABEL = 'openai.passthrough';
/** What a pass-through call that names no model is recorded under (as OTLP spans without one are). */
const UNKNOWN_MODEL = 'unknown';
/** `/./`, `/../` (plain or %-encoded): the upstream URL would resolve them away from `/v1/`. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:\/|$)/i;
/** A file's content: a batch's results when it is a batch's output or error file. */
const FILE_CONTENT = /^\/v1\/files\/([^/]+)\/content$/;
const GEMINI_PATH =
  /^\/gemini\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;

/** Anthropic's Message Batches: a batch's results, a batch or the list (whose `results_url` is pointed here). */
const ANTHROPIC_BATCH_RESULTS = /^\/anthropic\/v1\/messages\/batches\/([^/]+)\/results$/;
const ANTHROPIC_BATCHES = /^\/anthropic\/v1\/messages\/batches(?:\/[^/]+)?$/;
/** Gemini's context caches (`/gemini/v1beta/cachedContents[/{id}]`). */
const GEMINI_CACHES = /^\/gemini\/(?:v1beta|v1|v1alpha)\/cachedContents(?:\/|$)/;
const GEMINI_PREFIX = /^\/gemini\/(?:v1beta|v1|v1alpha)\//;

/** Gemini names a model `models/gemini-2.0-flash` in a body; events carry `gemini-2.0-flash`, as on the path routes. */
const geminiModel = (model: string | undefined): string | undefined =>
  model?.startsWith('models/') === true ? model.slice('models/'.length) : model;

function header(headers: TargetInput['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface GatewayRouter {
  /** The route for a request, or `undefined` when it is not a gateway path. */
  match(method: string, pathname: string): GatewayRoute | undefined;
}

export function createGatewayRouter(
  config: Config,
  env: Record<string, string | undefined>,
  modelRoutes: readonly ModelRouteConfig[],
): GatewayRouter {
  const cache = new Map<string, Upstream | undefined>();
  // Upstreams depend only on config and env: resolve each once.
  const upstream = (id: string, style: UpstreamStyle): Upstream => {
    const cacheKey = `${style}:${id}`;
    let found = cache.get(cacheKey);
    if (found === undefined && !cache.has(cacheKey)) {
      found = resolveUpstream(id, style, config, env);
      cache.set(cacheKey, found);
    }
    if (found === undefined)
      throw badRequest(
        `unknown provider "${id}": configure server.upstreams or providers.${id}.baseURL`,
        'x-tokenledger-provider',
      );
    return found;
  };

  /** An OpenAI-style route: the provider from the header, the model's route or the key; OpenAI by default. */
  const openaiRoute = (label: string, suffix: string, method: string): GatewayRoute => ({
    label,
    target({ body, key, headers, url }) {
      const named = header(headers, 'x-tokenledger-provider');
      const model = method === 'POST' ? modelOf(body) : undefined;
      const id = canonicalProviderId(named ?? providerForModel(model, modelRoutes) ?? key?.providers[0]) ?? 'openai';
      const type = config.providers[id]?.type;
      if (type !== undefined && type !== 'openai-compatible') {
        throw badRequest(
          `x-tokenledger-provider: ${id} is not OpenAI-compatible; use /anthropic/v1/messages or /gemini/v1beta/...`,
          'x-tokenledger-provider',
        );
      }
      return { upstream: upstream(id, 'openai'), pathAndQuery: `${suffix}${url.search}`, model };
    },
  });

  /**
   * `/v1/x` to the upstream's `/x`; a path that climbs out of `/v1/` is refused, not sent. The
   * model is the JSON body's or the multipart form's; a call that names none (a file upload)
   * is recorded under `unknown`, with a warning.
   */
  const passthroughRoute = (pathname: string, method: string): GatewayRoute => {
    if (!DOT_SEGMENT.test(pathname)) {
      const route = openaiRoute(PASSTHROUGH_LABEL, pathname.slice('/v1'.length), method);
      const batchFile = method === 'GET' ? FILE_CONTENT.exec(pathname)?.[1] : undefined;
      const batchResults = batchFile === undefined ? undefined : { id: batchFile, format: 'openai' as const };
      return {
        label: PASSTHROUGH_LABEL,
        streamsBody: streamsBody(method, pathname),
        target(input) {
          const target = route.target(input);
          if (batchResults !== undefined) return { ...target, batchResults };
          const model = target.model ?? multipartModel(input.body, header(input.headers, 'content-type'));
          if (model !== undefined) return { ...target, model };
          return {
            ...target,
            model: UNKNOWN_MODEL,
            warning: 'the request names no model; recorded as model "unknown"',
          };
        },
      };
    }
    return {
      label: PASSTHROUGH_LABEL,
      target() {
        throw badRequest('path: "." and ".." segments are not forwarded', 'path');
      },
    };
  };

  /** A named model, else `unknown` with the warning the OpenAI pass-through gives. */
  const namedOrUnknown = (target: GatewayTarget): GatewayTarget =>
    target.model !== undefined
      ? target
      : { ...target, model: UNKNOWN_MODEL, warning: 'the request names no model; recorded as model "unknown"' };

  /**
   * Any other path under `/anthropic/v1/` (Message Batches, models, files...) or `/gemini/v1beta/`
   * (cachedContents, files, operations...): to the provider's upstream as it came, recorded as
   * the OpenAI pass-through is (POST, PUT, PATCH, DELETE; reads forwarded unrecorded).
   */
  const nativePassthrough = (pathname: string, method: string, style: 'anthropic' | 'gemini'): GatewayRoute => {
    if (DOT_SEGMENT.test(pathname))
      return {
        label: `${style}.passthrough`,
        target() {
          throw badRequest('path: "." and ".." segments are not forwarded', 'path');
        },
      };
    const provider = style === 'anthropic' ? 'anthropic' : 'google';
    const prefix = `/${style}`;
    const resultsOf = method === 'GET' ? ANTHROPIC_BATCH_RESULTS.exec(pathname)?.[1] : undefined;
    const batchResults = resultsOf === undefined ? undefined : { id: resultsOf, format: 'anthropic' as const };
    const resultsUrl = style === 'anthropic' && method === 'GET' && ANTHROPIC_BATCHES.test(pathname);
    const label =
      style === 'anthropic'
        ? pathname.startsWith('/anthropic/v1/messages/batches')
          ? 'anthropic.batches'
          : 'anthropic.passthrough'
        : GEMINI_CACHES.test(pathname)
          ? 'gemini.cachedContents'
          : 'gemini.passthrough';
    return {
      label,
      target({ body, url }) {
        const requested = method === 'POST' || method === 'PATCH' ? modelOf(body) : undefined;
        const target: GatewayTarget = {
          upstream: upstream(provider, style),
          pathAndQuery: `${pathname.slice(prefix.length)}${url.search}`,
          model: style === 'gemini' ? geminiModel(requested) : requested,
        };
        if (batchResults !== undefined) return { ...target, batchResults };
        if (resultsUrl) return { ...target, resultsUrl };
        return namedOrUnknown(target);
      },
    };
  };

  return {
    match(method, pathname) {
      const openai = OPENAI_PATHS[`${method} ${pathname}`];
      if (openai !== undefined) return openaiRoute(openai[1], openai[0], method);
      // Any other OpenAI path (completions, images, audio, files, batches...): passed through as is.
      if (pathname.startsWith('/v1/') && !isReservedPath(pathname)) return passthroughRoute(pathname, method);
      const anthropic = method === 'POST' ? ANTHROPIC_PATHS[pathname] : undefined;
      if (anthropic !== undefined) {
        return {
          label: anthropic,
          target: ({ body, url }) => ({
            upstream: upstream('anthropic', 'anthropic'),
            pathAndQuery: `${pathname.slice('/anthropic'.length)}${url.search}`,
            model: modelOf(body),
          }),
        };
      }
      if (pathname.startsWith('/anthropic/v1/')) return nativePassthrough(pathname, method, 'anthropic');
      const gemini = method === 'POST' && pathname.startsWith('/gemini/') ? GEMINI_PATH.exec(pathname) : null;
      if (gemini !== null) {
        return {
          label: `gemini.${gemini[3]}`,
          target({ url }) {
            const model = decodePercent(gemini[2] ?? '');
            // Google would refuse the path too; a 400 here says which part is wrong.
            if (model === undefined) throw badRequest('model: the path holds a malformed % escape', 'model');
            return {
              upstream: upstream('google', 'gemini'),
              pathAndQuery: `${pathname.slice('/gemini'.length)}${url.search}`,
              model,
            };
          },
        };
      }
      if (GEMINI_PREFIX.test(pathname)) return nativePassthrough(pathname, method, 'gemini');
      return undefined;
    },
  };
}
