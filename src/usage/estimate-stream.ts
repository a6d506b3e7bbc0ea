/**
 * Usage for a chat stream that ended without any although the whole answer was seen: counted
 * with the tokenizer from the request (its messages or prompt) and the streamed answer text, and
 * marked `estimated` (DESIGN.md: never zeros, never "unavailable" when it can be counted).
 *
 * @module
 */
import type { UsageResult } from '../types/index.js';
import { isRecord } from './counts.js';
import { estimateUsage } from './estimate.js';

function requestJson(body: Uint8Array | string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `read` (a stream's result without usage) with estimated usage, or `read` unchanged when the
 * request cannot be read.
 */
export function estimateStreamUsage(read: UsageResult, request: Uint8Array | string, answer: string): UsageResult {
  const body = requestJson(request);
  if (body === undefined) return read;
  const model = read.model ?? (typeof body['model'] === 'string' ? body['model'] : undefined);
  const estimate = estimateUsage({
    model,
    messages: body['messages'],
    prompt: typeof body['prompt'] === 'string' ? body['prompt'] : undefined,
    output: answer,
  });
  if (estimate.usage === undefined) return read;
  return {
    ...read,
    usage: estimate.usage,
    usageUnavailableReason: undefined,
    estimated: true,
    warnings: [
      ...read.warnings,
      `usage estimated with the tokenizer: the stream carried none (${read.usageUnavailableReason ?? 'no usage'})`,
      ...estimate.warnings,
    ],
  };
}
