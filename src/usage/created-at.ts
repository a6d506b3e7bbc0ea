/**
 * When a provider says its answer was made, from the body's own field, so that a saved response is
 * priced at its time, not today's (`tokenledger usage`). Fields, as documented:
 * - OpenAI Chat Completions (and compatible) `created`: Unix seconds
 *   (https://platform.openai.com/docs/api-reference/chat/object);
 * - OpenAI Responses `created_at`: Unix seconds (also inside a stream's `response.created` event);
 * - Ollama `created_at`: an RFC 3339 string;
 * - Vertex AI Gemini `createTime`: an RFC 3339 string.
 * Anthropic, Bedrock and Cohere bodies carry no time.
 *
 * @module
 */
import { isRecord } from './counts.js';

/** Plausible answer times: 2015 (before any of these APIs) to 2100. */
const EARLIEST_MS = Date.UTC(2015, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

function fromValue(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value > 1e12 ? value : value * 1000;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) ms = Date.parse(value);
  return ms !== undefined && Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS ? ms : undefined;
}

/** The ISO time a body (or stream event) says it was created, or `undefined`. */
export function createdAtOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const inner = isRecord(body['response']) ? body['response'] : undefined;
  for (const value of [body['created'], body['created_at'], body['createTime'], inner?.['created_at']]) {
    const ms = fromValue(value);
    if (ms !== undefined) return new Date(ms).toISOString();
  }
  return undefined;
}
