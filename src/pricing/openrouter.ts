/**
 * OpenRouter model ids: `vendor/model`, optionally with a variant suffix. The variants are
 * documented at https://openrouter.ai/docs/features/model-variants (and the `:nitro` /
 * `:floor` routing shortcuts at https://openrouter.ai/docs/features/provider-routing):
 * `:free` is a zero-price variant; `:nitro`, `:floor`, `:online`, `:exacto`, `:extended` and
 * `:thinking` route or extend the same model, so they are priced as the base id (`:online`
 * adds a web-search fee per request, which is not a token price and is not included).
 *
 * Only these known suffixes are split off: other ids contain colons too (Bedrock's
 * `amazon.nova-pro-v1:0`, Ollama's `llama3:8b`).
 *
 * @module
 */

const VARIANTS = new Set(['free', 'nitro', 'floor', 'online', 'exacto', 'extended', 'thinking']);

export interface OpenRouterId {
  /** The id without the variant suffix. */
  base: string;
  /** The variant (`free`, `nitro`...), when the id has a known one. */
  variant: string | undefined;
}

/** Splits a known OpenRouter variant suffix off a model id. */
export function splitOpenRouterVariant(modelId: string): OpenRouterId {
  const colon = modelId.lastIndexOf(':');
  if (colon <= 0) return { base: modelId, variant: undefined };
  const variant = modelId.slice(colon + 1).toLowerCase();
  return VARIANTS.has(variant) ? { base: modelId.slice(0, colon), variant } : { base: modelId, variant: undefined };
}

/** `openai/gpt-4o` -> `{ vendor: 'openai', model: 'gpt-4o' }`; `undefined` without a vendor prefix. */
export function splitVendor(modelId: string): { vendor: string; model: string } | undefined {
  const slash = modelId.indexOf('/');
  if (slash <= 0 || slash === modelId.length - 1) return undefined;
  return { vendor: modelId.slice(0, slash), model: modelId.slice(slash + 1) };
}

/** True for OpenRouter's provider id. */
export function isOpenRouter(providerId: string | undefined): boolean {
  return providerId?.toLowerCase() === 'openrouter';
}
