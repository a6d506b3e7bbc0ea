/**
 * `normalizeResponse`: one response body, any known format, to a `UsageResult`. Never throws.
 *
 * @module
 */
import type { FormatHint, UsageFormat, UsageResult } from '../types/index.js';
import { normalizeAnthropicUsage } from './anthropic.js';
import { normalizeBedrockUsage } from './bedrock.js';
import { cohereUsageOf, normalizeCohereUsage } from './cohere.js';
import { isRecord, noTokens, recordAt, stringAt } from './counts.js';
import { createdAtOf } from './created-at.js';
import { nestedBodies, readByFieldNames } from './fallback.js';
import {
  detectFormat,
  detectProvider,
  formatFromBody,
  formatFromUrl,
  isTokenCountUrl,
  providerFromBody,
} from './detect.js';
import { geminiModelOf, geminiUsageOf, normalizeGeminiUsage } from './gemini.js';
import { normalizeOllamaUsage } from './ollama.js';
import { normalizeOpenAIChatUsage, openAIChatModelOf, openAIChatUsageOf } from './openai-chat.js';
import { normalizeOpenAIResponsesUsage } from './openai-responses.js';
import { asJson, toUsageResult, unavailableRead, type UsageRead } from './result.js';
import { serviceTierOf } from './service-tier.js';
import { createStreamAccumulator } from './stream-accumulator.js';
import { meterStream } from './stream-meter.js';
import { readUsageObject } from './usage-object.js';
import { isXaiChat, normalizeXaiChatUsage } from './xai.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Parses a JSON body given as text or bytes; `undefined` plus a reason when it is not JSON. */
function parseBody(body: string | Uint8Array): { value: unknown } | { reason: string } {
  const text = typeof body === 'string' ? body : decoder.decode(body);
  if (text.trim() === '') return { reason: 'body is empty' };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'invalid JSON';
    return { reason: `body is not valid JSON (${detail.slice(0, 120)})` };
  }
}

const STREAM_LINE = /^(data|event|id|retry):|^:/;

/**
 * True when text that is not one JSON value is a raw stream as sent on the wire: SSE (its first
 * line a `data:`/`event:`/`id:`/`retry:` field or a `:` comment), NDJSON (JSON objects on
 * separate lines, Ollama), or binary AWS event-stream frames (a NUL first byte).
 */
function isRawStream(body: string | Uint8Array): boolean {
  if (typeof body !== 'string') {
    if (body.length > 0 && body[0] === 0) return true;
    return isRawStream(decoder.decode(body.subarray(0, 4096)));
  }
  const text = body.trimStart();
  if (STREAM_LINE.test(text)) return true;
  return text.startsWith('{') && /\}\s*\n\s*\{/.test(text);
}

/** Reads usage from a parsed body in a known format. */
export function readResponseUsage(body: Record<string, unknown>, format: UsageFormat, hint?: FormatHint): UsageRead {
  switch (format) {
    case 'openai-chat': {
      const model = openAIChatModelOf(body);
      const usage = openAIChatUsageOf(body);
      if (usage === undefined) return { ...unavailableRead('response has no usage object'), model };
      const read = isXaiChat(hint, model) ? normalizeXaiChatUsage(usage) : normalizeOpenAIChatUsage(usage);
      return { ...read, model };
    }
    case 'openai-responses': {
      // A Responses body, or a `response.completed` event holding one.
      const response = recordAt(body, 'response') ?? body;
      const model = stringAt(response, 'model');
      const usage = response['usage'];
      if (!isRecord(usage)) return { ...unavailableRead('response has no usage object'), model };
      return { ...normalizeOpenAIResponsesUsage(usage), model };
    }
    case 'anthropic': {
      // A Messages body, or a `message_start` event holding one.
      const message = recordAt(body, 'message') ?? body;
      const model = stringAt(message, 'model');
      const usage = message['usage'];
      if (!isRecord(usage)) return { ...unavailableRead('response has no usage object'), model };
      return { ...normalizeAnthropicUsage(usage), model };
    }
    case 'gemini': {
      const model = geminiModelOf(body);
      const usage = geminiUsageOf(body);
      if (usage === undefined) return { ...unavailableRead('response has no usageMetadata'), model };
      return { ...normalizeGeminiUsage(usage), model };
    }
    case 'bedrock-converse': {
      const usage = body['usage'];
      if (!isRecord(usage)) return unavailableRead('response has no usage object');
      return normalizeBedrockUsage(usage);
    }
    case 'cohere': {
      const usage = cohereUsageOf(body) ?? recordAt(recordAt(body, 'delta'), 'usage');
      const model = stringAt(body, 'model');
      if (usage === undefined) return { ...unavailableRead('response has no usage object'), model };
      return { ...normalizeCohereUsage(usage), model };
    }
    case 'ollama':
      return { ...normalizeOllamaUsage(body), model: stringAt(body, 'model') };
  }
}

/**
 * A stream answered as one JSON array of chunks (Gemini's `:streamGenerateContent` without
 * `alt=sse`): read with the stream rules of its format (the last chunk's usage, not a sum).
 */
