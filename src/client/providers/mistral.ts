/**
 * Mistral: OpenAI-compatible chat. Its API rejects fields it does not know and sends usage in
 * the last stream chunk unasked, so `stream_options` is left out
 * (https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post).
 *
 * @module
 */
import { openaiCompatible } from './openai-compatible.js';

export const mistralProvider = openaiCompatible({
  id: 'mistral',
  defaultBaseURL: 'https://api.mistral.ai/v1',
  askStreamUsage: false,
});
