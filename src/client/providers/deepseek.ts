/** DeepSeek: OpenAI-compatible (https://api-docs.deepseek.com/). @module */
import { openaiCompatible } from './openai-compatible.js';

export const deepseekProvider = openaiCompatible({ id: 'deepseek', defaultBaseURL: 'https://api.deepseek.com/v1' });