function normalizeChunkArray(chunks: Array<Record<string, unknown>>, hint?: FormatHint): UsageResult {
  const format =
    formatFromUrl(hint?.url) ??
    chunks.map((chunk) => formatFromBody(chunk)).find((found) => found !== undefined) ??
    detectFormat({}, hint);
  if (format === undefined)
    return toUsageResult(
      unavailableRead('no known usage format matches this array of chunks'),
      undefined,
      detectProvider(undefined, undefined, hint),
    );
  const accumulator = createStreamAccumulator(format, hint);
  for (const chunk of chunks) accumulator.push({ data: JSON.stringify(chunk) });
  return accumulator.result();
}

/**
 * A body no known format matches (fallback.ts): a known body inside an envelope (batch output
 * lines, gateway wrappers), else a known usage object anywhere in it (the body itself included),
 * else counters found by their names; each with a warning saying where the numbers came from.
 */
function readUnknownBody(value: Record<string, unknown>, hint: FormatHint | undefined, provider: string | undefined) {
  const nested = nestedBodies(value);
  for (const { path, body } of nested) {
    const format = formatFromBody(body);
    if (format === undefined) continue;
    const read = readResponseUsage(body, format, hint);
    if (read.usage === undefined) continue;
    read.warnings = [`read as the ${format} body at \`${path}\``, ...read.warnings];
    return toUsageResult(read, format, detectProvider(body, format, hint));
  }
  for (const { path, body } of [{ path: '', body: value }, ...nested]) {
    const found = readUsageObject(body, hint);
    if (found === undefined || found.read.usage === undefined || (found.read.untrusted?.length ?? 0) > 0) continue;
    const format = found.shape === 'ai-sdk' ? undefined : found.shape;
    const where = path === '' ? 'the body itself' : `\`${path}\``;
    found.read.warnings = [`read ${where} as a ${found.shape} usage object`, ...found.read.warnings];
    return toUsageResult(
      found.read,
      format,
      provider ?? (format === undefined ? undefined : providerFromBody(body, format)),
    );
  }
  const byName = readByFieldNames(value);
  if (byName !== undefined) return toUsageResult(byName, undefined, provider);
  return toUsageResult(unavailableRead('no known usage format matches this body'), undefined, provider);
}

/** A token count's answer: a call that billed no tokens (its count is kept as the raw usage). */
function tokenCountResult(body: Record<string, unknown>, hint: FormatHint | undefined): UsageResult {
  const read: UsageRead = { usage: noTokens(), rawUsage: asJson(body), warnings: [] };
  const format = detectFormat(body, hint);
  return toUsageResult(read, format, detectProvider(body, format, hint));
}

/**
 * Normalizes the usage of one response body. `body` may be a parsed object or JSON text/bytes
 * (string, Uint8Array/Buffer, ArrayBuffer), or a whole raw stream as text or bytes (SSE, NDJSON,
 * AWS event stream), which is metered like a live one.
 * Never throws: anything unreadable gives `usage: undefined` with `usageUnavailableReason`.
 *
 * @example
 * const result = normalizeResponse(await response.json(), { url: 'https://api.anthropic.com/v1/messages' });
 * result.usage?.inputTokens; // input + cache writes + cache reads
 */
export function normalizeResponse(body: unknown, hint?: FormatHint): UsageResult {
  try {
    let value = body;
    const raw = body instanceof ArrayBuffer ? new Uint8Array(body) : body;
    if (typeof raw === 'string' || raw instanceof Uint8Array) {
      // Binary AWS event-stream frames are never JSON text.
      if (typeof raw !== 'string' && raw[0] === 0) return meterStream(raw, hint);
      const parsed = parseBody(raw);
      // A saved stream (SSE, NDJSON) is metered as the stream it is.
      if ('reason' in parsed && isRawStream(raw)) return meterStream(raw, hint);
      if ('reason' in parsed)
        return toUsageResult(
          unavailableRead(parsed.reason),
          detectFormat(undefined, hint),
          detectProvider(undefined, undefined, hint),
        );
      value = parsed.value;
    }
    if (Array.isArray(value) && value.length > 0 && value.every(isRecord)) return normalizeChunkArray(value, hint);
    if (isTokenCountUrl(hint?.url) && isRecord(value)) return tokenCountResult(value, hint);
    const format = detectFormat(value, hint);
    const provider = detectProvider(value, format, hint);
    if (!isRecord(value)) {
      return toUsageResult(
        unavailableRead(
          `body is not a JSON object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`,
        ),
        format,
        provider,
      );
    }
    if (format === undefined) return readUnknownBody(value, hint, provider);
    const result = toUsageResult(readResponseUsage(value, format, hint), format, provider);
    const createdAt = createdAtOf(value);
    if (createdAt !== undefined) result.createdAt = createdAt;
    const serviceTier = serviceTierOf(value);
    if (serviceTier !== undefined) result.serviceTier = serviceTier;
    return result;
  } catch (error) {
    // Defensive: a getter or proxy in a caller's object could throw; metering stays fail-open.
    const detail = error instanceof Error ? error.message : String(error);
    return toUsageResult(unavailableRead(`usage could not be read (${detail.slice(0, 120)})`), undefined, undefined);
  }
}
