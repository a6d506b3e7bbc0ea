/**
 * Resolves what a call names (an agent, `provider` + `model`, or a `vendor/model` id) into a
 * provider adapter, base URL, keys and defaults. Every problem is a `ConfigError` raised
 * before any request is sent.
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import { resolveModelRef, type AgentConfig, type Config, type ProviderConfig } from '../config/index.js';
import { providerRecord } from '../providers/index.js';
import { KeyPool } from './keys.js';
import { providerAdapter } from './providers/registry.js';
import type { ProviderAdapter } from './providers/types.js';

export interface CallTarget {
  provider: string;
  model: string;
  adapter: ProviderAdapter;
  baseURL: string;
  headers: Record<string, string>;
  /** `undefined` for providers that need no key. */
  keys: KeyPool | undefined;
  /** The agent's defaults, when the call named an agent. */
  agent: AgentConfig | undefined;
}

export interface TargetRef {
  agent?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
}

/** Caches targets per (provider, model) so key rotation state lives as long as the client. */
export class TargetResolver {
  private readonly pools = new Map<string, KeyPool | undefined>();
  private readonly cache = new Map<string, CallTarget>();

  constructor(
    private readonly config: Config,
    private readonly extraHeaders: (provider: ProviderConfig) => Record<string, string> = () => ({}),
  ) {}

  resolve(ref: TargetRef): CallTarget {
    const cacheKey = `${ref.agent ?? ''}\u0000${ref.provider ?? ''}\u0000${ref.model ?? ''}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    let agent: AgentConfig | undefined;
    let provider = ref.provider;
    let model = ref.model;
    if (ref.agent !== undefined && (provider === undefined || model === undefined)) {
      agent = this.config.agents[ref.agent];
      if (agent === undefined && model === undefined) {
        const known = Object.keys(this.config.agents);
        throw new ConfigError(`unknown agent '${ref.agent}' (configured agents: ${known.join(', ') || 'none'})`, {
          field: 'agent',
        });
      }
      if (agent !== undefined) {
        provider ??= agent.provider;
        model ??= agent.model;
      }
    }
    if (model === undefined || model === '') {
      throw new ConfigError('a call needs an agent, or a model (provider/model or provider + model)', {
        field: 'model',
      });
    }
    const target = resolveModelRef({ provider, model }, this.config.providers);
    const providerConfig = this.config.providers[target.provider];
    if (providerConfig === undefined) {
      const known = Object.keys(this.config.providers);
      const env = providerRecord(target.provider)?.env;
      if (env !== undefined) {
        throw new ConfigError(
          `provider '${target.provider}' is not configured: set ${env.keyVars.join(' or ')}${env.keyOptional === true && env.baseURLVar !== undefined ? ` or ${env.baseURLVar}` : ''}, or add it to the config's providers`,
          { field: 'provider' },
        );
      }
      throw new ConfigError(
        `unknown provider '${target.provider}' for model '${target.model}' (configured providers: ${known.join(', ') || 'none'}; set its API key variable or add it to the config)`,
        { field: 'provider' },
      );
    }
    const adapter = providerAdapter(providerConfig.id, providerConfig.type);
    const baseURL = providerConfig.baseURL ?? adapter.defaultBaseURL;
    if (baseURL === undefined) {
      throw new ConfigError(`provider '${providerConfig.id}' needs a baseURL`, {
        field: `providers.${providerConfig.id}.baseURL`,
      });
    }
    const result: CallTarget = {
      provider: providerConfig.id,
      model: target.model,
      adapter,
      baseURL,
      headers: { ...adapter.defaultHeaders, ...this.extraHeaders(providerConfig), ...providerConfig.headers },
      keys: this.pool(providerConfig),
      agent,
    };
    this.cache.set(cacheKey, result);
    return result;
  }

  private pool(provider: ProviderConfig): KeyPool | undefined {
    if (this.pools.has(provider.id)) return this.pools.get(provider.id);
    const usable = provider.apiKeys.some((key) => key.value !== undefined);
    // Local servers (Ollama, vLLM) run without a key; any other provider must have one.
    const pool =
      !usable && provider.keyOptional ? undefined : new KeyPool({ provider: provider.id, keys: provider.apiKeys });
    this.pools.set(provider.id, pool);
    return pool;
  }
}
