/**
 * Where the gateway sends a request. An upstream is found, in order, from `server.upstreams`
 * in the config, the provider's `baseURL` in the config, the environment variable its SDK
 * reads (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `GEMINI_BASE_URL`...), then the provider's
 * public API. OpenAI-style bases end in `/v1` (as `OPENAI_BASE_URL` does); Anthropic and
 * Gemini bases are the host (as their SDKs take them).
 *
 * @module
 */
import { ENV_PROVIDERS, type Config } from '../../config/index.js';

export type UpstreamStyle = 'openai' | 'anthropic' | 'gemini';

export interface Upstream {
  /** Provider id as the config and `x-tokenledger-provider` name it (`gemini`, `my-vllm`...). */
  id: string;
  /** Provider id recorded on events (`openai`, `openrouter`, `anthropic`, `google`...). */
  provider: string;
  style: UpstreamStyle;
  /** Base URL without a trailing slash. */
  baseURL: string;
  /** The server's own key for it, when configured. Never logged. */
  apiKey: string | undefined;
}

const PUBLIC_BASES: Record<string, string> = {
  openai: 'https://api.openai.com/v1',
  openrouter: 'https://openrouter.ai/api/v1',
  deepseek: 'https://api.deepseek.com/v1',
  groq: 'https://api.groq.com/openai/v1',
  xai: 'https://api.x.ai/v1',
  mistral: 'https://api.mistral.ai/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
};

const trim = (url: string): string => url.replace(/\/+$/, '');

/** The config's provider id for a style's native provider (`gemini` in config, `google` on events). */
function eventProvider(id: string): string {
  return id === 'gemini' ? 'google' : id;
}

/**
 * Resolves an upstream by provider id (as named in the config or by `x-tokenledger-provider`).
 * Returns `undefined` for a provider nothing names.
 */
export function resolveUpstream(
  id: string,
  style: UpstreamStyle,
  config: Config,
  env: Record<string, string | undefined>,
): Upstream | undefined {
  const configured = config.server.upstreams.find((entry) => entry.provider === id);
  if (configured !== undefined) {
    return {
      id,
      provider: eventProvider(id),
      style,
      baseURL: trim(configured.baseURL),
      apiKey: configured.apiKey?.value ?? config.providers[id]?.apiKeys[0]?.value,
    };
  }
  const provider = config.providers[id];
  const known = ENV_PROVIDERS[id];
  const fromEnv = known?.baseURLVar === undefined ? undefined : env[known.baseURLVar];
  const baseURL =
    provider?.baseURL ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv) ?? PUBLIC_BASES[id];
  if (baseURL === undefined) return undefined;
  const apiKey =
    provider?.apiKeys.find((key) => key.value !== undefined)?.value ??
    known?.keyVars.map((name) => env[name]).find((value) => value !== undefined && value !== '');
  return { id, provider: eventProvider(id), style, baseURL: trim(baseURL), apiKey };
}
