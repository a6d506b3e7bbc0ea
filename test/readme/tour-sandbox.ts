/**
 * Where the README's commands run: a throwaway install of the package as it ships (the CLI
 * bundled by scripts/bundle.mjs into a temp folder, beside a copy of package.json and links to
 * the checkout's node_modules and web/), a `tokenledger` on PATH that runs it, and one fresh
 * folder per scenario, holding links to what a fresh clone has (docs/, examples/, src/,
 * package.json, node_modules) and nothing else: its ledger, spool and config are its own.
 *
 * Commands run with bash, stderr merged into stdout in order, in an environment that holds
 * only PATH, HOME and what the scenario sets (none of the caller's TOKENLEDGER_* or provider
 * variables leak in).
 *
 * @module
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { spawnServe } from '../server/serve-process.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
// Resolved here, so a child started in another folder still finds it.
const TSX = import.meta.resolve('tsx');
const CLONE_ENTRIES = ['docs', 'examples', 'src', 'package.json', 'node_modules', 'tsconfig.json'];

export interface Sandbox {
  root: string;
  /** The bundled CLI (what `tokenledger` runs). */
  main: string;
  bin: string;
  close(): void;
}

/** Bundles the CLI into a fresh temp install and puts a `tokenledger` for it on a PATH folder. */
export async function createSandbox(): Promise<Sandbox> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tl-readme-'));
  const install = path.join(root, 'install');
  mkdirSync(install);
  copyFileSync(path.join(REPO, 'package.json'), path.join(install, 'package.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(install, 'node_modules'), 'dir');
  symlinkSync(path.join(REPO, 'web'), path.join(install, 'web'), 'dir');
  await promisify(execFile)(process.execPath, [
    path.join(REPO, 'scripts', 'bundle.mjs'),
    path.join(install, 'dist', 'src'),
  ]);
  const main = path.join(install, 'dist', 'src', 'cli', 'main.js');
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'tokenledger'), `#!/bin/sh\nexec '${process.execPath}' '${main}' "$@"\n`, {
    mode: 0o755,
  });
  return { root, main, bin, close: () => rmSync(root, { recursive: true, force: true }) };
}

let folders = 0;

/** A new folder that looks like a fresh clone (links to the checkout's files), with `files` written into it. */
export function cloneFolder(sandbox: Sandbox, files: Record<string, string> = {}): string {
  const dir = path.join(sandbox.root, `clone-${++folders}`);
  mkdirSync(dir);
  for (const entry of CLONE_ENTRIES) symlinkSync(path.join(REPO, entry), path.join(dir, entry));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The environment commands see: PATH with `tokenledger` first, HOME, and `extra`. */
export function commandEnv(sandbox: Sandbox, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${sandbox.bin}:${process.env.PATH ?? ''}`,
    HOME: home,
    LANG: 'C.UTF-8',
    // npm's "new version available" notice depends on the day, not on tokenledger.
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

/** Runs `command` with bash in `cwd`; its stdout and stderr as one text, in the order written. */
export function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 45_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-c', `exec 2>&1\n${command}`],
      { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        // A command that fails on purpose (the README shows its error) still has its output compared.
        if (error?.killed) reject(new Error(`timed out after ${timeoutMs} ms: ${command}`));
        else resolve(stdout);
      },
    );
  });
}

/**
 * Runs a command that starts a server (`tokenledger serve ...`): its output until it says it is
 * listening (what the README shows of it) or until it exits; then the server is stopped.
 */
export function runUntilListening(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 45_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `exec 2>&1\n${command}`], { cwd, env, detached: true });
    let out = '';
    let shown: string | undefined;
    const stop = (): void => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
        process.kill(-child.pid, 'SIGTERM');
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`not listening after ${timeoutMs} ms: ${command}\n${out}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Up to the whole line that says so (what it logs when stopped is not shown).
      const listening = /listening on \S+\n/.exec(out);
      if (listening !== null && shown === undefined) {
        shown = out.slice(0, listening.index + listening[0].length);
        stop();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(shown ?? out);
    });
  });
}

/**
 * Runs a TypeScript file of `cwd` as the examples run (tsx, with the package's
 * `tokenledger-source` export condition, so `import ... from 'tokenledger'` is the checkout's
 * source); its stdout and stderr as one text.
 */
export function runTypeScript(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return runCommand(
    `'${process.execPath}' --import '${TSX}' --conditions=tokenledger-source '${file}'`,
    cwd,
    env,
    60_000,
  );
}

export interface Served {
  port: number;
  /**
   * Resolves once the server has stored what it took in (its /healthz shows no event pending
   * in the spool or buffered): the gateway answers before its event reaches the store, and a
   * person typing the next command gives it that time.
   */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface Health {
  ledger?: { buffered?: number; spool?: { pending?: number } };
}

async function settled(port: number): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Health;
    if ((health.ledger?.buffered ?? 0) === 0 && (health.ledger?.spool?.pending ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve on port ${port}: events still pending after 5 s`);
}

/** `tokenledger serve` (the bundled CLI) in `cwd` on a free port, for the README's curl commands. */
export async function startServe(sandbox: Sandbox, cwd: string, env: NodeJS.ProcessEnv): Promise<Served> {
  const serve = await spawnServe(['--port', '0'], {}, { cwd, main: sandbox.main, baseEnv: env });
  const port = Number(new URL(serve.url).port);
  return {
    port,
    settled: () => settled(port),
    stop: async () => {
      serve.child.kill('SIGTERM');
      await serve.exited;
    },
  };
}
