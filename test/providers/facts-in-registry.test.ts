/**
 * Provider facts live in the provider registry (src/providers) and nowhere else in src: no API
 * host, base URL, environment variable or alias mapping of a recorded provider may appear in the
 * code of another folder (comments may cite documentation). The frozen alias list of migration
 * 6 is the one exception: an applied migration never changes, and migrations.test.ts checks
 * that it covers the registry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerRecords } from '#src/providers/index.js';

const root = join(import.meta.dirname, '..', '..');
const SRC = join(root, 'src');
const EXEMPT = ['src/providers/', 'src/store/migrations/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a file with its comments blanked out (block comments, `//` comments). */
function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'))
    .join('\n');
}

const files = sourceFiles(SRC)
  .map((path) => ({ path: relative(root, path), code: codeOf(readFileSync(path, 'utf8')) }))
  .filter((file) => !EXEMPT.some((prefix) => file.path.startsWith(prefix)));

/** Strings that only a provider record may hold. */
function facts(): { fact: string; what: string }[] {
  const out: { fact: string; what: string }[] = [];
  for (const record of providerRecords()) {
    for (const host of record.hosts) {
      // A wildcard host's fixed part long enough to be specific (`.openai.azure.com`, `amazonaws.com`).
      for (const part of host.split('*')) {
        const fixed = part.replace(/^[.-]+|[.-]+$/g, '');
        if (fixed.includes('.') && fixed.length >= 8) out.push({ fact: fixed, what: `${record.id} host` });
      }
    }
    if (record.baseURL !== undefined) out.push({ fact: record.baseURL, what: `${record.id} base URL` });
    const env = record.env;
    for (const variable of [...(env?.keyVars ?? []), env?.baseURLVar, ...Object.values(env?.headerVars ?? {})]) {
      if (variable !== undefined) out.push({ fact: variable, what: `${record.id} environment variable` });
    }
  }
  return out;
}

/** An alias used as a provider id: compared to, assigned to or mapped from a provider name. */
function aliasPatterns(): { pattern: RegExp; what: string }[] {
  const out: { pattern: RegExp; what: string }[] = [];
  for (const record of providerRecords()) {
    for (const alias of record.aliases) {
      const quoted = `['"\`]${alias.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}['"\`]`;
      out.push({
        pattern: new RegExp(
          `(provider\\w*|\\bid)\\s*(===|!==|==|!=|=|:|\\?\\?)\\s*${quoted}|${quoted}\\s*(===|!==)\\s*(provider|id)\\b|(${quoted}|\\b${alias.replace(/[^a-z0-9_]/gi, '')}\\b)\\s*:\\s*['"\`]${record.id}['"\`]`,
        ),
        what: `${record.id} alias "${alias}"`,
      });
    }
  }
  return out;
}

describe('provider facts live in the registry', () => {
  it('reads the code of every src folder but the registry', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((file) => file.path === 'src/usage/detect.ts')).toBe(true);
  });

  it('no host, base URL or environment variable of a recorded provider appears outside src/providers', () => {
    const found: string[] = [];
    for (const { fact, what } of facts()) {
      for (const file of files) if (file.code.includes(fact)) found.push(`${file.path}: ${what} ${fact}`);
    }
    expect(found).toEqual([]);
  });

  it('no alias is used as a provider id outside src/providers', () => {
    const found: string[] = [];
    for (const { pattern, what } of aliasPatterns()) {
      for (const file of files) {
        const match = pattern.exec(file.code);
        if (match !== null) found.push(`${file.path}: ${what}: ${match[0]}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the checks can fail: the tables this issue removed would be caught', () => {
    const old = [
      "const PUBLIC_BASES = { openai: 'https://api.openai.com/v1' };",
      "const PROVIDER_ALIASES = { gemini: 'google', 'x-ai': 'xai' };",
      "return id === 'gemini' ? 'google' : id;",
      "gemini: { type: 'gemini', keyVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] },",
      "if (provider === 'x-ai') return true;",
    ].map(codeOf);
    const caught = old.filter(
      (code) =>
        facts().some(({ fact }) => code.includes(fact)) || aliasPatterns().some(({ pattern }) => pattern.test(code)),
    );
    expect(caught).toEqual(old);
    // Comments may cite documentation.
    expect(codeOf('// see https://api.openai.com/v1 and OPENAI_API_KEY\nconst x = 1;')).not.toContain('OPENAI');
    expect(codeOf("const u = 'https://example.com/x'; // OPENAI_API_KEY")).toContain('https://example.com/x');
  });
});
