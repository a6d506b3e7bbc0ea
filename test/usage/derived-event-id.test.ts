/**
 * Derived event ids never change across versions: a retried export or a batch's results fetched
 * again after an upgrade must name the events already stored. The id is held to the formula it
 * was first made with, ulid(time, prng) fed SHA-256(key)'s bytes / 256, on arbitrary keys and
 * times, and to fixed values.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { encodeTime, ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { derivedEventId } from '#src/usage/derived-event-id.js';

/** The first implementation, through ulid(): the reference the ids must keep matching. */
function byUlid(key: string, startMs: number): string {
  const digest = createHash('sha256').update(key).digest();
  let next = 0;
  const random = ulid(1, () => (digest[next++ % digest.length] as number) / 256).slice(10);
  return `${encodeTime(Math.max(0, Math.floor(startMs)), 10)}${random}`;
}

describe('derivedEventId', () => {
  it('equals the ulid() formula for any key and time', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0, max: 2 ** 48 - 1 }), (key, ms) => {
        expect(derivedEventId(key, ms)).toBe(byUlid(key, ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the ids it made before (fixed values)', () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const span = 'b7ad6b7169203331';
    const id = derivedEventId(`${trace}:${span}`, 1_793_491_200_123.456);
    expect(id).toBe(byUlid(`${trace}:${span}`, 1_793_491_200_123.456));
    // Made by the ulid() implementation this one replaced.
    expect(id).toBe('01M6A6FT3VWHJ62VA3HGD78T1H');
    expect(derivedEventId('', 0)).toBe('00000000004QDKSYZK23ZK8RPW');
  });
});
