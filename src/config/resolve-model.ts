/**
 * Turns a model reference into a provider and a model.
 *
 * @module
 */
import { ConfigError } from '../errors/index.js';
import type { ProviderConfig } from './config.js';
import { canonicalProviderId, providerRecord, providerRecords } from '../providers/index.js';

export interface ModelTarget {
  provider: string;
  model: string;
}

/**
 * Resolves `{ provider?, model }` (provider names are folded to their canonical id, so
 * `gemini/gemini-2.5-flash` is Google's):
 * - with `provider`, the model is taken as written;
 * - `p/model` where `p` is a configured provider id: that provider, model `model`;
 * - a known provider's prefix (`openai/...`) when the vendor-model router is not configured:
 *   that provider;
 * - any other `vendor/model` id: the provider that names its models that way (OpenRouter,
 *   https://openrouter.ai/docs/api-reference/overview), e.g. `google/gemini-2.5-flash`;
 * - a bare model: the only configured provider, else an error asking for `provider/model`.
 *
 * @param field - the config path named in errors.
 */
export function resolveModelRef(
  ref: { provider?: string | undefined; model: string },
  providers: Readonly<Record<string, ProviderConfig>>,
  field = 'model',
): ModelTarget {
  if (ref.provider !== undefined)
    return { provider: canonicalProviderId(ref.provider) ?? ref.provider, model: ref.model };
  const slash = ref.model.indexOf('/');
  if (slash > 0) {
    const prefix = canonicalProviderId(ref.model.slice(0, slash)) ?? ref.model.slice(0, slash);
    if (providers[prefix] !== undefined) return { provider: prefix, model: ref.model.slice(slash + 1) };
    const router = providerRecords().find((record) => record.quirks?.routesVendorModelIds === true)?.id;
    // No router either: a known provider prefix means that provider, so the error names its key.
    if ((router === undefined || providers[router] === undefined) && providerRecord(prefix)?.env !== undefined) {
      return { provider: prefix, model: ref.model.slice(slash + 1) };
    }
    if (router !== undefined) return { provider: router, model: ref.model };
  }
  const ids = Object.keys(providers);
  if (ids.length === 1 && ids[0] !== undefined) return { provider: ids[0], model: ref.model };
  throw new ConfigError(
    `${field}: model '${ref.model}' names no provider; write provider/model (configured providers: ${ids.join(', ') || 'none'})`,
    { field },
  );
}
