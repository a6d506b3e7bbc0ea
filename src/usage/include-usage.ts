/**
 * Asking an OpenAI-style chat stream for its usage on the caller's behalf, and hiding the
 * answer again. Providers whose registry record says `streamUsage: 'on-request'` send usage in a
 * stream only when the request holds `stream_options.include_usage: true`; then "an additional
 * chunk will be streamed before the data: [DONE] message ... All other chunks will also include
 * a usage field, but with a null value"
 * (https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
 *
 * Both edits are byte splices at offsets found by json-members.ts, never a re-serialization:
 * the request gains exactly `"stream_options":{"include_usage":true}` (or `"include_usage":true`
 * inside an existing `stream_options`), and the caller's stream loses exactly the usage-only
 * chunk and the `"usage":null` members, so it is byte for byte the stream it asked for.
 *
 * @module
 */
import {
  findMember,
  memberCut,
  objectMembers,
  spliceBytes as splice,
  valueIs,
  type JsonObjectSpan,
} from './json-members.js';

const encoder = new TextEncoder();
const OPTION_MEMBER = encoder.encode('"stream_options":{"include_usage":true}');
const INCLUDE_MEMBER = encoder.encode('"include_usage":true');
const COMMA = encoder.encode(',');

/** Inserts `member` right after the object's `{`, with a comma when other members follow. */
function insertFirst(bytes: Uint8Array, span: JsonObjectSpan, member: Uint8Array): Uint8Array {
  const at = span.open + 1;
  return splice(bytes, at, at, span.members.length > 0 ? [member, COMMA] : [member]);
}

/**
 * The request body with `stream_options.include_usage: true` spliced in, or `undefined` when
 * nothing is to be added: not a JSON object, not `"stream": true`, or the caller already chose
 * (`include_usage` present, true or false) or sent a `stream_options` that is not an object.
 */
export function spliceIncludeUsage(body: Uint8Array): Uint8Array | undefined {
  const span = objectMembers(body);
  if (span === undefined) return undefined;
  const stream = findMember(body, span, 'stream');
  if (stream === undefined || !valueIs(body, stream, 'true')) return undefined;
  const options = findMember(body, span, 'stream_options');
  if (options === undefined) return insertFirst(body, span, OPTION_MEMBER);
  if (valueIs(body, options, 'null'))
    return splice(body, options.valueStart, options.valueEnd, [encoder.encode('{"include_usage":true}')]);
  const inner = objectMembers(body, options.valueStart, options.valueEnd);
  if (inner === undefined || findMember(body, inner, 'include_usage') !== undefined) return undefined;
  return insertFirst(body, inner, INCLUDE_MEMBER);
}

/**
 * True for a 400/422 answer that refuses the option we added (Mistral's 422 "extra_forbidden"
 * on `stream_options`, older Azure API versions' 400 "Unrecognized request argument"): its body
 * names `stream_options` or `include_usage`.
 */
export function refusesIncludeUsage(status: number, body: Uint8Array | string): boolean {
  if (status !== 400 && status !== 422) return false;
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
  return text.includes('stream_options') || text.includes('include_usage');
}

/** Removes from a stream what the added option put there. */
export interface IncludeUsageFilter {
  /** The bytes of `chunk` the caller may have now (complete events, edited); may be empty. */
  write(chunk: Uint8Array): Uint8Array;
  /** What was held back at the end of the stream. */
  end(): Uint8Array;
}

/** A partial event larger than this is passed on unedited (nothing the option adds is that large). */
const MAX_HELD_BYTES = 16 * 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);
const DATA_PREFIX = encoder.encode('data:');
const USAGE_KEY = encoder.encode('"usage"');

/** The length of the line end at `at` (CRLF, LF or CR): 0 for none, -1 when a CR ends the bytes so far. */
function lineEndLength(bytes: Uint8Array, at: number): number {
  const byte = bytes[at];
  if (byte === LF) return 1;
  if (byte !== CR) return 0;
  if (at + 1 >= bytes.length) return -1;
  return bytes[at + 1] === LF ? 2 : 1;
}

/** Just past the blank line ending the first event in `bytes` from `from`; -1 when none is complete. */
function eventEnd(bytes: Uint8Array, from: number): number {
  for (let index = from; index < bytes.length; index++) {
    const first = lineEndLength(bytes, index);
    if (first === 0) continue;
    if (first < 0) return -1;
    const next = index + first;
    if (next >= bytes.length) return -1;
    const second = lineEndLength(bytes, next);
    if (second < 0) return -1;
    if (second > 0) return next + second;
    index = next - 1;
  }
  return -1;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at: number): boolean {
  if (bytes.length - at < prefix.length) return false;
  for (let index = 0; index < prefix.length; index++) if (bytes[at + index] !== prefix[index]) return false;
  return true;
}

/**
 * One event as the caller would have had it without the option: `undefined` to drop it (the
 * usage-only chunk), else its bytes with the `usage` member cut. Events that are not a single
 * `data:` line holding a JSON object, or that have no `usage`, are returned as they came.
 */
export function withoutAddedUsage(event: Uint8Array): Uint8Array | undefined {
  if (!startsWith(event, DATA_PREFIX, 0) || Buffer.from(event).indexOf(USAGE_KEY) < 0) return event;
  let lineEnd = event.indexOf(LF);
  const crAt = event.indexOf(CR);
  if (crAt >= 0 && (lineEnd < 0 || crAt < lineEnd)) lineEnd = crAt;
  if (lineEnd < 0) lineEnd = event.length;
  // A second data line would make the JSON span lines: left alone.
  for (let index = lineEnd; index < event.length; index++) {
    const byte = event[index];
    if (byte !== LF && byte !== CR) return event;
  }
  const span = objectMembers(event, DATA_PREFIX.length, lineEnd);
  if (span === undefined) return event;
  const usage = findMember(event, span, 'usage');
  if (usage === undefined) return event;
  const usageIndex = span.members.indexOf(usage);
  if (!valueIs(event, usage, 'null')) {
    const choices = findMember(event, span, 'choices');
    if (choices !== undefined && valueIs(event, choices, '[]')) return undefined;
  }
  const [cutStart, cutEnd] = memberCut(span, usageIndex);
  return splice(event, cutStart, cutEnd, []);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts);
}

/** A filter for one stream whose request we added the option to. */
export function createIncludeUsageFilter(): IncludeUsageFilter {
  let held: Uint8Array = EMPTY;
  let passThrough = false;

  return {
    write(chunk) {
      if (passThrough) return chunk;
      const bytes = held.length === 0 ? chunk : concat([held, chunk]);
      const out: Uint8Array[] = [];
      let start = 0;
      for (;;) {
        const end = eventEnd(bytes, start);
        if (end < 0) break;
        const kept = withoutAddedUsage(bytes.subarray(start, end));
        if (kept !== undefined) out.push(kept);
        start = end;
      }
      held = bytes.subarray(start);
      if (held.length > MAX_HELD_BYTES) {
        // Not an OpenAI-style event stream after all: hand everything on as it comes.
        passThrough = true;
        out.push(held);
        held = EMPTY;
      }
      return out.length === 0 ? EMPTY : concat(out);
    },
    end() {
      const rest = held;
      held = EMPTY;
      if (rest.length === 0) return EMPTY;
      return withoutAddedUsage(rest) ?? EMPTY;
    },
  };
}
