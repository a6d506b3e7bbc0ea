/**
 * Reading token counts we can trust, and the arithmetic every normalizer shares.
 *
 * A count is trusted when it is a non-negative safe integer no larger than
 * {@link MAX_TRUSTED_COUNT}. Anything else (negative, NaN, Infinity, fractional, huge, an
 * object...) becomes `undefined` with a warning: never 0, never a guess.
 *
 * Numeric strings: ACCEPTED when they are canonical decimal integers (`"123"`, not `"1e3"`,
 * `" 12"` or `"012"`), with a warning. The proto3 JSON mapping writes 64-bit integers as
 * strings (https://protobuf.dev/programming-guides/json/), so a gateway re-encoding a proto
 * usage message may legitimately send `"123"`; any other string is garbage.
 *
 * Absent versus zero: when a provider's usage object is present, an absent SUB-counter
 * (cached, cache write, reasoning, Gemini candidates) reads as 0, because providers omit zero
 * counters (Gemini's proto3 JSON drops zero fields; older OpenAI usage has no `*_details`).
 * An absent usage object, or a main total that is missing or invalid, stays `undefined`.
 *
 * @module
 */
import type { Count, Usage } from '../types/index.js';

/** Counts above this (a trillion tokens in one call) are treated as corrupt. */
export const MAX_TRUSTED_COUNT = 1e12;

const CANONICAL_INTEGER = /^(0|[1-9][0-9]{0,12})$/;

/** Collects what went wrong while reading one usage object. */
export interface CountProblems {
  /** Human-readable notes, surfaced as `UsageResult.warnings`. */
  warnings: string[];
  /** Fields whose value was present but untrusted (so the result is partly distrusted). */
  untrusted: string[];
}

export function createCountProblems(): CountProblems {
  return { warnings: [], untrusted: [] };
}

/** Narrowing helper: a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested object at `key`, or `undefined`. */
export function recordAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const inner = value[key];
  return isRecord(inner) ? inner : undefined;
}

/** A non-empty string at `key`, or `undefined`. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const inner = value[key];
  return typeof inner === 'string' && inner.length > 0 ? inner : undefined;
}

/**
 * Reads one counter. `undefined`/`null` -> `ifAbsent`; a trusted integer -> itself; anything
 * else -> `undefined`, noted in `problems` under the name `field`.
 */
export function readCount(value: unknown, field: string, problems: CountProblems, ifAbsent: 0 | undefined): Count {
  if (value === undefined || value === null) return ifAbsent;
  let number: number;
  if (typeof value === 'number') {
    number = value;
  } else if (typeof value === 'string' && CANONICAL_INTEGER.test(value)) {
    number = Number(value);
    problems.warnings.push(`${field} was sent as a string ("${value}"); read as ${number}`);
  } else {
    return distrust(field, `${field} is not a number (${describe(value)})`, problems);
  }
  if (!Number.isFinite(number)) return distrust(field, `${field} is not finite (${String(number)})`, problems);
  if (number < 0) return distrust(field, `${field} is negative (${number})`, problems);
  if (!Number.isInteger(number)) return distrust(field, `${field} is fractional (${number})`, problems);
  if (number > MAX_TRUSTED_COUNT) return distrust(field, `${field} is implausibly large (${number})`, problems);
  return number === 0 ? 0 : number; // folds -0 into 0
}

