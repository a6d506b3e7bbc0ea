/**
 * Last resorts for a body no known format matches, so that a saved answer in an unfamiliar but
 * similar shape still gives its numbers, with a warning saying how they were found:
 *
 * 1. An envelope around a known body: a batch output line (OpenAI `{ custom_id, response: { body } }`,
 *    Anthropic `{ custom_id, result: { message } }`, Gemini `{ key, response }`) or a gateway's
 *    wrapper (`{ data: ... }`). The first nested object (breadth first, a few levels deep) that a
 *    known reader reads is used.
 * 2. Token counters found by their names anywhere in the body (a few levels deep, arrays' first
 *    items included): an input count (`prompt_token_count`, `inputTextTokenCount`,
 *    `input_token_count`, `promptTokens`...) and an output count (`generation_token_count`,
 *    `generated_token_count`, `output_token_count`, `completionTokens`...), as Llama and Titan on
 *    Bedrock InvokeModel, watsonx.ai or Replicate report them. No cache or reasoning split is
 *    known then, and the warning says so.
 *
 * @module
 */
import type { Count } from '../types/index.js';
import { createCountProblems, isRecord, readCount } from './counts.js';
import { readFromParts, type UsageRead } from './result.js';

const MAX_DEPTH = 4;
const MAX_NODES = 200;

/** A nested object with the path it was found at (`response.body`). */
export interface NestedBody {
  path: string;
  body: Record<string, unknown>;
}

/** Nested objects of `body`, breadth first (arrays: their first item), at most MAX_NODES. */
export function nestedBodies(body: Record<string, unknown>): NestedBody[] {
  const found: NestedBody[] = [];
  let level: NestedBody[] = [{ path: '', body }];
  for (let depth = 0; depth < MAX_DEPTH && level.length > 0 && found.length < MAX_NODES; depth++) {
    const next: NestedBody[] = [];
    for (const { path, body: node } of level) {
      for (const [key, value] of Object.entries(node)) {
        const inner = Array.isArray(value) ? value[0] : value;
        if (!isRecord(inner)) continue;
        const entry = { path: path === '' ? key : `${path}.${key}`, body: inner };
        next.push(entry);
        found.push(entry);
        if (found.length >= MAX_NODES) break;
      }
    }
    level = next;
  }
  return found;
}

const INPUT_NAMES =
  /^(prompt|input)(_?text)?_?(token_?count|tokens?_?count|tokens|token_?num|eval_?count)$|^(prompt|input)(Text)?Token(s)?Count$|^(prompt|input)Tokens$/i;
const OUTPUT_NAMES =
  /^(completion|output|generation|generated|response)_?(token_?count|tokens?_?count|tokens|token_?num)$|^(completion|output|generation|generated)Token(s)?Count$|^(completion|output)Tokens$/i;

interface Counter {
  path: string;
  value: unknown;
}

/** A bare `tokenCount` counts output where it sits in a list of generated results (Titan's `results[]`). */
const RESULT_LISTS = /(^|\.)(results|outputs|generations|completions|choices)$/i;
const BARE_COUNT = /^token_?count$/i;

/** The first counter (breadth first) whose name matches (`inResults`: also a bare count in a results list). */
function findCounter(body: Record<string, unknown>, names: RegExp, inResults = false): Counter | undefined {
  for (const { path, body: node } of [{ path: '', body }, ...nestedBodies(body)]) {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value !== 'number' && typeof value !== 'string') continue;
      if (names.test(key) || (inResults && BARE_COUNT.test(key) && RESULT_LISTS.test(path)))
        return { path: path === '' ? key : `${path}.${key}`, value };
    }
  }
  return undefined;
}

/**
 * Usage from counters found by their names, or `undefined` when neither an input nor an output
 * count is found.
 */
export function readByFieldNames(body: Record<string, unknown>): UsageRead | undefined {
  const input = findCounter(body, INPUT_NAMES);
  const output = findCounter(body, OUTPUT_NAMES, true);
  if (input === undefined && output === undefined) return undefined;
  const problems = createCountProblems();
  const inputTokens: Count = input === undefined ? undefined : readCount(input.value, input.path, problems, undefined);
  const outputTokens: Count =
    output === undefined ? undefined : readCount(output.value, output.path, problems, undefined);
  const read = readFromParts(
    {
      inputTokens,
      outputTokens,
      // Nothing tells cache or reasoning apart in such a body: none is assumed.
      cacheReadTokens: inputTokens === undefined ? undefined : 0,
      cacheWriteTokens: inputTokens === undefined ? undefined : 0,
      reasoningTokens: outputTokens === undefined ? undefined : 0,
    },
    problems,
    undefined,
  );
  read.warnings.push(
    `no known usage format; counts read by field name (input: ${input?.path ?? 'none'}, output: ${output?.path ?? 'none'}); no cache or reasoning split known`,
  );
  return read;
}
