/**
 * Issue 11 item 7: the examples use only the public package entry. Every import in
 * examples/ is `tokenledger`, a Node built-in, or a file of the same example.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gms;

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('examples import only the package', () => {
  it('every import is tokenledger, node:*, or a file of the same example', () => {
    const files = sources(EXAMPLES);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const strays: string[] = [];
    for (const file of files) {
      const example = relative(EXAMPLES, file).split('/')[0] ?? '';
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? '';
        if (specifier === 'tokenledger' || specifier.startsWith('node:')) continue;
        const target = specifier.startsWith('.') ? relative(EXAMPLES, resolve(dirname(file), specifier)) : specifier;
        if (!target.startsWith(`${example}/`)) strays.push(`${relative(EXAMPLES, file)}: ${specifier}`);
      }
    }
    expect(strays).toEqual([]);
  });
});
