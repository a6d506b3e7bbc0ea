/**
 * The metering seam of the tracking fetch: something that is fed the response body chunk by
 * chunk and says, at the end, what usage it carried. The default reads streams (SSE, NDJSON)
 * incrementally with src/usage's stream meter and JSON bodies whole with its normalizer.
 *
 * @module
 */
import type { FormatHint, UsageResult } from '../types/index.js';

export interface UsageMeter {
  /** Sees one body chunk, in order. Must not throw. */
  write(chunk: Uint8Array): void;
  /** The body ended (or was cut): the usage it carried. Must not throw. */
  end(): UsageResult;
  /** Clock time (the meter's clock) of the first content event of a stream: text, tool call or reasoning. */
  readonly firstContentAt?: number | undefined;
  /** True once a stream's end marker went by: a reader stopping after it missed nothing. */
  readonly complete?: boolean;
  /** With `collectAnswerText`: a chat stream's whole answer text, once it was all seen. */
  readonly answerText?: string | undefined;
  /** With `collectAnswerText`: a chat stream's answer text so far, complete or not. */
  readonly streamedText?: string | undefined;
}

export interface UsageMeterOptions {
  /** Keep a chat stream's answer text, for an estimate should no usage come. */
  collectAnswerText?: boolean;
}

/** Makes the meter for one response, from the request hint and the response content type. */
export type CreateUsageMeter = (hint: FormatHint, contentType: string, options?: UsageMeterOptions) => UsageMeter;

/** A result saying usage is unavailable, and why. */
export function unavailable(reason: string, hint: FormatHint = {}): UsageResult {
  return {
    format: undefined,
    provider: hint.provider,
    model: undefined,
    usage: undefined,
    usageUnavailableReason: reason,
    estimated: false,
    warnings: [],
  };
}

/** True for bodies that arrive as a sequence of events. */
export function isStreamContentType(contentType: string): boolean {
  return (
    contentType.includes('text/event-stream') ||
    contentType.includes('ndjson') ||
    contentType.includes('application/x-json-stream')
  );
}
