/**
 * Heavy modules load on first use (src/lazy): each case is a fresh `node` process, traced by
 * test/helpers/trace-loads.mjs, and what it loaded is read back as package names. Importing the
 * package loads no package, the CLI's `--version` none and `usage FILE` only what reading and
 * pricing a response needs; each heavy package loads on the step that needs it. An eager import
 * added anywhere fails here (and in the lint rule heavy-modules-through-lazy). Built (the bundle
 * as it ships, with the compact price catalog beside it: src/pricing/catalog-data.ts), `usage
 * FILE` prices without loading the catalog package, and `import 'tokenledger'` loads four files
 * and none of the store, server or opener code (scripts/bundle.mjs, scripts/direct-imports.mjs).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAVY_PACKAGES } from '../../src/lazy/index.js';
import { createSandbox, type Sandbox } from '../readme/tour-sandbox.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const TSX = import.meta.resolve('tsx');
const TRACER = path.join(REPO, 'test/helpers/trace-loads.mjs');
const MAIN = path.join(REPO, 'test/lazy/first-use-main.ts');
const CLI = path.join(REPO, 'src/cli/main.ts');

let dir: string;
let traces = 0;
/** What tsx itself loads to run a TypeScript file: left out of every case. */
let baseline: Set<string>;

/** The package of a file under node_modules (`@scope/name` or `name`), or undefined. */
function packageOf(file: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
}

/** The files `node NODE_ARGS ARGS` loads. Run in `dir`, where no config file is. */
async function filesLoaded(args: string[], nodeArgs: string[]): Promise<string[]> {
  const out = path.join(dir, `trace-${traces++}.txt`);
  await run(process.execPath, [...nodeArgs, '--import', TRACER, ...args], {
    cwd: dir,
    env: { ...process.env, TL_TRACE_LOADS: out },
  });
  return (await readFile(out, 'utf8')).split('\n').filter((file) => file !== '');
}

/** The packages (not tsx's own) that `node --import tsx ARGS` loads, sorted. */
async function packagesLoaded(
  args: string[],
  nodeArgs = ['--conditions=tokenledger-source', '--import', TSX],
): Promise<string[]> {
  const packages = new Set((await filesLoaded(args, nodeArgs)).map(packageOf).filter((name) => name !== undefined));
  return [...packages].filter((name) => !baseline?.has(name)).sort();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'tl-first-use-'));
  baseline = new Set(await packagesLoaded([MAIN, 'none']));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('start-up loads no heavy module', () => {
  it("`import 'tokenledger'` loads no package", async () => {
    expect(await packagesLoaded([MAIN, 'import'])).toEqual([]);
  });

  it('`tokenledger --version` loads no package', async () => {
    expect(await packagesLoaded([CLI, '--version'])).toEqual([]);
  });

  it('from source, `tokenledger usage FILE` loads the catalog package and commander, no driver, zod nor tokenizer', async () => {
    const file = path.join(dir, 'anthropic-response.json');
    await copyFile(path.join(REPO, 'docs/examples/anthropic-response.json'), file);
    expect(await packagesLoaded([CLI, 'usage', file])).toEqual(['@pydantic/genai-prices', 'commander']);
  });
});

describe('built, `usage FILE` reads the compact price catalog, not the package', () => {
  let sandbox: Sandbox;
  let file: string;
  beforeAll(async () => {
    sandbox = await createSandbox();
    file = path.join(dir, 'anthropic-response.json');
    await copyFile(path.join(REPO, 'docs/examples/anthropic-response.json'), file);
  }, 60_000);
  afterAll(() => sandbox?.close());

  it('loads commander only', async () => {
    expect(await packagesLoaded([sandbox.main, 'usage', file], [])).toEqual(['commander']);
  });

  it('runs no store, ledger or server code (the folders of src/ its chunks were bundled from)', async () => {
    const bundled = (await filesLoaded([sandbox.main, 'usage', file], [])).filter((loaded) =>
      loaded.startsWith(path.dirname(path.dirname(sandbox.main))),
    );
    const folders = new Set<string>();
    for (const chunk of bundled)
      for (const [, folder] of (await readFile(chunk, 'utf8')).matchAll(/^\/\/ src\/([a-z-]+)\//gm))
        folders.add(folder ?? '');
    expect([...folders].sort()).toEqual(['cli', 'config', 'errors', 'lazy', 'pricing', 'providers', 'units', 'usage']);
  });

  it("`import 'tokenledger'` loads four files of its own and no package: no store or server code, no analytics beyond the run report", async () => {
    const library = path.join(path.dirname(path.dirname(sandbox.main)), 'index.js');
    const loaded = await filesLoaded(['--input-type=module', '-e', `await import(${JSON.stringify(library)})`], []);
    expect(loaded.filter((file) => packageOf(file) !== undefined)).toEqual([]);
    expect(loaded.length).toBe(4);
    const files = new Set<string>();
    for (const chunk of loaded)
      for (const [, file] of (await readFile(chunk, 'utf8')).matchAll(/^\/\/ src\/([a-z-/]+)\.ts$/gm))
        files.add(file ?? '');
    const folders = new Set([...files].filter((file) => file.includes('/')).map((file) => file.split('/')[0]));
    expect([...folders].sort()).toEqual([
      'analytics',
      'budgets',
      'client',
      'config',
      'errors',
      'http',
      'lazy',
      'ledger',
      'pricing',
      'providers',
      'units',
      'usage',
    ]);
    for (const file of ['analytics/by-run', 'analytics/timeseries', 'budgets/open-counters', 'pricing/catalog-install'])
      expect(files.has(file), file).toBe(false);
  });

  it('prices as the package does (the source run)', async () => {
    const cost = async (args: string[]): Promise<unknown> => {
      const { stdout } = await run(process.execPath, [...args, 'usage', file, '--at', '2026-11-01T00:00:00Z'], {
        cwd: dir,
      });
      return (JSON.parse(stdout) as { cost: unknown }).cost;
    };
    const built = await cost([sandbox.main]);
    expect(built).toEqual({
      input: 0.000009,
      cacheRead: 0.0003333,
      cacheWrite: 0.0015675,
      output: 0.000495,
      total: 0.0024048,
      currency: 'USD',
    });
    expect(await cost(['--conditions=tokenledger-source', '--import', TSX, CLI])).toEqual(built);
  });
});

describe('each heavy module loads on its first use', () => {
  const heavyLoadedBy = async (step: string): Promise<string[]> =>
    (await packagesLoaded([MAIN, step, dir])).filter((name) => HEAVY_PACKAGES.includes(name));

  it.each([
    ['price', ['@pydantic/genai-prices']],
    ['estimate', ['gpt-tokenizer']],
    ['record', ['@pydantic/genai-prices']],
    ['refuse', ['zod']],
    ['sqlite', ['better-sqlite3']],
    ['postgres', ['pg']],
    ['redis', ['ioredis']],
  ])('%s loads %j', async (step, expected) => {
    expect(await heavyLoadedBy(step)).toEqual(expected);
  });

  it('the list in src/lazy names every heavy package these steps load', () => {
    expect([...HEAVY_PACKAGES].sort()).toEqual([
      '@pydantic/genai-prices',
      'better-sqlite3',
      'gpt-tokenizer',
      'ioredis',
      'pg',
      'zod',
    ]);
  });
});
