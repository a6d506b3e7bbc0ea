/**
 * `npm run build`: the package as it ships.
 *
 * - dist/src/**.d.ts: the types, from tsc (declarations only).
 * - dist/src/index.js and dist/src/cli/main.js: the library and the CLI, each bundled by esbuild
 *   apart (scripts/bundle.mjs says why), with the code shared within each split into
 *   dist/src/chunks/. Node resolves and opens each ES
 *   module file on its own, and the sources are some 200 small files: bundled, importing the
 *   library or starting a command costs a few files instead. Dynamic imports stay chunks of
 *   their own, so what loads on first use (the server, each CLI command, YAML) still does.
 *   Dependencies are not bundled: they install and load as the user's own packages.
 * - dist/src/price-catalog/: the price catalog's data, compact and one file per provider, derived
 *   from the installed @pydantic/genai-prices (src/pricing/catalog-data.ts says why).
 * - web/dist: the dashboard, from vite.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundle } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command, args) => execFileSync(command, args, { cwd: root, stdio: 'inherit' });

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
// tsconfig.json emits declarations only: the JavaScript is esbuild's.
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
await bundle();
run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'web']);
