import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { MemoryBudgetCounters, SqliteBudgetCounters } from '#src/budgets/index.js';
import { counterProperty } from './counters-property.js';

const dir = mkdtempSync(join(tmpdir(), 'budget-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('budget counters under random interleavings (reserve, settle, cancel, crash, renew, window changes)', () => {
  it('memory', () => counterProperty(async () => new MemoryBudgetCounters(), 200));
  it('sqlite', () => counterProperty(async () => SqliteBudgetCounters.open({ path: join(dir, 'property.db') }), 100));
});
