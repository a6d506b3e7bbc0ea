/**
 * What tokenledger knows of one LLM provider: one record each, in one place (records.ts). Every
 * layer that needs a provider fact (an alias, an API host, a base URL, an environment variable,
 * how its streams report usage) reads it from here, so nowhere else keeps a table of them.
 *
 * @module
 */
import type { UsageFormat } from '../types/index.js';

/** How the client talks to a provider: which adapter builds its requests. */
export type ClientAdapterKind = 'openai-compatible' | 'anthropic' | 'gemini';

/**
 * What an OpenAI-style chat-completions stream says about usage:
 * - `on-request`: usage only when the request asks with `stream_options.include_usage`
 *   (then one extra usage-only chunk, and `"usage": null` on every other chunk);
 * - `always`: the last chunk carries usage unasked; the option is accepted (ignored or honoured);
 * - `always-refuses-option`: usage comes unasked and the option is refused (Mistral: 422).
 */
export type StreamUsageBehaviour = 'on-request' | 'always' | 'always-refuses-option';

/** Environment variables the provider's own SDKs read, used when there is no config file. */
export interface ProviderEnv {
  /** Key variables, the first set one wins. */
  keyVars: readonly string[];
  /** The base URL variable, when its SDK reads one. */
  baseURLVar?: string;
  /** Appended to the base URL variable's value (`OLLAMA_HOST` names a server; its OpenAI API is `/v1`). */
  baseURLSuffix?: string;
  /** Local servers need no key: configured when their URL variable is set. */
  keyOptional?: boolean;
  /** Optional request headers read from variables: header name -> variable name. */
  headerVars?: Readonly<Record<string, string>>;
}

/** How the client calls the provider. */
export interface ProviderClient {
  adapter: ClientAdapterKind;
  /**
   * The field of the output cap in OpenAI-style bodies.
   * @default 'max_tokens'
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

/**
 * Marks that tell this provider's OpenAI-style bodies apart when neither a provider id nor a
 * known host says who answered. Structural marks are tried for every record first, in record
 * order, then model patterns.
 */
export interface BodyMarks {
  /** The response id starts with this (OpenRouter: `gen-`). */
  idPrefix?: string;
  /** A USD cost number inside `usage` under this key (OpenRouter: `cost`). */
  usageCostKey?: string;
  /** Top-level keys only this provider adds (Groq: `x_groq`). */
  bodyKeys?: readonly string[];
  /** Keys inside `usage` only this provider adds (DeepSeek: `prompt_cache_hit_tokens`). */
  usageKeys?: readonly string[];
  /** Keys on a choice only this provider adds (Azure: `content_filter_results`). */
  choiceKeys?: readonly string[];
  /** Keys of a Responses API body only this provider adds (Azure: `content_filters`). */
  responseKeys?: readonly string[];
  /** Model names only this provider serves directly (xAI: `grok-`). */
  modelPattern?: RegExp;
}

export interface ProviderQuirks {
  /** xAI chat completions leave reasoning out of `completion_tokens`. */
  chatOutputExcludesReasoning?: boolean;
  /** `vendor/model` ids with an unconfigured vendor go to this provider (OpenRouter names models so). */
  routesVendorModelIds?: boolean;
  /** A URL path fragment that means this provider whatever the host (Claude on Vertex AI). */
  urlPathMarker?: string;
  /** The default port of a local server (Ollama: 11434). */
  localPort?: number;
}

export interface ProviderRecord {
  /** Canonical id, stored on every event; `@pydantic/genai-prices`' id where it has the provider. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Other names met in configs, SDKs and catalogs (`gemini`, `x-ai`, `amazon-bedrock`...). */
  readonly aliases: readonly string[];
  /** API hostnames: exact, or `*.suffix` for any subdomain. */
  readonly hosts: readonly string[];
  /** The wire format its API usually speaks (a URL's path can say otherwise). */
  readonly wireFormat: UsageFormat;
  /** The public API base: OpenAI-style bases end in `/v1`, Anthropic's and Gemini's are the host. */
  readonly baseURL?: string;
  readonly env?: ProviderEnv;
  /** Set when `createClient` and the gateway can call it. */
  readonly client?: ProviderClient;
  /** Chat-completions streams (OpenAI-style providers). */
  readonly streamUsage?: StreamUsageBehaviour;
  readonly bodyMarks?: BodyMarks;
  readonly quirks?: ProviderQuirks;
}
