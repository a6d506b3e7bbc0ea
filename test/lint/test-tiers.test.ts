/**
 * The tiers of vitest.config.ts: a file lands in `integration` as soon as it, or any local
 * helper it imports, reaches PostgreSQL, Redis, a browser or a child process, so `npm run
 * test:unit` cannot quietly start needing a service.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testTiers } from '../tiers.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tl-tiers-'));
  // Built from parts so that this file's own text holds no import of them.
  const from = (names: string, specifier: string): string => `import ${names} from ${"'"}${specifier}${"'"};\n`;
  const files: Record<string, string> = {
    'test/a/plain.test.ts': from('{ it }', 'vitest') + from('{ helper }', './helper.js'),
    'test/a/helper.ts': 'export const helper = 1;\n',
    'test/b/db.test.ts': from('{ it }', 'vitest') + from('{ PG }', '../b/deep.js'),
    'test/b/deep.ts': `export { PG } from ${"'"}./deeper.js${"'"};\n`,
    'test/b/deeper.ts': `${from('pg', 'pg')}export const PG = pg;\n`,
    'test/c/spawn.test.ts': from('{ execFile }', 'node:child_process'),
    'test/c/redis.test.ts': from('{ Redis }', 'ioredis'),
    'test/c/browser.test.ts': `const { chromium } = await import(${"'"}playwright-core${"'"});\n`,
    'test/c/cycle.test.ts': from('{ x }', './cycle-a.js'),
    'test/c/cycle-a.ts': `${from('{ y }', './cycle-b.js')}export const x = 1;\n`,
    'test/c/cycle-b.ts': `${from('{ x }', './cycle-a.js')}export const y = 2;\n`,
    'test/c/missing.test.ts': from('{ gone }', './not-there.js'),
    'test/fixtures/ignored.test.ts': from('pg', 'pg'),
  };

  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('test tiers', () => {
  it('puts a file in integration when it reaches pg, ioredis, playwright-core or a child process, even through helpers', () => {
    expect(testTiers(dir)).toEqual({
      unit: ['test/a/plain.test.ts', 'test/c/cycle.test.ts', 'test/c/missing.test.ts'],
      integration: ['test/b/db.test.ts', 'test/c/browser.test.ts', 'test/c/redis.test.ts', 'test/c/spawn.test.ts'],
    });
  });

  it('classifies the repository: service and process suites are integration, in-process suites unit', () => {
    const { unit, integration } = testTiers(root);
    for (const file of [
      'test/store/contract.test.ts',
      'test/client/redis-rate-limiter.test.ts',
      'test/web/dashboard.test.ts',
      'test/cli/report.test.ts',
    ]) {
      expect(integration, file).toContain(file);
    }
    for (const file of ['test/public/index.test.ts', 'test/usage/fixtures.test.ts', 'test/lint/test-tiers.test.ts']) {
      expect(unit, file).toContain(file);
    }
    expect(unit.length + integration.length).toBeGreaterThan(60);
  });
});
