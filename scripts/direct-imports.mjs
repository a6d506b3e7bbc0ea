/**
 * An esbuild plugin for the bundle (bundle.mjs): an import of another folder's index.ts is
 * rewritten to import each name from the file that defines it.
 *
 * Why: with code splitting, esbuild puts a file into what an entry point loads when the file is
 * reachable from it through any import, and an index.ts re-exports its whole folder. Importing
 * one name through `../budgets/index.js` made `import 'tokenledger'` (and every CLI command)
 * load and parse every module of that folder and what those import in turn: the stores, the
 * analytics, the config loader, behind a single `MemoryBudgetCounters`. Tree shaking does not
 * help, since those modules are live for other entry points (the CLI, the dynamic imports).
 * Imported from the files that define them, only the modules a name needs are reachable.
 *
 * The sources keep importing through index.ts (the layer rule in .dependency-cruiser.cjs): this
 * is a build step only, and it changes nothing at run time, since an index.ts only re-exports.
 * A statement it cannot map name by name (a namespace import, a name the index defines itself)
 * is left as written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `export { a, b as c, type D } from './x.js';` (also `export type { ... }`), across lines. */
const REEXPORT = /export\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)';/g;
/**
 * `import { a, b as c, type D } from '../folder/index.js';` (or `../../folder/index.js`, as the CLI's
 * commands/ import) and the same `export { ... } from`.
 */
const BARREL_STATEMENT = /(import|export)\s+(type\s+)?\{([^}]*)\}\s*from\s*'((?:\.\.?\/)+(?:[a-z-]+\/)*index\.js)';/g;

/** `a`, `b as c`, `type D` → { name, alias, typeOnly }. */
function specifiers(list) {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const typeOnly = part.startsWith('type ');
      const [name, alias] = part.replace(/^type\s+/, '').split(/\s+as\s+/);
      return { name, alias: alias ?? name, typeOnly };
    });
}

const toSource = (file, specifier) => path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));

/**
 * The plugin. `sourceRoot` is the absolute src/ folder: only its files are rewritten, and only
 * their imports of an index.ts under it.
 */
export function directImports(sourceRoot) {
  /** index.ts path → (exported name → { file, name }), or undefined when not a pure barrel. */
  const barrels = new Map();

  function barrel(indexFile) {
    if (barrels.has(indexFile)) return barrels.get(indexFile);
    const text = readFileSync(indexFile, 'utf8');
    const names = new Map();
    for (const [, , list, from] of text.matchAll(REEXPORT)) {
      const target = toSource(indexFile, from);
      for (const { name, alias } of specifiers(list)) {
        // An index.ts re-exporting another index.ts: follow it to the defining file.
        const inner = path.basename(target) === 'index.ts' ? barrel(target)?.get(name) : undefined;
        names.set(alias, inner ?? { file: target, name });
      }
    }
    // Anything but re-exports (a declaration, `export *`) and the index is not mapped.
    const rest = text
      .replace(REEXPORT, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .trim();
    const mapped = rest === '' ? names : undefined;
    barrels.set(indexFile, mapped);
    return mapped;
  }

  function rewrite(file, text) {
    return text.replace(BARREL_STATEMENT, (statement, keyword, typeStatement, list, from) => {
      if (typeStatement !== undefined) return statement; // erased by esbuild anyway
      const indexFile = toSource(file, from);
      if (!indexFile.startsWith(sourceRoot) || path.dirname(indexFile) === path.dirname(file)) return statement;
      const names = barrel(indexFile);
      if (names === undefined) return statement;
      const byFile = new Map();
      for (const { name, alias, typeOnly } of specifiers(list)) {
        if (typeOnly) continue;
        const target = names.get(name);
        if (target === undefined) return statement;
        const specs = byFile.get(target.file) ?? [];
        specs.push(target.name === alias ? alias : `${target.name} as ${alias}`);
        byFile.set(target.file, specs);
      }
      return [...byFile]
        .map(([target, specs]) => `${keyword} { ${specs.join(', ')} } from ${JSON.stringify(target)};`)
        .join('\n');
    });
  }

  return {
    name: 'direct-imports',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(sourceRoot)) return undefined;
        return { contents: rewrite(args.path, readFileSync(args.path, 'utf8')), loader: 'ts' };
      });
    },
  };
}
