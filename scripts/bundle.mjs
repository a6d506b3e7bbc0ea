/**
 * The JavaScript of the package: the library and the CLI, each bundled by esbuild on its own,
 * with the code each one's parts share split into chunks/ (see build.mjs for why). `npm run build` writes dist/src; the
 * README test bundles into a temp folder, so that it runs the CLI as it ships without touching
 * the checkout's dist/:
 *
 *   node scripts/bundle.mjs [OUTDIR]     # default dist/src
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { directImports } from './direct-imports.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the library, the CLI and the SQLite workers (store, budget counters) into `outdir`
 * (relative to the repository or absolute), with the compact price catalog beside them
 * (outdir/price-catalog/, derived from the installed catalog package: src/pricing/catalog-data.ts).
 */
export async function bundle(outdir = 'dist/src') {
  const options = {
    absWorkingDir: root,
    outbase: 'src',
    outdir,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    // Each name from the file that defines it, not through its folder's index.ts (why: direct-imports.mjs).
    plugins: [directImports(`${root}src/`)],
  };
  // The library and the CLI are bundled apart: chunks are cut by which entry points reach their
  // code, and the CLI's many (each command a dynamic import) cut what `import 'tokenledger'`
  // loads into some 18 files instead of 5; each file costs a fresh process its own resolve,
  // read and compile. Their shared code is in both; no module graph loads both (a worker thread
  // has its own).
  await build({ ...options, entryPoints: ['src/index.ts'] });
  await build({
    ...options,
    // Worker threads start from files of their own (store/worker-client.ts finds them).
    entryPoints: ['src/cli/main.ts', 'src/store/sqlite-worker.ts', 'src/budgets/sqlite-counters-worker.ts'],
  });
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/write-price-catalog.ts', outdir], {
    cwd: root,
    stdio: 'inherit',
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await bundle(process.argv[2]);
