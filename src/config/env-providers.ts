/**
 * The providers tokenledger finds from the variables their users already set
 * (`OPENAI_API_KEY`, `ANTHROPIC_BASE_URL`, ...), with no config file.
 *
 * @module
 */
import type { ProviderType } from './config.js';

export interface EnvProvider {
  type: ProviderType;
  /** Key variables, first set one wins; `GEMINI_API_KEY` then `GOOGLE_API_KEY`, as @google/genai reads them. */
  keyVars: string[];
  /** Base URL variable, when the provider's SDK reads one. */
  baseURLVar?: string;
  /** Appended to the base URL variable (OLLAMA_HOST names the server, its OpenAI API is /v1). */
  baseURLSuffix?: string;
  /** Local servers need no key; they are configured when their URL variable is set. */
  keyOptional?: boolean;
}

/** Known provider ids and their environment variables. */
export const ENV_PROVIDERS: Readonly<Record<string, EnvProvider>> = {
  openai: { type: 'openai-compatible', keyVars: ['OPENAI_API_KEY'], baseURLVar: 'OPENAI_BASE_URL' },
  anthropic: { type: 'anthropic', keyVars: ['ANTHROPIC_API_KEY'], baseURLVar: 'ANTHROPIC_BASE_URL' },
  gemini: { type: 'gemini', keyVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'], baseURLVar: 'GEMINI_BASE_URL' },
  openrouter: { type: 'openai-compatible', keyVars: ['OPENROUTER_API_KEY'], baseURLVar: 'OPENROUTER_BASE_URL' },
  deepseek: { type: 'openai-compatible', keyVars: ['DEEPSEEK_API_KEY'], baseURLVar: 'DEEPSEEK_BASE_URL' },
  groq: { type: 'openai-compatible', keyVars: ['GROQ_API_KEY'], baseURLVar: 'GROQ_BASE_URL' },
  xai: { type: 'openai-compatible', keyVars: ['XAI_API_KEY'], baseURLVar: 'XAI_BASE_URL' },
  mistral: { type: 'openai-compatible', keyVars: ['MISTRAL_API_KEY'], baseURLVar: 'MISTRAL_BASE_URL' },
  // https://github.com/ollama/ollama/blob/main/docs/faq.md: OLLAMA_HOST; OpenAI-compatible API under /v1.
  ollama: {
    type: 'openai-compatible',
    keyVars: ['OLLAMA_API_KEY'],
    baseURLVar: 'OLLAMA_HOST',
    baseURLSuffix: '/v1',
    keyOptional: true,
  },
  vllm: { type: 'openai-compatible', keyVars: ['VLLM_API_KEY'], baseURLVar: 'VLLM_BASE_URL', keyOptional: true },
};
