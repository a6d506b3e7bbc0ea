/** vLLM's OpenAI-compatible server (https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html); no key needed. @module */
import { openaiCompatible } from './openai-compatible.js';

export const vllmProvider = openaiCompatible({ id: 'vllm', defaultBaseURL: 'http://127.0.0.1:8000/v1' });
