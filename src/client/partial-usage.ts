/**
 * The usage of an attempt that failed mid-stream. A stream the caller cancelled (`break` in the
 * loop, an aborted signal) is counted as its input plus the text streamed so far, estimated with
 * the tokenizer where the provider's count never came (it comes last): what the caller received,
 * and what its budget settles to (issue 12). A stream cut by the network or a timeout stays as
 * metered, "usage unavailable" when its count never came (DESIGN.md): the provider may have
 * generated more than arrived.
 *
 * @module
 */
import { AbortError } from '../errors/index.js';
import type { UsageResult } from '../types/index.js';
import { estimateCancelledUsage } from '../usage/index.js';
import type { ProviderCall } from './providers/types.js';

export function partialUsage(error: unknown, call: ProviderCall, partial: { text: string; usage: UsageResult }) {
  if (!(error instanceof AbortError) || !call.stream) return partial.usage;
  return estimateCancelledUsage(partial.usage, {
    model: call.model,
    messages: call.messages,
    system: call.system,
    streamed: partial.text,
  });
}
