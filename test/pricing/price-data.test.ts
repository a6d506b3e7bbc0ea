/** The price data's source and age: `prices status`, the serve warning and the gauge read it. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, priceDataStatus } from '#src/pricing/index.js';

describe('priceDataStatus', () => {
  it('names the bundled catalog and counts whole days since its release', () => {
    expect(priceDataStatus(new Date('2026-10-01T00:00:00Z'))).toEqual({
      source: 'bundled @pydantic/genai-prices 0.1.8',
      dataTime: '2026-09-23T10:11:04.000Z',
      ageDays: 7,
      stale: false,
    });
  });

  it('is stale past 30 days, not at 30', () => {
    expect(priceDataStatus(new Date('2026-10-23T10:11:04Z'))).toMatchObject({ ageDays: 30, stale: false });
    expect(priceDataStatus(new Date('2026-10-24T10:11:04Z'))).toMatchObject({ ageDays: 31, stale: true });
    expect(priceDataStatus(new Date('2026-12-01T12:00:00Z'))).toMatchObject({ ageDays: 69, stale: true });
  });

  it('pins the date of the installed catalog version (an upgrade must update it)', () => {
    const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
    const manifest = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(manifest.version).toBe(BUNDLED_CATALOG.version);
  });
});
