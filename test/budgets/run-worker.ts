/** Spawns test/budgets/worker.ts in child Node processes (through tsx) and drives them. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerArgs } from './worker.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BudgetWorker {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line starting with `word`, minus the word. */
  line(word: string): Promise<string>;
  go(): void;
  exited: Promise<number | null>;
}

export function startWorker(args: WorkerArgs): BudgetWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/budgets/worker.ts', JSON.stringify(args)], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  const waiters: { word: string; resolve: (rest: string) => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const text of lines) {
      const index = waiters.findIndex((waiter) => text.startsWith(waiter.word));
      const [waiter] = index >= 0 ? waiters.splice(index, 1) : [];
      waiter?.resolve(text.slice(waiter.word.length).trim());
    }
  });
  return {
    child,
    exited,
    go: () => child.stdin.write('go\n'),
    line(word) {
      return new Promise((resolve, reject) => {
        waiters.push({ word, resolve });
        exited.then((code) => reject(new Error(`worker exited ${String(code)} before "${word}": ${err}`)));
      });
    },
  };
}
