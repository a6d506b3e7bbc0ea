/**
 * Writes the compact price catalog (src/pricing/catalog-data.ts) derived from the installed
 * `@pydantic/genai-prices`: OUTDIR/price-catalog/index.json and one slice per provider. Run by
 * scripts/bundle.mjs beside the bundle it writes; never edit the files by hand.
 *
 *   node --import tsx scripts/write-price-catalog.ts [OUTDIR]     # default dist/src
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForUpdate } from '@pydantic/genai-prices';
import { CATALOG_DIR, compactCatalog, sliceFileName } from '../src/pricing/catalog-data.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.resolve(root, process.argv[2] ?? 'dist/src');
const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as {
  version: string;
};
const providers = await waitForUpdate();
if (providers === null) throw new Error('@pydantic/genai-prices has no bundled data');

const { index, models } = compactCatalog(providers, version);
const dir = path.join(outdir, CATALOG_DIR);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'index.json'), JSON.stringify(index));
for (const [providerId, slice] of models)
  writeFileSync(path.join(dir, sliceFileName(providerId)), JSON.stringify(slice));
