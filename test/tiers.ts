/**
 * The test tiers, told apart by what a test file reaches rather than by a list kept by hand.
 * A file is an integration test when it, or a local helper it imports (transitively), imports
 * a child process, a PostgreSQL or Redis client, or a browser driver (tests reach PostgreSQL
 * through test/store/pg-admin.ts or test/analytics/stores.ts, which import `pg`). Everything else is a unit test: it runs inside the vitest process against real
 * loopback HTTP, SQLite files and memory stores only, so `npm run test:unit` needs no service.
 *
 * @module
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const INTEGRATION_IMPORTS = new Set(['node:child_process', 'child_process', 'pg', 'ioredis', 'playwright-core']);
// Static imports and re-exports (at a statement's start, so that quoted code in a test's
// strings is not read as one), side-effect imports and dynamic imports.
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|^\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gms;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function reachesIntegration(file: string, seen: Map<string, boolean>): boolean {
  const known = seen.get(file);
  if (known !== undefined) return known;
  seen.set(file, false); // import cycles end here
  if (!existsSync(file)) return false;
  const text = readFileSync(file, 'utf8');
  let found = false;
  for (const match of text.matchAll(IMPORT)) {
    if (found) break;
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    if (INTEGRATION_IMPORTS.has(specifier)) found = true;
    else if (specifier.startsWith('.')) {
      found = reachesIntegration(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')), seen);
    }
  }
  seen.set(file, found);
  return found;
}

/** The test files of each tier, as paths relative to `root` (the repository). */
export function testTiers(root: string): { unit: string[]; integration: string[] } {
  const seen = new Map<string, boolean>();
  const unit: string[] = [];
  const integration: string[] = [];
  for (const file of testFiles(join(root, 'test')).sort()) {
    (reachesIntegration(file, seen) ? integration : unit).push(relative(root, file));
  }
  return { unit, integration };
}
