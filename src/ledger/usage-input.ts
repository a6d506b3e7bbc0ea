/**
 * The `usage` a caller hands to `record()` (and so `POST /v1/usage` and `tokenledger import`), in
 * either of the two forms it may take: our convention (DESIGN.md field names, checked by
 * validate.ts), or a provider's or SDK's own usage object (OpenAI `prompt_tokens`, Anthropic
 * `input_tokens` + `cache_*`, Gemini `usageMetadata`, Bedrock `inputTokens` + `cacheRead...`,
 * Cohere `billed_units`/`tokens`, Ollama, the AI SDK's), read by the response readers of
 * src/usage. A usage object that cannot be read is refused naming the field: an event is never
 * stored without the usage its caller sent.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { FormatHint, JsonValue, Usage } from '../types/index.js';
import { readUsageObject } from '../usage/index.js';

/** Our convention's field names: a usage object made only of these is ours. */
export const OUR_USAGE_FIELDS: ReadonlySet<string> = new Set([
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
  'inputAudioTokens',
  'outputAudioTokens',
  'iterations',
]);

/** A provider's usage object, read. */
export interface NativeUsage {
  usage: Usage;
  /** The object as sent, kept as the event's raw usage. */
  rawUsage: JsonValue;
  providerCost?: number;
  warnings: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `usage` when it is a provider's usage object; `undefined` when it is ours (or absent), for
 * validate.ts to check. Throws `ValidationError` naming `usage.<field>` when a provider's object
 * holds no trustworthy count.
 */
export function readNativeUsage(usage: unknown, hint: FormatHint): NativeUsage | undefined {
  if (!isObject(usage)) return undefined;
  // Made only of our field names (`iterations` included): ours, checked by validate.ts.
  if (Object.keys(usage).every((key) => OUR_USAGE_FIELDS.has(key))) return undefined;
  const found = readUsageObject(usage, hint);
  if (found === undefined) return undefined;
  const { read } = found;
  // A count sent but not trustworthy (negative, fractional, text) is refused, not left unknown:
  // the caller can fix it, and the ledger would otherwise under-bill the call.
  if (read.usage === undefined || (read.untrusted?.length ?? 0) > 0) {
    const field = read.untrusted?.[0];
    // The reader's own note on that field ("prompt_tokens is not a number (...); ignored").
    const note = field === undefined ? undefined : read.warnings.find((warning) => warning.startsWith(`${field} `));
    const why =
      note === undefined || field === undefined
        ? (read.reason ?? 'holds no token counts')
        : note.slice(field.length + 1).replace(/; ignored$/, '');
    throw new ValidationError(`usage${field === undefined ? '' : `.${field}`}: ${why} (read as ${found.shape} usage)`, {
      field: field === undefined ? 'usage' : `usage.${field}`,
    });
  }
  const native: NativeUsage = { usage: read.usage, rawUsage: usage as JsonValue, warnings: [...read.warnings] };
  if (read.reason !== undefined) native.warnings.push(read.reason);
  if (read.providerCost !== undefined) native.providerCost = read.providerCost;
  return native;
}

/** Notes for the fields of an our-convention usage object that are not usage fields (ignored). */
export function unknownUsageFields(usage: unknown): string[] {
  if (!isObject(usage)) return [];
  return Object.keys(usage)
    .filter((key) => !OUR_USAGE_FIELDS.has(key))
    .slice(0, 8)
    .map((key) => `usage.${key.slice(0, 64)} is not a usage field of ours nor of a known provider; ignored`);
}
