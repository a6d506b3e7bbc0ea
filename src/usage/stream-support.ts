/**
 * The machinery shared by the per-format stream accumulators.
 *
 * Speed matters here: metering runs inside the gateway's hot path. Most events of a stream are
 * content deltas that cannot carry usage, so each format first asks a cheap string question
 * (`isCandidate`) and only candidates are ever parsed. For the "last one wins" formats
 * (OpenAI-style, Responses, Gemini, Bedrock, Cohere, Ollama) even candidates are parsed lazily:
 * the accumulator keeps the raw text of the two newest candidates and parses them in
 * `read()`, newest first, so a Gemini stream (usage on every chunk) costs one parse, not one
 * per chunk. The second slot survives one false-positive or corrupt candidate.
 *
 * @module
 */
import type { UsageRead } from './result.js';
import { isRecord } from './counts.js';

/** One event of a stream: the SSE `event:` name (if any) and its `data:` text. */
export interface StreamEventInput {
  event?: string;
  data: string;
}

/** A per-format accumulator: fed events, asked for usage at the end. Never throws. */
export interface FormatAccumulator {
  push(event: StreamEventInput): void;
  read(): UsageRead;
  /** True for events that open a stream but carry no content (for time-to-first-token). */
  isPreamble(event: StreamEventInput): boolean;
}

/** The reason DESIGN.md asks for when a stream ends without usage: never zeros. */
export const STREAM_WITHOUT_USAGE = 'stream ended before usage arrived';

/** Parses JSON text without throwing; `undefined` for anything that is not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * True when `text` holds `"key"` followed by `:` and a value that is not `null`. A quoted key
 * inside a JSON string is always escaped (`\"key\"`), so a match is a real key somewhere in
 * the object; a false positive only costs a parse.
 */
export function mentionsNonNull(text: string, quotedKey: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(quotedKey, from);
    if (at < 0) return false;
    let index = at + quotedKey.length;
    while (isJsonSpace(text.charCodeAt(index))) index++;
    if (text.charCodeAt(index) === 58 /* : */) {
      index++;
      while (isJsonSpace(text.charCodeAt(index))) index++;
      if (text.charCodeAt(index) !== 110 /* n(ull) */) return true;
    }
    from = at + quotedKey.length;
  }
}

/** True for data that cannot be JSON at all (garbage between events), checked cheaply. */
export function isNotJsonText(data: string): boolean {
  let index = 0;
  while (isJsonSpace(data.charCodeAt(index))) index++;
  const code = data.charCodeAt(index);
  return code !== 123 /* { */ && code !== 91 /* [ */;
}

/** How one "last one wins" format finds and reads its usage. */
export interface LastWinsSpec {
  /** Cheap test on the raw event: could it carry usage? */
  isCandidate(event: StreamEventInput): boolean;
  /** The usage object inside a parsed candidate, or `undefined` when it holds none. */
  extract(chunk: Record<string, unknown>): unknown;
  /** Reads the usage object (the format's normalizer). */
  normalize(rawUsage: unknown, chunk: Record<string, unknown>): UsageRead;
  /** The model named by a parsed chunk. */
  modelOf(chunk: Record<string, unknown>): string | undefined;
  isPreamble(event: StreamEventInput): boolean;
  /** Optional end-of-stream check, e.g. "no finish reason seen": returns a reason or undefined. */
  incomplete?(): string | undefined;
  /** Optional hook seeing every event (cheap checks only). */
  observe?(event: StreamEventInput): void;
}

/** An accumulator for formats whose last usage-bearing event holds the whole stream's usage. */
export function createLastWinsAccumulator(spec: LastWinsSpec): FormatAccumulator {
  let newest: string | undefined;
  let older: string | undefined;
  let firstModel: string | undefined;
  let sawJson = false;
  let garbage = 0;

  return {
    isPreamble: spec.isPreamble,
    push(event) {
      const data = event.data;
      if (data === '[DONE]') return;
      if (isNotJsonText(data)) {
        garbage++;
        return;
      }
      spec.observe?.(event);
      if (!sawJson) {
        // One full parse per stream, for the model should usage never arrive.
        sawJson = true;
        const chunk = parseJsonObject(data);
        if (chunk !== undefined) firstModel = spec.modelOf(chunk);
      }
      if (spec.isCandidate(event)) {
        older = newest;
        newest = data;
      }
    },
    read() {
      const warnings: string[] = [];
      if (garbage > 0) warnings.push(`${garbage} non-JSON data line(s) skipped`);
      for (const text of [newest, older]) {
        if (text === undefined) continue;
        const chunk = parseJsonObject(text);
        if (chunk === undefined) {
          warnings.push('a usage-bearing event was not valid JSON; skipped');
          continue;
        }
        const rawUsage = spec.extract(chunk);
        if (rawUsage === undefined) continue;
        const read = spec.normalize(rawUsage, chunk);
        read.warnings = [...warnings, ...read.warnings];
        read.model = spec.modelOf(chunk) ?? firstModel;
        const incomplete = spec.incomplete?.();
        if (incomplete !== undefined && read.usage !== undefined) read.reason = read.reason ?? incomplete;
        return read;
      }
      return { usage: undefined, reason: STREAM_WITHOUT_USAGE, warnings, model: firstModel };
    },
  };
}
