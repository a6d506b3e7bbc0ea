/**
 * Every environment variable tokenledger reads is named in the README (issue 11: "every
 * environment variable documented"). Read from the source, not a list kept by hand: the
 * variables the config basics map (src/config/env-basics.ts), those of each provider record
 * (key, base URL and header variables in src/providers/records.ts), and every other
 * `env.NAME` / `env['NAME']` in src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.join(import.meta.dirname, '..', '..');
const README = readFileSync(path.join(REPO, 'README.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

const VARIABLE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^USER$/;

/** Quoted names that look like environment variables, in a file whose every such name is one. */
function quotedNames(file: string): string[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  return [...text.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map(([, name]) => name ?? '').filter((name) => VARIABLE.test(name));
}

/** `env.NAME`, `env['NAME']`, `process.env.NAME`, `process.env['NAME']` anywhere in src/. */
function readDirectly(): string[] {
  return sourceFiles(path.join(REPO, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)].map(
      ([, dotted, indexed]) => dotted ?? indexed ?? '',
    ),
  );
}

const READ = [
  ...new Set([
    ...quotedNames('src/config/env-basics.ts'),
    ...quotedNames('src/providers/records.ts'),
    ...readDirectly(),
  ]),
].sort();

describe('README: environment variables', () => {
  it('finds the variables the source reads', () => {
    // A few known ones, so that a scan that finds nothing cannot pass.
    expect(READ).toEqual(expect.arrayContaining(['TOKENLEDGER_DB', 'OPENAI_API_KEY', 'OPENROUTER_REFERER', 'PGUSER']));
  });

  it('names every one of them', () => {
    expect(READ.filter((name) => !README.includes(`\`${name}\``) && !README.includes(`${name}=`))).toEqual([]);
  });
});
