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

export function derivedEventId(key: string, startMs: number): string {
  const { encodeTime, ulid } = loadUlid();
  const digest = sha256(key);
  let next = 0;
  // ulid() draws one digit per call: floor(prng() * 32), so a byte / 256 picks its top 5 bits.
  const random = ulid(1, () => (digest[next++ % digest.length] as number) / 256).slice(TIME_DIGITS);
  // The time part encoded here: ulid() takes a time of 0 for "now", which would not be the same twice.
  return `${encodeTime(Math.max(0, Math.floor(startMs)), TIME_DIGITS)}${random}`;
}
