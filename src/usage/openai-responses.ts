/**
 * OpenAI Responses API usage (also Azure OpenAI, xAI and OpenRouter's Responses endpoints).
 * `input_tokens` includes cached and cache-write tokens; `output_tokens` includes reasoning
 * (https://platform.openai.com/docs/api-reference/responses/object). Absent `*_details`
 * counters read as 0 when the usage object is present (see counts.ts).
 *
 * Stream: usage arrives in `response.completed` (or `response.incomplete` / `response.failed`)
 * at `response.usage`; `response.created` and `response.in_progress` carry `usage: null`.
 *
 * @module
 */
import { createCountProblems, isRecord, readCount, recordAt, stringAt, type UsageParts } from './counts.js';
import { readProviderCost } from './openai-chat.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import {
  LastWinsAccumulator,
  isEventOfType,
  mentionsNonNull,
  type FormatAccumulator,
  type LastWinsSpec,
} from './stream-support.js';

/** The events whose `response` carries the final usage. */
const FINAL_EVENTS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
  'response.done',
]);
const mentionsUsage = (data: string): boolean => mentionsNonNull(data, '"usage"');

/** The wire shape we read. */
export interface OpenAIResponsesUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  total_tokens?: number | null;
  input_tokens_details?: {
    cached_tokens?: number | null;
    cache_write_tokens?: number | null;
    audio_tokens?: number | null;
  } | null;
  output_tokens_details?: { reasoning_tokens?: number | null; audio_tokens?: number | null } | null;
  /** OpenRouter's Responses endpoint: USD. */
  cost?: number | null;
}

/** Normalizes one Responses API `usage` object. */
export function normalizeOpenAIResponsesUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage object');
  const problems = createCountProblems();
  const inputDetails = recordAt(raw, 'input_tokens_details');
  const outputDetails = recordAt(raw, 'output_tokens_details');
  const parts: UsageParts = {
    inputTokens: readCount(raw['input_tokens'], 'input_tokens', problems, undefined),
    outputTokens: readCount(raw['output_tokens'], 'output_tokens', problems, undefined),
    cacheReadTokens: readCount(inputDetails?.['cached_tokens'], 'input_tokens_details.cached_tokens', problems, 0),
    cacheWriteTokens: readCount(
      inputDetails?.['cache_write_tokens'],
      'input_tokens_details.cache_write_tokens',
      problems,
      0,
    ),
    reasoningTokens: readCount(
      outputDetails?.['reasoning_tokens'],
      'output_tokens_details.reasoning_tokens',
      problems,
      0,
    ),
    reportedTotal: readCount(raw['total_tokens'], 'total_tokens', problems, undefined),
  };
  const inputAudio = readCount(
    inputDetails?.['audio_tokens'],
    'input_tokens_details.audio_tokens',
    problems,
    undefined,
  );
  const outputAudio = readCount(
    outputDetails?.['audio_tokens'],
    'output_tokens_details.audio_tokens',
    problems,
    undefined,
  );
  if (inputAudio !== undefined) parts.inputAudioTokens = inputAudio;
  if (outputAudio !== undefined) parts.outputAudioTokens = outputAudio;
  const read = readFromParts(parts, problems, raw);
  const cost = readProviderCost(raw['cost']);
  if (cost !== undefined) read.providerCost = cost;
  return read;
}

const OPENAI_RESPONSES_STREAM: LastWinsSpec = {
  isCandidate: (event) => isEventOfType(event, FINAL_EVENTS, mentionsUsage),
  extract: (chunk) => {
    const usage = recordAt(chunk, 'response')?.['usage'];
    return isRecord(usage) ? usage : undefined;
  },
  normalize: (raw) => normalizeOpenAIResponsesUsage(raw),
  modelOf: (chunk) => stringAt(recordAt(chunk, 'response'), 'model'),
  isPreamble: (event) => {
    const name = event.event ?? '';
    return (
      name === 'response.created' ||
      name === 'response.in_progress' ||
      event.data.includes('"response.created"') ||
      event.data.includes('"response.in_progress"')
    );
  },
};

/** Stream accumulator: the usage of the final `response.*` event that carries one. */
export function createOpenAIResponsesStreamAccumulator(): FormatAccumulator {
  return new LastWinsAccumulator(OPENAI_RESPONSES_STREAM);
}
