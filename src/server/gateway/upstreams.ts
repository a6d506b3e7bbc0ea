/**
 * Where the gateway sends a request. An upstream is found, in order, from `server.upstreams`
 * in the config, the provider's `baseURL` in the config, the environment variable its SDK
 * reads, then the provider's public API (both from the provider registry). OpenAI-style bases
 * end in `/v1` (as `OPENAI_BASE_URL` does); Anthropic and Gemini bases are the host (as their
 * SDKs take them). The id is canonical (`gemini` names Google), as events carry it.
 *
 * @module
 */
import type { Config } from '../../config/index.js';
import { canonicalProviderId, providerRecord } from '../../providers/index.js';

export type UpstreamStyle = 'openai' | 'anthropic' | 'gemini';

export interface Upstream {
  /** Canonical provider id of the config's entry (`gemini` is configured as `google`). */
  id: string;
  /** Provider id recorded on events: the same canonical id. */
  provider: string;
  style: UpstreamStyle;
  /** Base URL without a trailing slash. */
  baseURL: string;
  /** The server's own key for it, when configured. Never logged. */
  apiKey: string | undefined;
}

const trim = (url: string): string => url.replace(/\/+$/, '');

/**
 * Resolves an upstream by provider id (as named in the config or by `x-tokenledger-provider`).
 * Returns `undefined` for a provider nothing names.
 */
export function resolveUpstream(
  name: string,
  style: UpstreamStyle,
  config: Config,
  env: Record<string, string | undefined>,
): Upstream | undefined {
  const id = canonicalProviderId(name) ?? name;
  const configured = config.server.upstreams.find((entry) => entry.provider === id);
  if (configured !== undefined) {
    return {
      id,
      provider: id,
      style,
      baseURL: trim(configured.baseURL),
      apiKey: configured.apiKey?.value ?? config.providers[id]?.apiKeys[0]?.value,
    };
  }
  const provider = config.providers[id];
  const record = providerRecord(id);
  const known = record?.env;
  const fromEnv = known?.baseURLVar === undefined ? undefined : env[known.baseURLVar];
  const baseURL =
    provider?.baseURL ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv) ?? record?.baseURL;
  if (baseURL === undefined) return undefined;
  const apiKey =
    provider?.apiKeys.find((key) => key.value !== undefined)?.value ??
    known?.keyVars.map((name) => env[name]).find((value) => value !== undefined && value !== '');
  return { id, provider: id, style, baseURL: trim(baseURL), apiKey };
}
