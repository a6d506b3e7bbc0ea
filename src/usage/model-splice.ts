/**
 * A request sent to another model (a gateway fallback, src/server/gateway/fallbacks.ts): the
 * body's top-level `model` string replaced by a byte splice, every other byte as the caller
 * sent it (the same discipline as include-usage.ts: never a re-serialization).
 *
 * @module
 */
import { findMember, objectMembers, spliceBytes } from './json-members.js';

const QUOTE = 0x22;
const encoder = new TextEncoder();

/** The body naming `model` instead, or `undefined` when it is not a JSON object with a string `model`. */
export function spliceModel(body: Uint8Array, model: string): Uint8Array | undefined {
  const span = objectMembers(body);
  if (span === undefined) return undefined;
  // The last member of that name: the one JSON.parse (and so the provider) reads.
  const member = findMember(body, span, 'model');
  if (member === undefined || body[member.valueStart] !== QUOTE) return undefined;
  return spliceBytes(body, member.valueStart, member.valueEnd, [encoder.encode(JSON.stringify(model))]);
}
