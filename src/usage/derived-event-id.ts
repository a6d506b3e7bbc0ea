/**
 * Event ids derived from what names a call, not drawn at random: the same call always gets the
 * same id, so recording it again (an exporter's retry, a batch's results fetched twice) stores
 * it once, the store ignoring ids it already has. The id is a ULID like every other event id,
 * sortable by time: its time part is the call's start, its 80 random bits the first 16 bytes of
 * SHA-256(key), one Crockford base32 digit each.
 *
 * @module
 */
import { loadCrypto, loadUlid } from '../lazy/index.js';

/** Digits of a ULID's time part. */
const TIME_DIGITS = 10;

/**
 * One-shot SHA-256 (`crypto.hash`, Node 20.12+) in hex: cheaper than createHash, which builds a
 * Hash object per call (a 1,000-span OTLP batch makes a thousand ids), and hex text is one
 * string, where a Buffer is an object and its memory. Older Node 20s take createHash.
 */
function sha256Hex(text: string): string {
  const crypto = loadCrypto();
  return typeof crypto.hash === 'function'
    ? crypto.hash('sha256', text, 'hex')
    : crypto.createHash('sha256').update(text).digest('hex');
}

/** Crockford's base32, ULID's digits, as character codes. */
const DIGIT_CODES = Array.from('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (digit) => digit.charCodeAt(0));

/** The value of hex digit `code` (0-9, a-f: what digest('hex') writes). */
const nibble = (code: number): number => (code <= 57 ? code - 48 : code - 87);

/** The digit for byte `i` of the digest in `hex`: the byte's top 5 bits. */
function digitOfByte(hex: string, i: number): number {
  const high = nibble(hex.charCodeAt(2 * i));
  const low = nibble(hex.charCodeAt(2 * i + 1));
  return DIGIT_CODES[(high << 1) | (low >> 3)] as number;
}

export function derivedEventId(key: string, startMs: number): string {
  const { encodeTime } = loadUlid();
  const hex = sha256Hex(key);
  // The random part as ulid(time, prng) made it when fed the digest's bytes / 256 (ids stored
  // before must come out the same): one digit per byte, its top 5 bits, each new digit put in
  // front of the others, so byte 0 is the last digit. Written out instead of calling ulid():
  // sixteen prng calls and string prepends a span were a visible part of mapping a batch; one
  // string made from the sixteen codes, not sixteen appends.
  const random = String.fromCharCode(
    digitOfByte(hex, 15),
    digitOfByte(hex, 14),
    digitOfByte(hex, 13),
    digitOfByte(hex, 12),
    digitOfByte(hex, 11),
    digitOfByte(hex, 10),
    digitOfByte(hex, 9),
    digitOfByte(hex, 8),
    digitOfByte(hex, 7),
    digitOfByte(hex, 6),
    digitOfByte(hex, 5),
    digitOfByte(hex, 4),
    digitOfByte(hex, 3),
    digitOfByte(hex, 2),
    digitOfByte(hex, 1),
    digitOfByte(hex, 0),
  );
  // The time part encoded here: ulid() takes a time of 0 for "now", which would not be the same twice.
  return `${encodeTime(Math.max(0, Math.floor(startMs)), TIME_DIGITS)}${random}`;
}
