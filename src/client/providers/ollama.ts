/** Ollama's OpenAI-compatible API under /v1 (https://github.com/ollama/ollama/blob/main/docs/openai.md); no key needed. @module */
import { openaiCompatible } from './openai-compatible.js';

export const ollamaProvider = openaiCompatible({ id: 'ollama', defaultBaseURL: 'http://127.0.0.1:11434/v1' });
