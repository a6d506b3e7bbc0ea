/**
 * Starts `tokenledger serve` as a child process (the source through tsx, or a built CLI) and
 * reads its URL from stdout.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
// Resolved here, so a child started in another folder (no node_modules) still finds it.
const TSX = import.meta.resolve('tsx');

export interface ServeProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string | null>;
}

export interface SpawnServeOptions {
  cwd?: string;
  /** A built CLI (`.../dist/src/cli/main.js`) to run instead of the source through tsx. */
  main?: string;
  /** The environment `env` is laid over. @default process.env */
  baseEnv?: NodeJS.ProcessEnv;
}

export async function spawnServe(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: SpawnServeOptions = {},
): Promise<ServeProcess> {
  const cli = options.main === undefined ? ['--import', TSX, MAIN] : [options.main];
  const child = spawn(process.execPath, [...cli, 'serve', ...args], {
    env: { ...(options.baseEnv ?? process.env), TOKENLEDGER_LOG_LEVEL: 'warn', ...env },
    cwd: options.cwd,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited (${String(code)}): ${stderr}`)));
  });
  return { url, child, stderr: () => stderr, exited };
}
