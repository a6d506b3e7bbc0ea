/**
 * Which model and provider a model-call span names, in each convention's words.
 *
 * Model: the one that answered before the one requested (GenAI `gen_ai.response.model`, then
 * `gen_ai.request.model`; OpenInference `llm.response.model_name`, `llm.model_name`,
 * `llm.request.model_name`, `embedding.model_name`; the AI SDK's `ai.response.model`, then
 * `ai.model.id`).
 *
 * Provider: GenAI `gen_ai.provider.name`, then the older `gen_ai.system`; OpenInference
 * `llm.provider` (who served it), then `llm.system` (whose model); the AI SDK's
 * `ai.model.provider` (`openai.chat`); and, when none is set, the host in `server.address`.
 * The conventions' own spellings of provider names are folded into our ids here.
 *
 * @module
 */
import { aiSdkModelIdentity } from '../ai-sdk.js';
import { normalizeProviderId, providerFromHint } from '../detect.js';
import type { SpanConvention } from './model-call.js';
import { firstString, type OtelAttributes, stringAttribute } from './span.js';

export interface SpanIdentity {
  provider: string | undefined;
  model: string | undefined;
  /** The model requested, when the span names one apart from the answered one. */
  requestedModel: string | undefined;
}

/**
 * Provider names as the conventions spell them, where they differ from our ids:
 * GenAI `gen_ai.provider.name` well-known values (gen-ai registry: `gcp.gemini`,
 * `aws.bedrock`, `azure.ai.openai`, `x_ai`, `mistral_ai`...), OpenLLMetry's `gen_ai.system`
 * display names (`Vertex AI`). The conventions' names that are also what callers name a
 * provider (`mistralai`, `aws`, `vertexai`) are the registry's aliases; these are folded here,
 * before they could be an event's provider, so no stored event carries them.
 */
const CONVENTION_PROVIDER_NAMES: Record<string, string> = {
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'vertex ai': 'google',
  google_genai: 'google',
  'aws.bedrock': 'bedrock',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'az.ai.openai': 'azure',
  x_ai: 'xai',
  mistral_ai: 'mistral',
};

function providerId(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const folded = name.trim().toLowerCase();
  return normalizeProviderId(CONVENTION_PROVIDER_NAMES[folded] ?? folded);
}

function hostProvider(attributes: OtelAttributes): string | undefined {
  const host = stringAttribute(attributes, 'server.address');
  return host === undefined ? undefined : providerFromHint({ url: `https://${host}/` });
}

export function readSpanIdentity(attributes: OtelAttributes, convention: SpanConvention): SpanIdentity {
  if (convention === 'ai-sdk') return aiSdkIdentity(attributes);
  const requested = firstString(attributes, [
    'gen_ai.request.model',
    'llm.request.model_name',
    'llm.model_name',
    'embedding.model_name',
  ]);
  const answered = firstString(attributes, ['gen_ai.response.model', 'llm.response.model_name']);
  const named =
    convention === 'openinference'
      ? firstString(attributes, ['llm.provider', 'llm.system', 'gen_ai.provider.name', 'gen_ai.system'])
      : firstString(attributes, ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system']);
  const model = answered ?? requested;
  return {
    provider: providerId(named) ?? hostProvider(attributes),
    model,
    requestedModel: requested !== undefined && requested !== model ? requested : undefined,
  };
}

function aiSdkIdentity(attributes: OtelAttributes): SpanIdentity {
  const requested = stringAttribute(attributes, 'ai.model.id') ?? stringAttribute(attributes, 'gen_ai.request.model');
  const answered =
    stringAttribute(attributes, 'ai.response.model') ?? stringAttribute(attributes, 'gen_ai.response.model');
  const sdkProvider = stringAttribute(attributes, 'ai.model.provider');
  const model = answered ?? requested;
  if (sdkProvider !== undefined && model !== undefined) {
    // The Vercel AI Gateway names models creator/model; the creator's prices apply (ai-sdk.ts).
    const identity = aiSdkModelIdentity(sdkProvider, model);
    const requestedModel = requested === undefined ? undefined : aiSdkModelIdentity(sdkProvider, requested).model;
    return {
      provider: identity.provider,
      model: identity.model,
      requestedModel: requestedModel !== identity.model ? requestedModel : undefined,
    };
  }
  return {
    provider:
      providerId(firstString(attributes, ['gen_ai.provider.name', 'gen_ai.system'])) ?? hostProvider(attributes),
    model,
    requestedModel: requested !== undefined && requested !== model ? requested : undefined,
  };
}
