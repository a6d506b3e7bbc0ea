/**
 * Ollama native API usage (`/api/chat`, `/api/generate`): `prompt_eval_count` is the input,
 * `eval_count` the output; no cache or reasoning split is reported, which with counts present
 * reads as 0 (see counts.ts). Ollama may leave `prompt_eval_count` out when the whole prompt
 * came from its KV cache; we then report input as unknown rather than 0.
 * https://github.com/ollama/ollama/blob/main/docs/api.md#response
 *
 * Stream: newline-delimited JSON; the `done: true` object alone carries the counts.
 *
 * @module
 */
import { createCountProblems, isRecord, readCount, stringAt, type UsageParts } from './counts.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import { LastWinsAccumulator, type FormatAccumulator, type LastWinsSpec } from './stream-support.js';

/** The wire shape we read (the counters sit at the top level of the body). */
export interface OllamaUsage {
  prompt_eval_count?: number | null;
  eval_count?: number | null;
  done?: boolean | null;
}

const USAGE_FIELDS = [
  'prompt_eval_count',
  'eval_count',
  'prompt_eval_duration',
  'eval_duration',
  'total_duration',
  'load_duration',
] as const;

/** The counters of an Ollama body, kept as its raw usage. */
export function ollamaUsageOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!('prompt_eval_count' in body) && !('eval_count' in body)) return undefined;
  const usage: Record<string, unknown> = {};
  for (const field of USAGE_FIELDS) if (field in body) usage[field] = body[field];
  return usage;
}

/** Normalizes the counters of an Ollama body (or of its raw usage subset). */
export function normalizeOllamaUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage counters');
  const usage = ollamaUsageOf(raw);
  if (usage === undefined) return unavailableRead('response has no prompt_eval_count or eval_count');
  const problems = createCountProblems();
  if (usage['prompt_eval_count'] === undefined)
    problems.warnings.push(
      'prompt_eval_count absent (Ollama omits it when the prompt came from its cache); input unknown',
    );
  const parts: UsageParts = {
    inputTokens: readCount(usage['prompt_eval_count'], 'prompt_eval_count', problems, undefined),
    outputTokens: readCount(usage['eval_count'], 'eval_count', problems, undefined),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  return readFromParts(parts, problems, usage);
}

/** True when `"key": true` appears; searched from the end, where Ollama writes `done`. */
function mentionsTrue(text: string, quotedKey: string): boolean {
  const at = text.lastIndexOf(quotedKey);
  if (at < 0) return false;
  const rest = text.slice(at + quotedKey.length, at + quotedKey.length + 12);
  return /^\s*:\s*true/.test(rest);
}

const OLLAMA_STREAM: LastWinsSpec = {
  isCandidate: (event) => mentionsTrue(event.data, '"done"'),
  extract: (chunk) => (chunk['done'] === true ? chunk : undefined),
  normalize: (raw) => normalizeOllamaUsage(raw),
  modelOf: (chunk) => stringAt(chunk, 'model'),
  isPreamble: () => false,
};

/** Stream accumulator: the `done: true` object. */
export function createOllamaStreamAccumulator(): FormatAccumulator {
  return new LastWinsAccumulator(OLLAMA_STREAM);
}
