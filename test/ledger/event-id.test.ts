/**
 * Event ids (src/ledger/event-id.ts): ULIDs whose random part comes from a pooled CSPRNG.
 * Within one millisecond they increase; across milliseconds the random parts are fresh (no
 * pool reuse: all distinct) and spread over the whole Crockford alphabet at every position.
 */
import { describe, expect, it } from 'vitest';
import { createEventIds } from '../../src/ledger/index.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

describe('event ids', () => {
  it('10,000 ids in one millisecond: ULIDs of that time, strictly increasing', () => {
    const newId = createEventIds(() => 1_764_600_000_000);
    const ids = Array.from({ length: 10_000 }, newId);
    for (const id of ids) expect(id).toMatch(ULID);
    expect(new Set(ids.map((id) => id.slice(0, 10)))).toEqual(new Set(['01KBD5PBG0']));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it('5,000 milliseconds: fresh random parts, every character at every position', () => {
    let ms = 1_764_600_000_000;
    const newId = createEventIds(() => ms++);
    const randomParts = Array.from({ length: 5_000 }, () => newId().slice(10));
    expect(new Set(randomParts).size).toBe(5_000);
    for (let position = 0; position < 16; position++) {
      const seen = new Set(randomParts.map((part) => part[position]));
      expect([...seen].sort().join('')).toBe(CROCKFORD);
    }
  });
});
