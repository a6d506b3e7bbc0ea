/**
 * A store outage under gateway load, for the outage tests (store-outage.test.ts) and the
 * durability bench: clients call the gateway (JSON and streams alternately, one
 * `x-tokenledger-run` per call) while the test takes the store away and gives it back; then
 * what was delivered is checked against what the store holds, once each.
 *
 * @module
 */
import Database from 'better-sqlite3';
import type { RunningServer } from '#src/server/index.js';
import { openStore } from '#src/store/index.js';

export interface TimedCall {
  ok: boolean;
  status: number;
  ms: number;
}

/** One gateway call, timed; `ok` when the client read a whole answer (usage, or the stream's end). */
export async function gatewayCall(
  url: string,
  run: string,
  stream: boolean,
  headers: Record<string, string> = {},
): Promise<TimedCall> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tokenledger-run': run, ...headers },
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  const text = await response.text();
  const ok = response.status === 200 && (stream ? text.includes('data: [DONE]') : text.includes('"usage"'));
  return { ok, status: response.status, ms: performance.now() - started };
}

export interface OutageOptions {
  clients: number;
  /** Load before the outage starts. */
  warmupMs: number;
  outageMs: number;
  /** Load after the store is back. */
  afterMs: number;
  /** Takes the store away (stall a proxy, fill the database). */
  begin(): void | Promise<void>;
  /** Gives it back. */
  end(): void | Promise<void>;
  /** Read halfway through the outage (health, stats). */
  midway?: () => Promise<void>;
}

export interface OutageResult {
  /** Runs whose client read the whole answer. */
  delivered: string[];
  /** The calls made while the store was away. */
  during: TimedCall[];
  /** The spool's backlog when the store came back. */
  backlog: number;
  /** From the store's return until every delivered call was stored (ms). */
  drainedMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function outageUnderLoad(server: RunningServer, options: OutageOptions): Promise<OutageResult> {
  const delivered: string[] = [];
  const during: TimedCall[] = [];
  let outage = false;
  let stop = false;
  const client = async (c: number): Promise<void> => {
    for (let n = 0; !stop; n++) {
      const run = `outage-${c}-${n}`;
      const result = await gatewayCall(server.url, run, n % 2 === 1);
      if (outage) during.push(result);
      if (result.ok) delivered.push(run);
    }
  };
  const clients = Array.from({ length: options.clients }, (_, c) => client(c));
  await sleep(options.warmupMs);
  await options.begin();
  outage = true;
  await sleep(options.outageMs / 2);
  await options.midway?.();
  await sleep(options.outageMs / 2);
  const backlog = server.ledger.stats().spool?.pending ?? 0;
  outage = false;
  await options.end();
  const backAt = performance.now();
  await sleep(options.afterMs);
  stop = true;
  await Promise.all(clients);
  await server.ledger.flush();
  return { delivered, during, backlog, drainedMs: performance.now() - backAt };
}

/** How many stored events each gateway run has. */
export async function storedRuns(server: RunningServer): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let cursor: string | undefined, first = true; first || cursor !== undefined; first = false) {
    const page = await server.store.events({ filter: {}, limit: 5000, ...(cursor === undefined ? {} : { cursor }) });
    for (const event of page.events)
      if (event.run !== undefined) counts.set(event.run, (counts.get(event.run) ?? 0) + 1);
    cursor = page.nextCursor;
  }
  return counts;
}

/** Resolves once store writes fail (the spool's drain is backing off), or rejects after `timeoutMs`. */
export async function untilStoreFailing(server: RunningServer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (server.ledger.stats().spool?.storeFailing !== true) {
    if (Date.now() > deadline) throw new Error(`store writes did not fail within ${timeoutMs} ms`);
    await sleep(20);
  }
}

export interface FillableLedger {
  /** The file's pages with the filler: a cap a little above it fills up after a few events. */
  pages: number;
  /** What the file holds now, in pages. */
  pageCount(): number;
  /** Deletes the filler on another connection: its pages go back to the free list, as an operator frees space. */
  free(): void;
  close(): void;
}

/** A new SQLite ledger holding `fillerMiB` of filler rows (4,000-byte blobs) that `free()` deletes. */
export async function fillableLedger(file: string, fillerMiB: number): Promise<FillableLedger> {
  await (await openStore(`sqlite:${file}`)).close();
  const admin = new Database(file);
  admin.exec('CREATE TABLE tl_test_filler (data BLOB)');
  const fill = admin.prepare('INSERT INTO tl_test_filler (data) VALUES (zeroblob(4000))');
  const rows = Math.ceil((fillerMiB * 1024 * 1024) / 4000);
  admin.transaction(() => {
    for (let i = 0; i < rows; i++) fill.run();
  })();
  const pageCount = (): number => Number(admin.pragma('page_count', { simple: true }));
  return {
    pages: pageCount(),
    pageCount,
    free: () => {
      admin.exec('DELETE FROM tl_test_filler');
    },
    close: () => admin.close(),
  };
}
