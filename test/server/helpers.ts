/**
 * Servers for tests: the app in-process over a memory (or given) store, for app.request() tests
 * (makeApp); or a real `startServer` on loopback whose upstreams are the mock provider
 * (startServerOnMock).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '#src/config/index.js';
import { createDefaultMeter } from '#src/http/index.js';
import { createRecordingLedger, type RecordingLedger, type SpoolOptions } from '#src/ledger/index.js';
import {
  createApp,
  createServerMetrics,
  type RunningServer,
  type ServerLimits,
  startServer,
  type TokenledgerApp,
} from '#src/server/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { Logger } from '#src/types/index.js';
import type { MockProvider } from '../helpers/mock-provider.js';

export interface TestLogger extends Logger {
  lines: string[];
}

/** A logger that keeps every line (message + context) as text, to check nothing secret is logged. */
export function memoryLogger(): TestLogger {
  const lines: string[] = [];
  const push = (level: string) => (message: string, context?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(context ?? {})}`);
  };
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

export interface TestApp extends TokenledgerApp {
  store: Store;
  ledger: RecordingLedger;
  logger: TestLogger;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export async function makeApp(
  options: {
    config?: unknown;
    env?: Record<string, string | undefined>;
    store?: Store;
    limits?: Partial<ServerLimits>;
    /** Give the ledger a spool, as `tokenledger serve` does. */
    spool?: SpoolOptions;
  } = {},
): Promise<TestApp> {
  const env = options.env ?? {};
  const store = options.store ?? (await openStore('memory:'));
  const logger = memoryLogger();
  const ledger = createRecordingLedger({
    store,
    logger,
    ...(options.spool === undefined ? {} : { spool: options.spool }),
  });
  const built = createApp({
    store,
    ledger,
    config: parseConfig(options.config ?? {}, 'inline', env),
    logger,
    metrics: createServerMetrics({ defaultMetrics: false }),
    createMeter: createDefaultMeter,
    env,
    limits: options.limits,
  });
  return { ...built, store, ledger, logger, request: (path, init) => Promise.resolve(built.app.request(path, init)) };
}

export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

export interface ServerOnMockOptions {
  /** `memory`: `memory:`; `sqlite`: a file in a fresh temp folder (serve's default store, with its spool). @default 'memory' */
  store?: 'memory' | 'sqlite';
  config?: unknown;
  /** Besides OPENAI_BASE_URL, which points at the mock. */
  env?: Record<string, string>;
  limits?: Partial<ServerLimits>;
}

/**
 * `startServer` on a random loopback port, OpenAI's upstream the mock, logging nowhere. Its
 * `close()` also removes the SQLite folder it made.
 */
export async function startServerOnMock(mock: MockProvider, options: ServerOnMockOptions = {}): Promise<RunningServer> {
  const env = { OPENAI_BASE_URL: `${mock.url}/v1`, ...options.env };
  const folder = options.store === 'sqlite' ? await mkdtemp(join(tmpdir(), 'tl-server-')) : undefined;
  const server = await startServer({
    config: parseConfig(options.config ?? {}, 'inline', env),
    env,
    port: 0,
    db: folder === undefined ? 'memory:' : `sqlite:${join(folder, 'ledger.db')}`,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    logger: pino({ level: 'silent' }),
  });
  return {
    ...server,
    async close() {
      await server.close();
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    },
  };
}
