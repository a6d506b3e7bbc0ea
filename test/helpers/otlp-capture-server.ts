/**
 * The two ends of a golden-capture test: `tokenledger serve` (memory store) receiving OTLP on
 * loopback, and the mock provider the instrumented app calls. Plus the ledger's view of one
 * export: its events and totals.
 */
import pino from 'pino';
import { parseConfig } from '#src/config/index.js';
import { startServer, type RunningServer } from '#src/server/index.js';
import { createLedger, openStore } from '#src/index.js';
import type { UsageEvent } from '#src/types/index.js';
import { startMockProvider, type MockProvider } from './mock-provider.js';

export interface CaptureServer {
  server: RunningServer;
  mock: MockProvider;
  close(): Promise<void>;
}

export async function startCaptureServer(): Promise<CaptureServer> {
  const mock = await startMockProvider();
  const server = await startServer({
    port: 0,
    db: 'memory:',
    env: {},
    config: parseConfig({}, 'inline', {}),
    logger: pino({ level: 'silent' }),
  });
  return {
    server,
    mock,
    async close() {
      await server.close();
      await mock.close();
    },
  };
}

/** What one model call reported to the app itself (the SDK's usage object), to compare with the ledger. */
export interface LeafCall {
  input: number | undefined;
  output: number | undefined;
  cacheRead?: number;
}

export interface LedgerView {
  events: UsageEvent[];
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costNanos: number;
  /** Calls recorded with no token counts (their span carried none): counted, never priced as $0. */
  usageUnavailableCalls: number;
}

export async function ledgerView(server: RunningServer): Promise<LedgerView> {
  const { events } = await server.store.events({ filter: {}, limit: 1000 });
  const [total] = await server.store.aggregate({ filter: {}, groupBy: [] });
  return {
    events,
    calls: total?.calls ?? 0,
    inputTokens: total?.inputTokens ?? 0,
    outputTokens: total?.outputTokens ?? 0,
    costNanos: total?.costNanos ?? 0,
    usageUnavailableCalls: total?.usageUnavailableCalls ?? 0,
  };
}

/**
 * What the ledger charges for these leaf calls when they are recorded directly (not from spans):
 * the figure the span-derived events must add up to.
 */
export async function directCostNanos(calls: readonly (LeafCall & { model: string })[]): Promise<number> {
  const ledger = createLedger({ store: await openStore('memory:') });
  let nanos = 0;
  for (const call of calls) {
    if (call.input === undefined || call.output === undefined) continue;
    const event = await ledger.record({
      provider: 'openai',
      model: call.model,
      usage: { inputTokens: call.input, outputTokens: call.output, cacheReadTokens: call.cacheRead },
    });
    nanos += event.cost?.totalNanos ?? 0;
  }
  await ledger.close();
  return nanos;
}

/** Sum of the known counts (undefined stays out, as the ledger adds them). */
export const sumOf = (values: readonly (number | undefined)[]): number =>
  values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
