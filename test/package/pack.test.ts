/**
 * The package as a user gets it: built and packed (`npm pack`) from a copy of the sources (the
 * checkout's own dist/ and web/dist are left alone, other suites serve them), installed from
 * the tarball into an empty app, offline where npm's cache has the dependencies. Then, in that
 * app: the SQLite binding missing (what `--ignore-scripts` leaves) gives a clear message;
 * with it, `npx tokenledger --version`, `serve` and an ESM import work, and the shipped types
 * check a TypeScript consumer.
 */
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const BINDING = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const VERSION = (JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let app: string;
let tarball: string;
let entries: string[];

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: 'true' } });
  return stdout;
}

/** Runs a command of the installed app; resolves with its exit code and output, never rejects. */
function inApp(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: app }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'tl-pack-'));
  const source = path.join(work, 'source');
  await mkdir(source);
  for (const entry of [
    'package.json',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
    'tsconfig.json',
    'scripts',
    'src',
    'web',
  ]) {
    await cp(path.join(REPO, entry), path.join(source, entry), {
      recursive: true,
      filter: (from) => !from.includes(`${path.sep}web${path.sep}dist`) && !from.endsWith(`${path.sep}node_modules`),
    });
  }
  await symlink(path.join(REPO, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  // `npm pack` runs `prepare` (the build) first, as `npm publish` does; the build's output
  // comes before the JSON.
  const packed = await npm(['pack', '--json', '--pack-destination', work], source);
  const [info] = JSON.parse(packed.slice(packed.search(/^\[\s*\{/m))) as [
    { filename: string; files: { path: string }[] },
  ];
  tarball = path.join(work, info.filename);
  entries = info.files.map((file) => file.path);

  app = path.join(work, 'app');
  await mkdir(app);
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // --ignore-scripts: better-sqlite3 would otherwise compile itself (no prebuilt binary offline);
  // the binding is copied in below, after the test of its absence.
  await npm(['install', tarball, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships its license and changelog, the built code and dashboard, and no source maps', () => {
    expect(entries).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    expect(entries).toEqual(
      expect.arrayContaining([
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/cli/main.js',
        // serve's SQLite store and budget counters run in worker threads started from these files.
        'dist/src/store/sqlite-worker.js',
        'dist/src/budgets/sqlite-counters-worker.js',
        'web/dist/index.html',
      ]),
    );
    expect(entries.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(entries.filter((file) => !/^(dist\/src\/|web\/dist\/)/.test(file)).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'package.json',
    ]);
  });

  it('says what to do when the SQLite binding is missing (installed with --ignore-scripts)', async () => {
    const result = await inApp('npx', ['tokenledger', 'serve', '--port', '0', '--db', 'sqlite:./ledger.db']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the native binding of better-sqlite3 is missing');
    expect(result.stderr).toContain('npm rebuild better-sqlite3');
    expect(result.stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
  });

  describe('with the binding', () => {
    beforeAll(async () => {
      await mkdir(path.dirname(path.join(app, BINDING)), { recursive: true });
      await cp(path.join(REPO, BINDING), path.join(app, BINDING));
    });

    it('npx tokenledger --version prints the package version', async () => {
      const result = await inApp('npx', ['tokenledger', '--version']);
      expect(result).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    });

    it('tokenledger serve serves the API and the dashboard, and stops on SIGTERM', async () => {
      // The bin npx runs, started directly: npx itself dies of the signal instead of passing on
      // the server's exit code.
      const child = spawn(
        path.join(app, 'node_modules/.bin/tokenledger'),
        ['serve', '--port', '0', '--db', 'sqlite:./served.db'],
        {
          cwd: app,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (found?.[1] !== undefined) resolve(found[1]);
        });
        void exited.then((code) => reject(new Error(`serve exited ${String(code)}: ${stdout}`)));
      });
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      const dashboard = await fetch(`${url}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('<title>tokenledger</title>');
      const ingest = await fetch(`${url}/v1/usage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 1000, outputTokens: 100 } }),
      });
      expect(await ingest.json()).toMatchObject({ recorded: 1 });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await readdir(app)).toContain('served.db');
    }, 60_000);

    it('import from "tokenledger" works in an ESM app: record into SQLite, read it back', async () => {
      await writeFile(
        path.join(app, 'app.mjs'),
        [
          "import { createLedger, openStore, summarizeUsage } from 'tokenledger';",
          "const store = await openStore('sqlite:./app.db');",
          'const ledger = createLedger({ store });',
          "await ledger.scope({ run: 'r1' }).record({ provider: 'openai', model: 'gpt-4o', usage: { inputTokens: 1000, outputTokens: 100 } });",
          'await ledger.flush();',
          "const totals = await summarizeUsage(store, { run: 'r1' });",
          'console.log(JSON.stringify({ calls: totals.calls, tokens: totals.tokens.total, cost: totals.cost.total }));',
          'await ledger.close();',
          'await store.close();',
        ].join('\n'),
      );
      const result = await inApp(process.execPath, ['app.mjs']);
      expect(result.stderr).toBe('');
      // gpt-4o: $2.50 per 1M input, $10 per 1M output.
      expect(JSON.parse(result.stdout)).toEqual({ calls: 1, tokens: 1100, cost: 0.0035 });
    });

    it('the shipped types check a TypeScript consumer', async () => {
      await writeFile(
        path.join(app, 'app.ts'),
        [
          "import { createLedger, openStore, type Ledger, type UsageEvent } from 'tokenledger';",
          "const ledger: Ledger = createLedger({ store: await openStore('memory:') });",
          "const event: UsageEvent = await ledger.scope({ run: 'r' }).record({ provider: 'openai', model: 'gpt-4o' });",
          "const fetchForOpenAI: typeof fetch = ledger.fetch({ agent: event.agent ?? 'triage' });",
          'void fetchForOpenAI;',
          '// @ts-expect-error not exported: internals stay internal',
          "import { tokensToNanos } from 'tokenledger';",
          'void tokensToNanos;',
        ].join('\n'),
      );
      await writeFile(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [path.join(REPO, 'node_modules/@types')],
          },
          files: ['app.ts'],
        }),
      );
      const result = await inApp(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.']);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    });
  });
});
