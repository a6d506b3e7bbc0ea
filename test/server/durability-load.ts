/**
 * Load for the durability tests and bench: gateway clients (JSON and streams alternately, one
 * `x-tokenledger-run` per call) and ingest clients against a `serve` process, a SIGKILL in the
 * middle of it, and what the next process stored.
 *
 * @module
 */
import { gatewayCall } from './outage-load.js';
import type { ServeProcess } from './serve-process.js';

export interface Round {
  /** Runs (one per gateway call) whose client read the whole response. */
  delivered: string[];
  /** Ingest event ids answered 200 or 202. */
  acknowledged: string[];
}

export async function gatewayClient(url: string, prefix: string, round: Round, stop: () => boolean): Promise<void> {
  for (let n = 0; !stop(); n++) {
    const run = `${prefix}-${n}`;
    try {
      if ((await gatewayCall(url, run, n % 2 === 1)).ok) round.delivered.push(run);
    } catch {
      return; // the server is gone
    }
  }
}

export async function ingestClient(url: string, agent: string, round: Round, stop: () => boolean): Promise<void> {
  while (!stop()) {
    const batch = Array.from({ length: 5 }, (_, i) => ({
      provider: 'openai',
      model: 'gpt-4o-mini',
      agent,
      usage: { inputTokens: 10 + i, outputTokens: 2 },
    }));
    try {
      const response = await fetch(`${url}/v1/usage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      const text = await response.text();
      if (response.status === 200 || response.status === 202) {
        round.acknowledged.push(...(JSON.parse(text) as { ids: string[] }).ids);
      }
    } catch {
      return;
    }
  }
}

export interface KillOptions {
  gatewayClients: number;
  ingestClients: number;
  /** Kill once this many gateway calls were delivered and ingest events acknowledged. */
  killAfterCalls: number;
  killAfterIngested: number;
}

/** Load until the kill thresholds (or 60 s), then SIGKILL mid-load; returns what was delivered. */
export async function killUnderLoad(serve: ServeProcess, name: string, options: KillOptions): Promise<Round> {
  const round: Round = { delivered: [], acknowledged: [] };
  let stopped = false;
  const stop = (): boolean => stopped;
  const clients = [
    ...Array.from({ length: options.gatewayClients }, (_, c) => gatewayClient(serve.url, `${name}-c${c}`, round, stop)),
    ...Array.from({ length: options.ingestClients }, (_, c) => ingestClient(serve.url, `${name}-i${c}`, round, stop)),
  ];
  const deadline = Date.now() + 60_000;
  while (
    (round.delivered.length < options.killAfterCalls || round.acknowledged.length < options.killAfterIngested) &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  serve.child.kill('SIGKILL');
  stopped = true;
  const exit = await serve.exited;
  if (exit !== 'SIGKILL') throw new Error(`serve ended with ${String(exit)}, not SIGKILL`);
  await Promise.all(clients);
  return round;
}

/** Waits until the process has replayed what the killed one left (its spool is empty). */
export async function replayed(serve: ServeProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = (await (await fetch(`${serve.url}/healthz`)).json()) as { ledger?: { spool?: { pending: number } } };
    if (health.ledger?.spool?.pending === 0) return;
    if (Date.now() > deadline) throw new Error(`spool not drained: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Stored {
  ids: Set<string>;
  /** Stored events per gateway run. */
  runs: Map<string, number>;
  lines: number;
}

export async function stored(serve: ServeProcess): Promise<Stored> {
  const text = await (await fetch(`${serve.url}/analytics/events?format=ndjson`)).text();
  const events = text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { id: string; run?: string });
  const runs = new Map<string, number>();
  for (const event of events) if (event.run !== undefined) runs.set(event.run, (runs.get(event.run) ?? 0) + 1);
  return { ids: new Set(events.map((event) => event.id)), runs, lines: events.length };
}
