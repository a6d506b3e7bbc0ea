/**
 * Which wire format a body (or stream event) is written in, and which provider sent it.
 *
 * Precedence: the endpoint URL names the wire format most precisely (`/v1/messages`,
 * `:generateContent`, `/responses`...), so it wins; then the body's shape; then the provider
 * hint's usual format. Provider ids follow @pydantic/genai-prices where it has them (`google`
 * for Gemini/Vertex, `x-ai` is spelled `xai` here as in the product notes).
 *
 * @module
 */
import type { FormatHint, UsageFormat } from '../types/index.js';
import { isRecord, recordAt, stringAt } from './counts.js';
import { isGeminiUsageMetadata } from './gemini.js';

/**
 * A gateway meters the same few endpoint URLs over and over: URL verdicts are memoized in a
 * small map, cleared when full, so the regexes run once per distinct URL.
 */
const MEMO_LIMIT = 512;
function memoize<T>(compute: (url: string) => T): (url: string) => T {
  const memo = new Map<string, T>();
  return (url) => {
    if (memo.has(url)) return memo.get(url) as T;
    const value = compute(url);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(url, value);
    return value;
  };
}

const formatOfUrl = memoize(computeFormatFromUrl);

/** The format an endpoint URL speaks, when its path says so. */
export function formatFromUrl(url: string | undefined): UsageFormat | undefined {
  return url === undefined ? undefined : formatOfUrl(url);
}

function computeFormatFromUrl(url: string): UsageFormat | undefined {
  const path = url.toLowerCase();
  // Vertex AI serves Claude in Anthropic's format under .../publishers/anthropic/models/X:rawPredict.
  if (path.includes('/publishers/anthropic/')) return 'anthropic';
  if (/:(stream)?generatecontent\b/.test(path)) return 'gemini';
  if (/\/converse(-stream)?(\?|$|\/)/.test(path)) return 'bedrock-converse';
  if (/\/api\/(chat|generate)(\?|$|\/)/.test(path)) return 'ollama';
  if (/\/v1\/messages(\?|$|\/)/.test(path) || path.includes('/anthropic/')) return 'anthropic';
  if (/\/responses(\?|$|\/)/.test(path)) return 'openai-responses';
  if (/\/v[12]\/chat(\?|$)/.test(path) && path.includes('cohere')) return 'cohere';
  if (/\/v2\/chat(\?|$)/.test(path)) return 'cohere';
  if (/\/chat\/completions(\?|$|\/)/.test(path)) return 'openai-chat';
  return undefined;
}

const PROVIDER_ALIASES: Record<string, string> = {
  gemini: 'google',
  'google-gla': 'google',
  'google-vertex': 'google',
  vertex: 'google',
  vertexai: 'google',
  'x-ai': 'xai',
  grok: 'xai',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  'azure-openai': 'azure',
  claude: 'anthropic',
};

/** The provider id for a hint's provider name (aliases folded), or `undefined`. */
export function normalizeProviderId(name: string | undefined): string | undefined {
  if (name === undefined || name.trim() === '') return undefined;
  const id = name.trim().toLowerCase();
  return PROVIDER_ALIASES[id] ?? id;
}

const HOSTS: Array<[RegExp, string]> = [
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)api\.openai\.com$/, 'openai'],
  [/\.openai\.azure\.com$|\.services\.ai\.azure\.com$|\.azure\.com$/, 'azure'],
  [/(^|\.)api\.anthropic\.com$/, 'anthropic'],
  [/generativelanguage\.googleapis\.com$|aiplatform\.googleapis\.com$/, 'google'],
  [/^bedrock(-runtime)?[.-]/, 'bedrock'],
  [/(^|\.)cohere\.(com|ai)$/, 'cohere'],
  [/(^|\.)api\.deepseek\.com$/, 'deepseek'],
  [/(^|\.)api\.x\.ai$/, 'xai'],
  [/(^|\.)api\.mistral\.ai$/, 'mistral'],
  [/(^|\.)api\.groq\.com$/, 'groq'],
];

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The provider a hint names: its `provider`, else the URL's host (Ollama by its default port). */
export function providerFromHint(hint: FormatHint | undefined): string | undefined {
  const named = normalizeProviderId(hint?.provider);
  if (named !== undefined) return named;
  return hint?.url === undefined ? undefined : providerOfUrl(hint.url);
}

const providerOfUrl = memoize((url: string): string | undefined => {
  // Claude on Vertex AI is Anthropic's model at Anthropic's list prices, whatever the host.
  if (url.toLowerCase().includes('/publishers/anthropic/')) return 'anthropic';
  const host = hostOf(url);
  if (host !== undefined) {
    for (const [pattern, id] of HOSTS) if (pattern.test(host)) return id;
  }
  if (/:11434(\/|$)/.test(url) || formatFromUrl(url) === 'ollama') return 'ollama';
  return undefined;
});

const MISTRAL_MODEL = /^(mistral|ministral|codestral|pixtral|magistral|devstral|open-mistral|open-mixtral|voxtral)/i;

