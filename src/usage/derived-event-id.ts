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
 * One-shot SHA-256 (`crypto.hash`, Node 20.12+): cheaper than createHash, which builds a Hash
 * object per call (a 1,000-span OTLP batch makes a thousand ids). Older Node 20s take createHash.
 */
function sha256(text: string): Buffer {
  const crypto = loadCrypto();
  return typeof crypto.hash === 'function'
    ? crypto.hash('sha256', text, 'buffer')
    : crypto.createHash('sha256').update(text).digest();
}

/** Crockford's base32, ULID's digits. */
const DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Digits of a ULID's random part. */
const RANDOM_DIGITS = 16;

export function derivedEventId(key: string, startMs: number): string {
  const { encodeTime } = loadUlid();
  const digest = sha256(key);
  // The random part as ulid(time, prng) made it when fed the digest's bytes / 256 (ids stored
  // before must come out the same): one digit per byte, its top 5 bits, each new digit put in
  // front of the others, so byte 0 is the last digit. Written out instead of calling ulid():
  // sixteen prng calls and string prepends a span were a visible part of mapping a batch.
  let random = '';
  for (let i = RANDOM_DIGITS - 1; i >= 0; i--) random += DIGITS[(digest[i] as number) >> 3];
  // The time part encoded here: ulid() takes a time of 0 for "now", which would not be the same twice.
  return `${encodeTime(Math.max(0, Math.floor(startMs)), TIME_DIGITS)}${random}`;
}
