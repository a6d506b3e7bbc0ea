import { describe, expect, it } from 'vitest';
import { spoolOptionsFor } from '#src/server/spool-location.js';

describe('where serve keeps its spool', () => {
  it('next to the SQLite file, per PostgreSQL database and schema, none for stores that keep nothing', () => {
    expect(spoolOptionsFor('sqlite:./tokenledger.db', {})).toEqual({ path: './tokenledger.db.spool' });
    expect(spoolOptionsFor('sqlite:///var/lib/tl/ledger.db', {})).toEqual({ path: '/var/lib/tl/ledger.db.spool' });
    expect(spoolOptionsFor('file:/data/l.db', { maxBytes: 1000 })).toEqual({
      path: '/data/l.db.spool',
      maxBytes: 1000,
    });
    expect(spoolOptionsFor('sqlite::memory:', {})).toBeUndefined();
    expect(spoolOptionsFor('memory:', {})).toBeUndefined();
    const a = spoolOptionsFor('postgres://app:secret@db:5432/ledger?schema=a', {});
    const b = spoolOptionsFor('postgres://app:other@db:5432/ledger?schema=b', {});
    expect(a?.path).toMatch(/^tokenledger\.spool\/postgres-[0-9a-f]{16}$/);
    expect(a?.path).not.toBe(b?.path);
    // The password is not part of it: rotating it keeps the spool.
    expect(spoolOptionsFor('postgres://app:rotated@db:5432/ledger?schema=a', {})).toEqual(a);
    expect(spoolOptionsFor('postgres://db/x', { path: '/srv/spool' })).toEqual({ path: '/srv/spool' });
  });
});
