/** xAI: OpenAI-compatible (https://docs.x.ai/docs/api-reference). @module */
import { openaiCompatible } from './openai-compatible.js';

export const xaiProvider = openaiCompatible({ id: 'xai', defaultBaseURL: 'https://api.x.ai/v1' });
