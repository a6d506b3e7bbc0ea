/**
 * Which wire format a body (or stream event) is written in, and which provider sent it.
 *
 * Precedence: the endpoint URL names the wire format most precisely (`/v1/messages`,
 * `:generateContent`, `/responses`...), so it wins; then the body's shape; then the provider
 * hint's usual format. Provider ids, hosts and body marks are the provider registry's
 * (src/providers); this module only applies them.
 *
 * @module
 */
import {
  canonicalProviderId,
  providerIdFromUrl,
  providerRecord,
  providerRecords,
  type BodyMarks,
  type ProviderRecord,
} from '../providers/index.js';
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

/**
 * Token-counting endpoints (Anthropic `/v1/messages/count_tokens`, Gemini `:countTokens`, OpenAI
 * `/v1/responses/input_tokens`): their answers count a request's tokens, and the providers do not
 * bill them, so a call to one is a call of zero tokens, not one whose usage is unknown.
 */
export function isTokenCountUrl(url: string | undefined): boolean {
  return url !== undefined && tokenCountUrl(url);
}

const tokenCountUrl = memoize((url: string): boolean => {
  const path = url.toLowerCase().split('?', 1)[0] ?? '';
  return (
    path.endsWith('/messages/count_tokens') || path.endsWith(':counttokens') || path.endsWith('/responses/input_tokens')
  );
});

/** The provider id for a hint's provider name (aliases folded to the registry's id), or `undefined`. */
export function normalizeProviderId(name: string | undefined): string | undefined {
  return canonicalProviderId(name);
}

/** The provider a hint names: its `provider`, else the URL's (see {@link providerIdFromUrl}). */
export function providerFromHint(hint: FormatHint | undefined): string | undefined {
  const named = canonicalProviderId(hint?.provider);
  if (named !== undefined) return named;
  return hint?.url === undefined ? undefined : providerOfUrl(hint.url);
}

const providerOfUrl = memoize((url: string): string | undefined => {
  // A native Ollama path (/api/chat) on a host of the caller's is Ollama.
  return providerIdFromUrl(url) ?? (formatFromUrl(url) === 'ollama' ? nativeProviderOf('ollama')?.id : undefined);
});

/** The provider whose own API speaks `format` (the first record of that wire format without body marks). */
function nativeProviderOf(format: UsageFormat): ProviderRecord | undefined {
  const family = format === 'openai-responses' ? 'openai-chat' : format;
  return providerRecords().find((record) => record.wireFormat === family && record.bodyMarks === undefined);
}

function hasAnyKey(value: Record<string, unknown> | undefined, keys: readonly string[] | undefined): boolean {
  if (value === undefined) return false;
  return keys?.some((key) => key in value) === true;
}

/** Structural marks of an OpenAI-style chat body (id prefix, cost, provider-only keys). */
function chatMarksMatch(marks: BodyMarks, body: Record<string, unknown>): boolean {
  const usage = recordAt(body, 'usage');
  if (marks.idPrefix !== undefined && (stringAt(body, 'id') ?? '').startsWith(marks.idPrefix)) return true;
  if (marks.usageCostKey !== undefined && usage !== undefined && typeof usage[marks.usageCostKey] === 'number')
    return true;
  if (hasAnyKey(body, marks.bodyKeys) || hasAnyKey(usage, marks.usageKeys)) return true;
  const choices = body['choices'];
  return (
    marks.choiceKeys !== undefined &&
    Array.isArray(choices) &&
    choices.some((choice) => isRecord(choice) && hasAnyKey(choice, marks.choiceKeys))
  );
}

/** Which provider sent an OpenAI-style body: structural marks first, then model names, else OpenAI. */
function providerFromOpenAIBody(body: Record<string, unknown>, format: 'openai-chat' | 'openai-responses'): string {
  const records = providerRecords();
  const subject = format === 'openai-responses' ? (recordAt(body, 'response') ?? body) : body;
  const marked = records.find((record) => {
    const marks = record.bodyMarks;
    if (marks === undefined) return false;
    return format === 'openai-responses' ? hasAnyKey(subject, marks.responseKeys) : chatMarksMatch(marks, subject);
  });
  if (marked !== undefined) return marked.id;
  const model = stringAt(subject, 'model') ?? '';
  const named = records.find((record) => record.bodyMarks?.modelPattern?.test(model) === true);
  return named?.id ?? nativeProviderOf(format)?.id ?? 'openai';
}

/** The provider a body reveals, given its format (`undefined` when it says nothing). */
export function providerFromBody(body: unknown, format: UsageFormat | undefined): string | undefined {
  if (format === undefined) return undefined;
  if (format === 'openai-chat' || format === 'openai-responses')
    return isRecord(body) ? providerFromOpenAIBody(body, format) : undefined;
  return nativeProviderOf(format)?.id;
}

/** The format a provider usually speaks, for when neither URL nor body decides. */
function formatFromProvider(provider: string | undefined): UsageFormat | undefined {
  return providerRecord(provider)?.wireFormat;
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
