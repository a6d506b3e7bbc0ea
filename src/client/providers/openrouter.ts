/**
 * OpenRouter: OpenAI-compatible, the default for `vendor/model` ids. Its optional attribution
 * headers `HTTP-Referer` and `X-Title` name the app on openrouter.ai
 * (https://openrouter.ai/docs/api-reference/overview#headers); set them from the config's
 * `providers.openrouter.headers` or the `OPENROUTER_REFERER` / `OPENROUTER_TITLE` variables.
 *
 * @module
 */
import { openaiCompatible } from './openai-compatible.js';

export const openrouterProvider = openaiCompatible({
  id: 'openrouter',
  defaultBaseURL: 'https://openrouter.ai/api/v1',
});

/** Attribution headers from the environment (both optional). */
export function openrouterAttributionHeaders(env: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  const referer = env['OPENROUTER_REFERER'];
  const title = env['OPENROUTER_TITLE'];
  if (referer !== undefined && referer !== '') headers['HTTP-Referer'] = referer;
  if (title !== undefined && title !== '') headers['X-Title'] = title;
  return headers;
}
