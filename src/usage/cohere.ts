/**
 * Cohere v2 chat usage. We read `usage.tokens` (all tokens processed), NOT `usage.billed_units`:
 * billed units are far smaller (12 in / 7 out against 507 / 10 in vercel/ai's recording, and
 * billed input can be below the cached count), so they are not "ALL input tokens" as the
 * normalized convention requires. `usage.cached_tokens` is the cache read. When `tokens` is
 * missing we fall back to `billed_units` with a warning. Cohere v1 put the same object under
 * `meta`. Absent cache counters read as 0 (see counts.ts).
 * https://docs.cohere.com/reference/chat#response.body.usage
 *
 * Stream: usage arrives in the `message-end` event at `delta.usage`.
 *
 * @module
 */
import { createCountProblems, isRecord, readCount, recordAt, stringAt, type UsageParts } from './counts.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import { LastWinsAccumulator, isEventOfType, type FormatAccumulator, type LastWinsSpec } from './stream-support.js';

const MESSAGE_END: ReadonlySet<string> = new Set(['message-end']);

/** The wire shape we read. */
export interface CohereUsage {
  tokens?: { input_tokens?: number | null; output_tokens?: number | null } | null;
  billed_units?: { input_tokens?: number | null; output_tokens?: number | null } | null;
  cached_tokens?: number | null;
}

/** Normalizes one Cohere `usage` (v2) or `meta` (v1) object. */
export function normalizeCohereUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage object');
  const problems = createCountProblems();
  let counts = recordAt(raw, 'tokens');
  if (counts === undefined) {
    counts = recordAt(raw, 'billed_units');
    if (counts !== undefined)
      problems.warnings.push('usage.tokens missing; billed_units used (may undercount processed tokens)');
  }
  const parts: UsageParts = {
    inputTokens: readCount(counts?.['input_tokens'], 'tokens.input_tokens', problems, undefined),
    outputTokens: readCount(counts?.['output_tokens'], 'tokens.output_tokens', problems, undefined),
    cacheReadTokens: readCount(raw['cached_tokens'], 'cached_tokens', problems, 0),
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  return readFromParts(parts, problems, raw);
}

/** The usage object of a Cohere response body (v2 `usage`, v1 `meta`). */
export function cohereUsageOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  return recordAt(body, 'usage') ?? recordAt(body, 'meta');
}

const COHERE_STREAM: LastWinsSpec = {
  isCandidate: (event) => isEventOfType(event, MESSAGE_END, (data) => data.includes('"message-end"')),
  extract: (chunk) => recordAt(recordAt(chunk, 'delta'), 'usage'),
  normalize: (raw) => normalizeCohereUsage(raw),
  modelOf: (chunk) => stringAt(chunk, 'model'),
  isPreamble: (event) => event.event === 'message-start' || event.data.includes('"message-start"'),
};

/** Stream accumulator: `message-end` -> `delta.usage`. */
export function createCohereStreamAccumulator(): FormatAccumulator {
  return new LastWinsAccumulator(COHERE_STREAM);
}
