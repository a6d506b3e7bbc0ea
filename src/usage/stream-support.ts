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
import type { FormatHint } from '../types/index.js';
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

export function isJsonSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * True when `text` holds `"key"` followed by `:` and a value that is not `null`. A quoted key
 * inside a JSON string is always escaped (`\"key\"`), so a match is a real key somewhere in
 * the object; a false positive only costs a parse. Searches from the END: providers put usage
 * last in a chunk (OpenAI, OpenRouter, Gemini), so a hit is found after a few hundred bytes.
 */
export function mentionsNonNull(text: string, quotedKey: string): boolean {
  let from = text.length;
  for (;;) {
    const at = text.lastIndexOf(quotedKey, from);
    if (at < 0) return false;
    let index = at + quotedKey.length;
    while (isJsonSpace(text.charCodeAt(index))) index++;
    if (text.charCodeAt(index) === 58 /* : */) {
      index++;
      while (isJsonSpace(text.charCodeAt(index))) index++;
      if (text.charCodeAt(index) !== 110 /* n(ull) */) return true;
    }
    if (at === 0) return false;
    from = at - 1;
  }
}

/**
 * The `type` of an event whose JSON starts with `{"type":"...` (Anthropic, Responses API and
 * Cohere events are written that way), read without parsing; `undefined` otherwise.
 */
export function leadingType(data: string): string | undefined {
  if (!data.startsWith('{"type":"')) return undefined;
  const end = data.indexOf('"', 9);
  return end < 0 || end > 80 ? undefined : data.slice(9, end);
}

/**
 * Whether an event is one of `types`, decided as cheaply as possible: by its SSE event name when
 * it has one, else by a leading `"type"`, else (keys reordered by a proxy) by `fallback`.
 */
export function isEventOfType(
  event: StreamEventInput,
  types: ReadonlySet<string>,
  fallback: (data: string) => boolean,
): boolean {
  const name = event.event;
  if (name !== undefined && name !== '' && name !== 'message') return types.has(name);
  const type = leadingType(event.data);
  if (type !== undefined) return types.has(type);
  return fallback(event.data);
}

/** True for data that cannot be JSON at all (garbage between events), checked cheaply. */
export function isNotJsonText(data: string): boolean {
  let index = 0;
  while (isJsonSpace(data.charCodeAt(index))) index++;
  const code = data.charCodeAt(index);
  return code !== 123 /* { */ && code !== 91 /* [ */;
}

/** How one "last one wins" format finds and reads its usage (a module-level constant per format). */
export interface LastWinsSpec {
  /** Cheap test on the raw event: could it carry usage? */
  isCandidate(event: StreamEventInput): boolean;
  /** The usage object inside a parsed candidate, or `undefined` when it holds none. */
  extract(chunk: Record<string, unknown>): unknown;
  /** Reads the usage object (the format's normalizer); `hint` is the accumulator's hint. */
  normalize(rawUsage: unknown, chunk: Record<string, unknown>, hint: FormatHint | undefined): UsageRead;
  /** The model named by a parsed chunk. */
  modelOf(chunk: Record<string, unknown>): string | undefined;
  isPreamble(event: StreamEventInput): boolean;
  /** Optional check of the usage-bearing event's text, e.g. "no finish reason": a reason or undefined. */
  incomplete?(candidate: string): string | undefined;
}

/**
 * An accumulator for formats whose last usage-bearing event holds the whole stream's usage. A
 * class, not a closure factory: one is made per metered stream, and prototype methods cost
 * nothing per instance.
 */
export class LastWinsAccumulator implements FormatAccumulator {
  private newest: string | undefined;
  private older: string | undefined;
  private firstJson: string | undefined;
  private garbage = 0;

  constructor(
    private readonly spec: LastWinsSpec,
    private readonly hint?: FormatHint,
  ) {}

  isPreamble(event: StreamEventInput): boolean {
    return this.spec.isPreamble(event);
  }

  push(event: StreamEventInput): void {
    const data = event.data;
    if (data === '[DONE]') return;
    if (isNotJsonText(data)) {
      this.garbage++;
      return;
    }
    this.firstJson ??= data;
    if (this.spec.isCandidate(event)) {
      this.older = this.newest;
      this.newest = data;
    }
  }

  read(): UsageRead {
    const warnings: string[] = [];
    if (this.garbage > 0) warnings.push(`${this.garbage} non-JSON data line(s) skipped`);
    for (const text of [this.newest, this.older]) {
      if (text === undefined) continue;
      const chunk = parseJsonObject(text);
      if (chunk === undefined) {
        warnings.push('a usage-bearing event was not valid JSON; skipped');
        continue;
      }
      const rawUsage = this.spec.extract(chunk);
      if (rawUsage === undefined) continue;
      const read = this.spec.normalize(rawUsage, chunk, this.hint);
      read.warnings = [...warnings, ...read.warnings];
      read.model = this.spec.modelOf(chunk) ?? this.firstModel();
      const incomplete = this.spec.incomplete?.(text);
      if (incomplete !== undefined && read.usage !== undefined) read.reason = read.reason ?? incomplete;
      return read;
    }
    return { usage: undefined, reason: STREAM_WITHOUT_USAGE, warnings, model: this.firstModel() };
  }

  /** The model from the first event, parsed only if no usage-bearing event names one. */
  private firstModel(): string | undefined {
    const chunk = this.firstJson === undefined ? undefined : parseJsonObject(this.firstJson);
    return chunk === undefined ? undefined : this.spec.modelOf(chunk);
  }
}