/** The provider a body reveals, given its format (`undefined` when it says nothing). */
export function providerFromBody(body: unknown, format: UsageFormat | undefined): string | undefined {
  switch (format) {
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
      return 'google';
    case 'bedrock-converse':
      return 'bedrock';
    case 'cohere':
      return 'cohere';
    case 'ollama':
      return 'ollama';
    case 'openai-responses': {
      if (!isRecord(body)) return undefined;
      const response = recordAt(body, 'response') ?? body;
      const model = stringAt(response, 'model') ?? '';
      if (/^grok-/i.test(model)) return 'xai';
      if ('content_filters' in response) return 'azure';
      return 'openai';
    }
    case 'openai-chat': {
      if (!isRecord(body)) return undefined;
      const usage = recordAt(body, 'usage');
      const id = stringAt(body, 'id') ?? '';
      const model = stringAt(body, 'model') ?? '';
      // OpenRouter ids start with "gen-" and its usage carries a USD cost.
      if (id.startsWith('gen-') || (usage !== undefined && typeof usage['cost'] === 'number')) return 'openrouter';
      if ('x_groq' in body) return 'groq';
      if (usage !== undefined && 'prompt_cache_hit_tokens' in usage) return 'deepseek';
      if ('prompt_filter_results' in body || hasContentFilterResults(body)) return 'azure';
      if (/^grok-/i.test(model)) return 'xai';
      if (/^deepseek-/i.test(model)) return 'deepseek';
      if (MISTRAL_MODEL.test(model)) return 'mistral';
      return 'openai';
    }
    default:
      return undefined;
  }
}

function hasContentFilterResults(body: Record<string, unknown>): boolean {
  const choices = body['choices'];
  return Array.isArray(choices) && choices.some((choice) => isRecord(choice) && 'content_filter_results' in choice);
}

/** The format a provider usually speaks, for when neither URL nor body decides. */
function formatFromProvider(provider: string | undefined): UsageFormat | undefined {
  switch (provider) {
    case 'anthropic':
      return 'anthropic';
    case 'google':
      return 'gemini';
    case 'bedrock':
      return 'bedrock-converse';
    case 'cohere':
      return 'cohere';
    case 'ollama':
      return 'ollama';
    case 'openai':
    case 'openrouter':
    case 'deepseek':
    case 'xai':
    case 'mistral':
    case 'groq':
    case 'azure':
      return 'openai-chat';
    default:
      return undefined;
  }
}

const ANTHROPIC_EVENTS = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'ping',
]);
const COHERE_EVENTS = new Set([
  'message-start',
  'message-end',
  'content-start',
  'content-delta',
  'content-end',
  'tool-plan-delta',
  'tool-call-start',
  'tool-call-delta',
  'tool-call-end',
  'citation-start',
  'citation-end',
]);
const BEDROCK_EVENTS = new Set([
  'messageStart',
  'messageStop',
  'contentBlockStart',
  'contentBlockDelta',
  'contentBlockStop',
  'metadata',
]);

/** The format of a body (response or stream chunk) from its shape alone. */
export function formatFromBody(body: unknown, eventName?: string): UsageFormat | undefined {
  if (eventName !== undefined && BEDROCK_EVENTS.has(eventName)) return 'bedrock-converse';
  if (!isRecord(body)) return undefined;
  const type = typeof body['type'] === 'string' ? body['type'] : '';
  if (type.startsWith('response.') || body['object'] === 'response') return 'openai-responses';
  if (ANTHROPIC_EVENTS.has(type) || (type === 'message' && 'content' in body)) return 'anthropic';
  if (COHERE_EVENTS.has(type)) return 'cohere';
  if ('usageMetadata' in body || 'usage_metadata' in body || 'candidates' in body || isGeminiUsageMetadata(body))
    return 'gemini';
  if (
    'prompt_eval_count' in body ||
    'eval_count' in body ||
    (typeof body['done'] === 'boolean' && 'created_at' in body)
  )
    return 'ollama';
  const usage = recordAt(body, 'usage');
  if (usage !== undefined) {
    if ('prompt_tokens' in usage || 'completion_tokens' in usage) return 'openai-chat';
    if ('cache_creation_input_tokens' in usage || 'cache_read_input_tokens' in usage) return 'anthropic';
    if ('inputTokens' in usage || 'outputTokens' in usage) return 'bedrock-converse';
    if ('tokens' in usage || 'billed_units' in usage) return 'cohere';
    if ('input_tokens' in usage && ('total_tokens' in usage || 'input_tokens_details' in usage))
      return 'openai-responses';
    if ('input_tokens' in usage) return 'anthropic';
  }
  const object: unknown = body['object'];
  if (Array.isArray(body['choices']) || (typeof object === 'string' && object.startsWith('chat.completion')))
    return 'openai-chat';
  if (recordAt(body, 'output')?.['message'] !== undefined || 'stopReason' in body) return 'bedrock-converse';
  if (isRecord(body['meta']) && ('billed_units' in body['meta'] || 'tokens' in body['meta'])) return 'cohere';
  if ('finish_reason' in body && isRecord(body['message'])) return 'cohere';
  if (isRecord(body['response']) && 'output' in body['response']) return 'openai-responses';
  return undefined;
}

/**
 * The wire format of `body`, from its shape alone, sharper with a hint: the URL's path wins,
 * then the body's shape, then the hint provider's usual format.
 */
export function detectFormat(body: unknown, hint?: FormatHint): UsageFormat | undefined {
  return formatFromUrl(hint?.url) ?? formatFromBody(body) ?? formatFromProvider(providerFromHint(hint));
}

/** The provider id: the hint's, else what the body reveals. */
export function detectProvider(body: unknown, format: UsageFormat | undefined, hint?: FormatHint): string | undefined {
  return providerFromHint(hint) ?? providerFromBody(body, format);
}
