/**
 * The JavaScript of the package: the library and the CLI, each bundled by esbuild with the code
 * they share split into chunks/ (see build.mjs for why). `npm run build` writes dist/src; the
 * README test bundles into a temp folder, so that it runs the CLI as it ships without touching
 * the checkout's dist/:
 *
 *   node scripts/bundle.mjs [OUTDIR]     # default dist/src
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the library, the CLI and the SQLite workers (store, budget counters) into `outdir`
 * (relative to the repository or absolute), with the compact price catalog beside them
 * (outdir/price-catalog/, derived from the installed catalog package: src/pricing/catalog-data.ts).
 */
export async function bundle(outdir = 'dist/src') {
  await build({
    absWorkingDir: root,
    // Worker threads start from files of their own (store/worker-client.ts finds them).
    entryPoints: [
      'src/index.ts',
      'src/cli/main.ts',
      'src/store/sqlite-worker.ts',
      'src/budgets/sqlite-counters-worker.ts',
    ],
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
  });
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/write-price-catalog.ts', outdir], {
    cwd: root,
    stdio: 'inherit',
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await bundle(process.argv[2]);