function distrust(field: string, message: string, problems: CountProblems): undefined {
  problems.untrusted.push(field);
  problems.warnings.push(`${message}; ignored`);
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `string "${value.length > 20 ? `${value.slice(0, 20)}...` : value}"`;
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A call of no tokens at all (a token count's answer; the usage a price lookup asks about). */
export function noTokens(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * Adds two counts where unknown + unknown stays unknown and known + unknown is the known
 * part (as vercel/ai `addTokenCounts`): for aggregating many usages.
 */
export function addCounts(left: Count, right: Count): Count {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return left + right;
}

/**
 * Sums the parts of ONE inclusive total: if any part is unknown the total is unknown, since a
 * partial sum would understate it.
 */
export function sumParts(...parts: Count[]): Count {
  let total = 0;
  for (const part of parts) {
    if (part === undefined) return undefined;
    total += part;
  }
  return total;
}

/** Everything a normalizer read, before the shared consistency checks. */
export interface UsageParts {
  inputTokens: Count;
  outputTokens: Count;
  cacheReadTokens: Count;
  cacheWriteTokens: Count;
  reasoningTokens: Count;
  cacheWrite5mTokens?: Count;
  cacheWrite1hTokens?: Count;
  inputAudioTokens?: Count;
  outputAudioTokens?: Count;
  /** The provider's own total, when it reports one; only used to warn on a mismatch. */
  reportedTotal?: Count;
}

/**
 * Turns parts into a `Usage` that keeps the convention: parts never exceed their totals (a part
 * that does is dropped to `undefined` with a warning), `totalTokens = inputTokens +
 * outputTokens` when both are known. Returns `undefined` when neither input nor output is known.
 */
export function finishUsage(parts: UsageParts, problems: CountProblems): Usage | undefined {
  const input = parts.inputTokens;
  const output = parts.outputTokens;
  let cacheRead = parts.cacheReadTokens;
  let cacheWrite = parts.cacheWriteTokens;
  let reasoning = parts.reasoningTokens;
  let write5m = parts.cacheWrite5mTokens;
  let write1h = parts.cacheWrite1hTokens;
  let inputAudio = parts.inputAudioTokens;
  let outputAudio = parts.outputAudioTokens;

  if (input !== undefined) {
    if (cacheRead !== undefined && cacheRead > input)
      cacheRead = distrust('cacheReadTokens', `cacheReadTokens ${cacheRead} exceeds inputTokens ${input}`, problems);
    if (cacheWrite !== undefined && cacheWrite > input)
      cacheWrite = distrust(
        'cacheWriteTokens',
        `cacheWriteTokens ${cacheWrite} exceeds inputTokens ${input}`,
        problems,
      );
    if (cacheRead !== undefined && cacheWrite !== undefined && cacheRead + cacheWrite > input) {
      distrust(
        'cacheReadTokens',
        `cacheReadTokens ${cacheRead} + cacheWriteTokens ${cacheWrite} exceed inputTokens ${input}`,
        problems,
      );
      cacheRead = undefined;
      cacheWrite = undefined;
    }
    if (inputAudio !== undefined && inputAudio > input)
      inputAudio = distrust(
        'inputAudioTokens',
        `inputAudioTokens ${inputAudio} exceeds inputTokens ${input}`,
        problems,
      );
  }
  if (output !== undefined) {
    if (reasoning !== undefined && reasoning > output)
      reasoning = distrust('reasoningTokens', `reasoningTokens ${reasoning} exceeds outputTokens ${output}`, problems);
    if (outputAudio !== undefined && outputAudio > output)
      outputAudio = distrust(
        'outputAudioTokens',
        `outputAudioTokens ${outputAudio} exceeds outputTokens ${output}`,
        problems,
      );
  }
  if (write5m !== undefined || write1h !== undefined) {
    const split = sumParts(write5m ?? 0, write1h ?? 0);
    if (cacheWrite === undefined || split !== cacheWrite) {
      // The 5m/1h split must add up to the cache write it splits, or it cannot be priced.
      problems.warnings.push(
        `cache write split (5m ${String(write5m)}, 1h ${String(write1h)}) does not add up to cacheWriteTokens ${String(cacheWrite)}; split ignored`,
      );
      write5m = undefined;
      write1h = undefined;
    }
  }
  if (input === undefined && output === undefined) return undefined;

  const total = sumParts(input, output);
  if (total !== undefined && parts.reportedTotal !== undefined && parts.reportedTotal !== total) {
    problems.warnings.push(`provider total ${parts.reportedTotal} differs from inputTokens + outputTokens = ${total}`);
  }
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    totalTokens: total,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: reasoning,
  };
  if (write5m !== undefined || write1h !== undefined) {
    usage.cacheWrite5mTokens = write5m;
    usage.cacheWrite1hTokens = write1h;
  }
  if (inputAudio !== undefined) usage.inputAudioTokens = inputAudio;
  if (outputAudio !== undefined) usage.outputAudioTokens = outputAudio;
  return usage;
}
