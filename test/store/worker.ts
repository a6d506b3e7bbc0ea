/**
 * A child process for the multi-process and SIGKILL tests:
 *   node --import tsx test/store/worker.ts '<json args>'
 * mode "bulk": inserts its share of events (batches, some single calls, some re-sent ids and a
 *   shared set every worker sends), then prints `done <new count>`.
 * mode "ack": inserts events one call at a time and prints each id once insert() resolved,
 *   forever (until killed).
 */
import { StoreError } from '#src/errors/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { sharedEvents, workerEvents } from './generate.js';

interface WorkerArgs {
  url: string;
  mode: 'bulk' | 'ack';
  worker: number;
  count: number;
  batch: number;
  startMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;

/**
 * Retries what the store calls retryable (SQLite's busy timeout ran out), as the ledger's writer
 * does: on a loaded 2-core machine four writers can wait past the 10 s timeout, and a writer
 * that gave up there would be testing the machine, not the store. The failed transaction was
 * rolled back and ids are stored once, so a retry can neither lose nor double an event.
 */
async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StoreError && error.retryable) || attempt === 10) throw error;
      process.stderr.write(`retrying after: ${error.message}\n`);
    }
  }
}

const insert = (store: Store, events: UsageEvent[]): Promise<number> => retrying(() => store.insert(events));

async function main(): Promise<void> {
  const store = await retrying(() => openStore(args.url));
  if (args.mode === 'ack') {
    const events = workerEvents(args.worker, args.count, args.startMs);
    for (const event of events) {
      await insert(store, [event]);
      process.stdout.write(`${event.id}\n`);
    }
    await store.close();
    return;
  }
  const mine = workerEvents(args.worker, args.count, args.startMs);
  const shared = sharedEvents(args.startMs);
  let added = 0;
  // The first 100 one at a time, as record() does, to contend on the write lock.
  for (const event of mine.slice(0, 100)) added += await insert(store, [event]);
  let previous: typeof mine = [];
  for (let i = 100, n = 0; i < mine.length; i += args.batch, n++) {
    const batch = mine.slice(i, i + args.batch);
    // Every 5th call re-sends the previous batch's first ids and a slice of the shared set.
    const extra =
      n % 5 === 0 ? [...previous.slice(0, 20), ...shared.slice((n * 37) % 1000, ((n * 37) % 1000) + 50)] : [];
    added += await insert(store, [...batch, ...extra]);
    previous = batch;
  }
  added += await insert(store, shared);
  await store.close();
  process.stdout.write(`done ${added}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
