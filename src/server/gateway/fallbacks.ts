/**
 * `server.fallbacks`: chains of models tried in turn. A call to a chain's first model on its
 * provider that the upstream answers with a 429 or a 5xx, or never answers (a timeout, a refused
 * connection), is sent to the next model of the chain, on its provider, before any byte reached
 * the client. Each attempt is its own event (proxy.ts tags them).
 *
 * Checked when the server starts, so that a chain cannot fail at the worst moment:
 * - only the OpenAI-compatible routes, and only providers that speak the OpenAI format (the
 *   provider registry's, or the config's `type`): the body is sent as it came with its `model`
 *   spliced, never translated between wire formats;
 * - every step resolves to an upstream;
 * - every gateway key the chain covers may reach every provider of it.
 *
 * @example server: { fallbacks: [{ chain: [{ provider: openai, model: gpt-4.1-mini }, { provider: groq, model: llama-3.3-70b-versatile }] }] }
 *
 * @module
 */
import type { Config } from '../../config/index.js';
import { ConfigError } from '../../errors/index.js';
import { providerRecord } from '../../providers/index.js';
import type { FallbackStep, FallbackTable, GatewayKey } from './types.js';
import { resolveUpstream, type Upstream } from './upstreams.js';

/** The routes a chain may cover: one wire format, the OpenAI one. */
export const FALLBACK_ROUTES: readonly string[] = ['openai.chat', 'openai.responses', 'openai.embeddings'];

interface Chain {
  routes: ReadonlySet<string>;
  /** Gateway key names covered; `undefined`: every caller. */
  keys: ReadonlySet<string> | undefined;
  /** The steps after the first. */
  next: readonly FallbackStep[];
}

const NONE: FallbackTable = { after: () => undefined, providers: [] };

/** The wire format a provider speaks: the config's `type`, else the registry's; `undefined` when neither knows. */
function formatOf(id: string, config: Config): string | undefined {
  const configured = config.providers[id]?.type;
  if (configured !== undefined) return configured;
  const record = providerRecord(id);
  if (record === undefined) return undefined;
  return record.client?.adapter ?? (record.wireFormat === 'openai-chat' ? 'openai-compatible' : record.wireFormat);
}

/** Builds the table from the config; a ConfigError naming the field for a chain that could not work. */
export function compileFallbacks(
  config: Config,
  env: Record<string, string | undefined>,
  gatewayKeys: readonly GatewayKey[],
): FallbackTable {
  const entries = config.server.fallbacks;
  if (entries.length === 0) return NONE;
  const byFirst = new Map<string, Chain[]>();
  const providers = new Set<string>();
  entries.forEach((entry, index) => {
    const field = `server.fallbacks.${index}`;
    for (const route of entry.routes ?? [])
      if (!FALLBACK_ROUTES.includes(route))
        throw new ConfigError(
          `${field}.routes: ${route} is not an OpenAI-compatible route; fallbacks cover ${FALLBACK_ROUTES.join(', ')} (no translation between wire formats)`,
          { field: `${field}.routes` },
        );
    const steps = entry.chain.map(({ provider, model }, step): FallbackStep => {
      const stepField = `${field}.chain.${step}`;
      const format = formatOf(provider, config);
      if (format !== 'openai-compatible')
        throw new ConfigError(
          format === undefined
            ? `${stepField}: the wire format of ${provider} is unknown; set providers.${provider}.type: openai-compatible if it speaks the OpenAI format`
            : `${stepField}: ${provider} speaks ${format}, not the OpenAI format of the chain's routes; a fallback chain never translates between wire formats`,
          { field: `${stepField}.provider` },
        );
      const upstream = resolveUpstream(provider, 'openai', config, env);
      if (upstream === undefined)
        throw new ConfigError(
          `${stepField}: unknown provider "${provider}": configure server.upstreams or providers.${provider}.baseURL`,
          { field: `${stepField}.provider` },
        );
      providers.add(upstream.id);
      return { upstream, model };
    });
    const [first] = steps;
    if (first === undefined) return;
    const named = entry.keys === undefined ? undefined : new Set(entry.keys);
    for (const name of named ?? []) {
      if (!gatewayKeys.some((key) => key.name === name))
        throw new ConfigError(
          `${field}.keys: no gateway key is named ${name} (keys are named by their variable: env:CI_KEY is CI_KEY)`,
          { field: `${field}.keys` },
        );
    }
    // The keys that would use the chain: those named, else every key that reaches its first provider.
    const users = gatewayKeys.filter((key) =>
      named === undefined ? reaches(key, first.upstream) : named.has(key.name),
    );
    for (const key of users) {
      const step = steps.findIndex((candidate) => !reaches(key, candidate.upstream));
      const unreachable = steps[step];
      if (unreachable !== undefined)
        throw new ConfigError(
          `${field}.chain.${step}: the gateway key ${key.name} uses this chain but may reach ${key.providers.join(', ')} only, not ${unreachable.upstream.id}; add it to the key's providers or name other keys in ${field}.keys`,
          { field: `${field}.chain.${step}.provider` },
        );
    }
    const chain: Chain = {
      routes: new Set(entry.routes ?? FALLBACK_ROUTES),
      keys: named,
      next: steps.slice(1),
    };
    const lookup = stepKey(first.upstream.provider, first.model);
    byFirst.set(lookup, [...(byFirst.get(lookup) ?? []), chain]);
  });
  return {
    providers: [...providers],
    after(route, key, provider, model) {
      if (model === undefined) return undefined;
      const chains = byFirst.get(stepKey(provider, model));
      if (chains === undefined) return undefined;
      // The first chain that covers this route and caller, in config order.
      const chain = chains.find(
        (candidate) =>
          candidate.routes.has(route) &&
          (candidate.keys === undefined || (key !== undefined && candidate.keys.has(key.name))),
      );
      return chain?.next;
    },
  };
}

const stepKey = (provider: string, model: string): string => `${provider}\u0000${model}`;

/** The same rule as checkProviderAllowed (client-key.ts). */
const reaches = (key: GatewayKey, upstream: Upstream): boolean =>
  key.providers.includes(upstream.id) || key.providers.includes(upstream.provider);
