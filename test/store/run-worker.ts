/** Spawns test/store/worker.ts in a child Node process (through tsx). */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function spawnWorker(args: Record<string, unknown>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'test/store/worker.ts', JSON.stringify(args)], {
    cwd: ROOT,
    stdio: 'pipe',
  });
}

/** Runs a worker to completion; resolves with its stdout, rejects with its stderr on failure. */
export function runWorker(args: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnWorker(args);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`worker exited ${String(code)}: ${err}`)),
    );
  });
}
