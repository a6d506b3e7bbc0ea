/**
 * A child process for the multi-process budget tests:
 *   node --import tsx test/budgets/worker.ts '<json args>'
 * It opens the counters and the ledger's store, prints `ready`, and waits for `go` on stdin.
 * mode "calls": admits `calls` calls at once against the budget; each admitted call is recorded
 *   in the ledger at its real cost ($0.10) and settled; prints `done {"admitted":n,...}`.
 * mode "hold": admits `calls` calls and prints `held <reservation ids>`, then keeps its holds
 *   (renewing their lease) until it is killed.
 */
import { createInterface } from 'node:readline';
import {
  type BudgetCounters,
  createBudgetGuard,
  PostgresBudgetCounters,
  RedisBudgetCounters,
  SqliteBudgetCounters,
} from '#src/budgets/index.js';
import { openSqliteBudgetCountersThread } from '#src/budgets/sqlite-counters-thread.js';
import { BudgetExceededError } from '#src/errors/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { createPricer } from '#src/pricing/index.js';
import { openStore } from '#src/store/index.js';
import type { BudgetSpec } from '#src/types/index.js';
import { DIME, DIME_CALL, DIME_PRICES } from './dime.js';

export interface WorkerArgs {
  counters:
    | { kind: 'sqlite'; path: string }
    | { kind: 'sqlite-server'; path: string }
    | { kind: 'postgres'; url: string }
    | { kind: 'redis'; prefix: string };
  storeUrl: string;
  budgets: BudgetSpec[];
  mode: 'calls' | 'hold';
  calls: number;
  worker: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;

async function openCounters(): Promise<BudgetCounters> {
  const spec = args.counters;
  if (spec.kind === 'sqlite') return SqliteBudgetCounters.open({ path: spec.path, busyTimeoutMs: 10_000 });
  // As `serve` runs them: a reserve tried on this thread without waiting, else in the worker.
  if (spec.kind === 'sqlite-server') return openSqliteBudgetCountersThread({ path: spec.path, busyTimeoutMs: 10_000 });
  if (spec.kind === 'postgres') return PostgresBudgetCounters.open({ url: spec.url, lockTimeoutMs: 10_000 });
  return new RedisBudgetCounters({ redis: 'redis://127.0.0.1:6379', prefix: spec.prefix, commandTimeoutMs: 10_000 });
}

async function main(): Promise<void> {
  const counters = await openCounters();
  const store = await openStore(args.storeUrl);
  const pricer = createPricer({ overrides: DIME_PRICES });
  const ledger = createRecordingLedger({ store, pricer });
  const guard = createBudgetGuard({ budgets: args.budgets, counters, pricer });
  process.stdout.write('ready\n');
  const input = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => input.once('line', () => resolve()));
  // An open stdin would keep the process alive after its work.
  input.close();
  process.stdin.destroy();
  const outcomes = await Promise.all(
    Array.from({ length: args.calls }, async () => {
      try {
        return { admission: await guard.admit(DIME_CALL) };
      } catch (error) {
        if (error instanceof BudgetExceededError) return { refused: true };
        throw error;
      }
    }),
  );
  const admitted = outcomes.flatMap((outcome) => (outcome.admission === undefined ? [] : [outcome.admission]));
  if (args.mode === 'hold') {
    process.stdout.write(`held ${admitted.map((admission) => admission.reservationId).join(' ')}\n`);
    await new Promise(() => undefined);
  }
  await Promise.all(
    admitted.map(async (admission) => {
      await ledger.record({ provider: 'test', model: DIME, usage: { inputTokens: 0, outputTokens: 1000 } });
      await admission.settle({ costNanos: DIME_CALL.costNanos, tokens: 1000 });
    }),
  );
  await ledger.close();
  await store.close();
  await counters.close();
  process.stdout.write(
    `done ${JSON.stringify({ admitted: admitted.length, refused: outcomes.length - admitted.length })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
