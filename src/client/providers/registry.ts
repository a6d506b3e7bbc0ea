/**
 * Known provider presets by id; a provider of another id gets the plain adapter of its type.
 *
 * @module
 */
import type { ProviderType } from '../../config/index.js';
import { anthropicProvider } from './anthropic.js';
import { deepseekProvider } from './deepseek.js';
import { geminiProvider } from './gemini.js';
import { groqProvider } from './groq.js';
import { mistralProvider } from './mistral.js';
import { ollamaProvider } from './ollama.js';
import { openaiCompatible, openaiProvider } from './openai-compatible.js';
import { openrouterProvider } from './openrouter.js';
import type { ProviderAdapter } from './types.js';
import { vllmProvider } from './vllm.js';
import { xaiProvider } from './xai.js';

const PRESETS: Readonly<Record<string, ProviderAdapter>> = {
  openai: openaiProvider,
  openrouter: openrouterProvider,
  deepseek: deepseekProvider,
  groq: groqProvider,
  xai: xaiProvider,
  mistral: mistralProvider,
  vllm: vllmProvider,
  ollama: ollamaProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
};

/** The adapter for a provider id, falling back to the generic adapter of its type. */
export function providerAdapter(id: string, type: ProviderType): ProviderAdapter {
  const preset = PRESETS[id];
  if (preset !== undefined && preset.type === type) return preset;
  if (type === 'anthropic') return { ...anthropicProvider, id, defaultBaseURL: undefined };
  if (type === 'gemini') return { ...geminiProvider, id, defaultBaseURL: undefined };
  return openaiCompatible({ id });
}
