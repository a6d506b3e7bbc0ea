/** Groq: OpenAI-compatible (https://console.groq.com/docs/openai). @module */
import { openaiCompatible } from './openai-compatible.js';

export const groqProvider = openaiCompatible({ id: 'groq', defaultBaseURL: 'https://api.groq.com/openai/v1' });
