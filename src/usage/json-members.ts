/**
 * Finds the members of one JSON object in raw UTF-8 bytes, without parsing or decoding it:
 * where each key and value starts and ends. The byte splices of stream_options.include_usage
 * (include-usage.ts) edit a body at these offsets and leave every other byte as it came. All
 * structural characters are ASCII and every byte of a multi-byte UTF-8 character is >= 0x80,
 * so scanning bytes is exact.
 *
 * @module
 */

/** One `"key": value` member: byte offsets, ends exclusive. */
export interface JsonMember {
  /** The opening quote of the key. */
  keyStart: number;
  /** Just past the closing quote of the key. */
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

/** An object's braces and members. */
export interface JsonObjectSpan {
  /** The `{`. */
  open: number;
  /** The `}`. */
  close: number;
  members: JsonMember[];
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

function skipSpace(bytes: Uint8Array, at: number, end: number): number {
  let index = at;
  while (index < end && isSpace(bytes[index])) index++;
  return index;
}

/** Just past the closing quote of the string opening at `at`; -1 when it never closes. */
function skipString(bytes: Uint8Array, at: number, end: number): number {
  for (let index = at + 1; index < end; index++) {
    const byte = bytes[index];
    if (byte === BACKSLASH) index++;
    else if (byte === QUOTE) return index + 1;
  }
  return -1;
}

/** Just past the value starting at `at`; -1 when it is cut or unbalanced. */
function skipValue(bytes: Uint8Array, at: number, end: number): number {
  const first = bytes[at];
  if (first === QUOTE) return skipString(bytes, at, end);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (let index = at; index < end; index++) {
      const byte = bytes[index];
      if (byte === QUOTE) {
        index = skipString(bytes, index, end) - 1;
        if (index < 0) return -1;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return index + 1;
      }
    }
    return -1;
  }
  // A number or a literal: up to the next delimiter.
  let index = at;
  while (index < end) {
    const byte = bytes[index];
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte)) break;
    index++;
  }
  return index > at ? index : -1;
}

/**
 * The object that starts (after optional white space) at `from` and ends by `to`, with its
 * members; `undefined` when the bytes there are not one well-formed object.
 */
export function objectMembers(bytes: Uint8Array, from = 0, to = bytes.length): JsonObjectSpan | undefined {
  let index = skipSpace(bytes, from, to);
  if (bytes[index] !== OPEN_BRACE) return undefined;
  const open = index;
  const members: JsonMember[] = [];
  index = skipSpace(bytes, index + 1, to);
  if (bytes[index] === CLOSE_BRACE) return { open, close: index, members };
  for (;;) {
    if (bytes[index] !== QUOTE) return undefined;
    const keyStart = index;
    const keyEnd = skipString(bytes, index, to);
    if (keyEnd < 0) return undefined;
    index = skipSpace(bytes, keyEnd, to);
    if (bytes[index] !== COLON) return undefined;
    const valueStart = skipSpace(bytes, index + 1, to);
    const valueEnd = skipValue(bytes, valueStart, to);
    if (valueEnd < 0) return undefined;
    members.push({ keyStart, keyEnd, valueStart, valueEnd });
    index = skipSpace(bytes, valueEnd, to);
    if (bytes[index] === CLOSE_BRACE) return { open, close: index, members };
    if (bytes[index] !== COMMA) return undefined;
    index = skipSpace(bytes, index + 1, to);
  }
}

/** True when the member's key is exactly `key` (an ASCII name, as written without escapes). */
export function memberKeyIs(bytes: Uint8Array, member: JsonMember, key: string): boolean {
  if (member.keyEnd - member.keyStart !== key.length + 2) return false;
  for (let index = 0; index < key.length; index++)
    if (bytes[member.keyStart + 1 + index] !== key.charCodeAt(index)) return false;
  return true;
}

/** The member named `key`, if any (the last one, as JSON.parse keeps). */
export function findMember(bytes: Uint8Array, span: JsonObjectSpan, key: string): JsonMember | undefined {
  for (let index = span.members.length - 1; index >= 0; index--) {
    const member = span.members[index]!;
    if (memberKeyIs(bytes, member, key)) return member;
  }
  return undefined;
}

/** True when the value's bytes are exactly `literal` (`true`, `null`, `[]`...), white space inside brackets allowed. */
export function valueIs(bytes: Uint8Array, member: JsonMember, literal: 'true' | 'null' | '[]'): boolean {
  if (literal === '[]') {
    if (bytes[member.valueStart] !== OPEN_BRACKET) return false;
    return skipSpace(bytes, member.valueStart + 1, member.valueEnd) === member.valueEnd - 1;
  }
  if (member.valueEnd - member.valueStart !== literal.length) return false;
  for (let index = 0; index < literal.length; index++)
    if (bytes[member.valueStart + index] !== literal.charCodeAt(index)) return false;
  return true;
}

/**
 * The byte range to cut to remove member `index` from the object and leave valid JSON with
 * every other byte as it was: with the comma before it, or (for the first) the one after it.
 */
export function memberCut(span: JsonObjectSpan, index: number): [number, number] {
  const member = span.members[index]!;
  const previous = span.members[index - 1];
  if (previous !== undefined) return [previous.valueEnd, member.valueEnd];
  const next = span.members[index + 1];
  if (next !== undefined) return [member.keyStart, next.keyStart];
  return [member.keyStart, member.valueEnd];
}

/** `bytes` with `[at, end)` replaced by `parts`, in a new buffer. */
export function spliceBytes(bytes: Uint8Array, at: number, end: number, parts: readonly Uint8Array[]): Uint8Array {
  const added = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(bytes.length - (end - at) + added);
  out.set(bytes.subarray(0, at), 0);
  let offset = at;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  out.set(bytes.subarray(end), offset);
  return out;
}
