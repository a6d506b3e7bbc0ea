/**
 * Amazon Bedrock Converse / ConverseStream usage. Bedrock's `inputTokens` EXCLUDES the cache,
 * so inputTokens = `inputTokens + cacheReadInputTokens + cacheWriteInputTokens`
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html; the
 * provider's `totalTokens` equals that sum plus output in every recording). Responses also carry
 * legacy twins `cacheReadInputTokenCount` / `cacheWriteInputTokenCount` holding the same numbers:
 * read as a fallback, never added. Absent cache counters read as 0 (see counts.ts).
 *
 * Stream: usage arrives only in the final `metadata` event. Events are the decoded frames
 * (`event` = `:event-type`, `data` = payload JSON); stream-meter.ts decodes the binary framing.
 *
 * @module
 */
import { createCountProblems, isRecord, readCount, sumParts, type UsageParts } from './counts.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import { LastWinsAccumulator, mentionsNonNull, type FormatAccumulator, type LastWinsSpec } from './stream-support.js';

/** The wire shape we read. */
export interface BedrockConverseUsage {
  inputTokens?: number | null;
  outputTokens?: number | null;
  totalTokens?: number | null;
  cacheReadInputTokens?: number | null;
  cacheWriteInputTokens?: number | null;
  cacheReadInputTokenCount?: number | null;
  cacheWriteInputTokenCount?: number | null;
}

/** Normalizes one Converse `usage` object. */
export function normalizeBedrockUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage object');
  const problems = createCountProblems();
  const uncached = readCount(raw['inputTokens'], 'inputTokens', problems, undefined);
  const cacheRead = readCount(
    raw['cacheReadInputTokens'] ?? raw['cacheReadInputTokenCount'],
    'cacheReadInputTokens',
    problems,
    0,
  );
  const cacheWrite = readCount(
    raw['cacheWriteInputTokens'] ?? raw['cacheWriteInputTokenCount'],
    'cacheWriteInputTokens',
    problems,
    0,
  );
  const parts: UsageParts = {
    inputTokens: sumParts(uncached, cacheRead, cacheWrite),
    outputTokens: readCount(raw['outputTokens'], 'outputTokens', problems, undefined),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    // Converse reports no reasoning split; with a usage object present that is 0.
    reasoningTokens: 0,
    reportedTotal: readCount(raw['totalTokens'], 'totalTokens', problems, undefined),
  };
  return readFromParts(parts, problems, raw);
}

const BEDROCK_STREAM: LastWinsSpec = {
  // Decoded events are named by their :event-type header; only `metadata` carries usage.
  isCandidate: (event) =>
    event.event !== undefined && event.event !== ''
      ? event.event === 'metadata'
      : mentionsNonNull(event.data, '"usage"'),
  extract: (chunk) => {
    // Decoded events carry the payload directly; some SDKs wrap it as { metadata: {...} }.
    const usage = chunk['usage'] ?? (isRecord(chunk['metadata']) ? chunk['metadata']['usage'] : undefined);
    return isRecord(usage) ? usage : undefined;
  },
  normalize: (raw) => normalizeBedrockUsage(raw),
  modelOf: () => undefined,
  isPreamble: (event) => event.event === 'messageStart' || event.data.includes('"role"'),
};

/** Stream accumulator: the `metadata` event's usage. */
export function createBedrockStreamAccumulator(): FormatAccumulator {
  return new LastWinsAccumulator(BEDROCK_STREAM);
}
