/**
 * The client adapter for a provider: the adapter kind of its configured type, with the defaults
 * the provider registry records for it (base URL, stream usage, output cap field). A provider
 * the registry does not know gets the plain adapter of its type.
 *
 * @module
 */
import type { ProviderType } from '../../config/index.js';
import { providerRecord } from '../../providers/index.js';
import { anthropicProvider } from './anthropic.js';
import { geminiProvider } from './gemini.js';
import { openaiCompatible } from './openai-compatible.js';
import type { ProviderAdapter } from './types.js';

/** The adapter for a provider id and its configured type. */
export function providerAdapter(id: string, type: ProviderType): ProviderAdapter {
  const record = providerRecord(id);
  // A record's defaults apply only when the config calls it the way the record does.
  const known = record?.client?.adapter === type ? record : undefined;
  if (type === 'anthropic') return { ...anthropicProvider, id, defaultBaseURL: known?.baseURL };
  if (type === 'gemini') return { ...geminiProvider, id, defaultBaseURL: known?.baseURL };
  return openaiCompatible({
    id,
    ...(known?.baseURL === undefined ? {} : { defaultBaseURL: known.baseURL }),
    // Asking is harmless wherever the option is accepted; only a provider that refuses it is spared.
    askStreamUsage: known?.streamUsage !== 'always-refuses-option',
    ...(known?.client?.maxTokensField === undefined ? {} : { maxTokensField: known.client.maxTokensField }),
  });
}

/** Request headers the provider's registry record reads from the environment (OpenRouter's attribution). */
export function providerEnvHeaders(id: string, env: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, variable] of Object.entries(providerRecord(id)?.env?.headerVars ?? {})) {
    const value = env[variable];
    if (value !== undefined && value !== '') headers[name] = value;
  }
  return headers;
}
