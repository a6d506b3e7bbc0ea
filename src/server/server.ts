/**
 * `startServer()`: what `tokenledger serve` runs. Opens the store (SQLite at
 * ./tokenledger.db unless told otherwise; PostgreSQL when several instances share one
 * ledger), builds the ledger and the app, listens, and shuts down gracefully: stop accepting,
 * let in-flight requests (streams included) finish within a grace period, write pending
 * recordings, flush the ledger, close the store.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { pino, type Logger as PinoLogger } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { createDefaultMeter, createLedger, type Ledger } from '../http/index.js';
import { openStore, redactStoreUrl, type Store } from '../store/index.js';
import type { Logger } from '../types/index.js';
import { createApp, type TokenledgerApp } from './app.js';
import type { ServerLimits } from './deps.js';
import { createServerMetrics } from './metrics.js';

export interface StartServerOptions {
  /** Port; 0 picks a free one. @default 8787 */
  port?: number;
  /** Interface to bind. Forced to 127.0.0.1 when no key is configured. @default '127.0.0.1' */
  host?: string;
  /** Store URL; wins over the config's `store` and `TOKENLEDGER_DB`. @default 'sqlite:./tokenledger.db' */
  db?: string;
  /** Config file path; found in the working directory when absent. */
  configPath?: string;
  /** An already loaded config (tests); wins over `configPath`. */
  config?: Config;
  /** Environment for the config and upstream defaults. @default process.env */
  env?: Record<string, string | undefined>;
  /** Structured log destination. @default pino to stderr at `info` (`TOKENLEDGER_LOG_LEVEL`) */
  logger?: PinoLogger;
  limits?: Partial<ServerLimits>;
  /** How long shutdown waits for in-flight requests before cutting them. @default 10000 */
  drainTimeoutMs?: number;
  dashboardDir?: string;
}

export interface RunningServer {
  /** `http://HOST:PORT`. */
  url: string;
  port: number;
  host: string;
  /** True when the host was forced to 127.0.0.1 because no key is configured. */
  loopbackOnly: boolean;
  store: Store;
  ledger: Ledger;
  app: TokenledgerApp;
  /** Graceful shutdown; safe to call twice. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_DB = 'sqlite:./tokenledger.db';

/** Our Logger interface over pino (context first, as pino takes it). */
export function pinoAdapter(log: PinoLogger): Logger {
  return {
    debug: (message, context) => log.debug(context ?? {}, message),
    info: (message, context) => log.info(context ?? {}, message),
    warn: (message, context) => log.warn(context ?? {}, message),
    error: (message, context) => log.error(context ?? {}, message),
  };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const log =
    options.logger ??
    pino(
      {
        level: env['TOKENLEDGER_LOG_LEVEL'] ?? 'info',
        redact: { paths: ['*.authorization', '*.apiKey', '*.key'], censor: '[redacted]' },
      },
      pino.destination(2),
    );
  const logger = pinoAdapter(log);
  const config = options.config ?? (await loadConfig({ path: options.configPath, env }));
  const db = options.db ?? config.store ?? DEFAULT_DB;
  const store = await openStore(db, { logger: log });
  const ledger = createLedger({ store, prices: config.prices, logger });
  const metrics = createServerMetrics();
  const built = createApp({
    store,
    ledger,
    config,
    logger,
    metrics,
    createMeter: createDefaultMeter,
    env,
    limits: options.limits,
    dashboardDir: options.dashboardDir,
  });

  const requestedHost = options.host ?? '127.0.0.1';
  const loopbackOnly = !built.keysConfigured && !LOOPBACK.test(requestedHost);
  const host = loopbackOnly ? '127.0.0.1' : requestedHost;
  const honoListener = getRequestListener(built.app.fetch);
  const { router, proxy } = built.gateway;
  // Gateway calls take the node:http fast path; everything else goes through Hono.
  const server: Server = createServer({ noDelay: true }, (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const route = router.match(req.method ?? 'GET', query === -1 ? url : url.slice(0, query));
    if (route !== undefined) proxy.handle(req, res, route);
    else void honoListener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Streams can be long; keep-alive sockets are reused by SDKs and gateways in front of us.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ url, store: store.kind, db: redactStoreUrl(db), keys: built.keysConfigured }, 'tokenledger serving');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000);
      grace.unref();
      await drained;
      clearTimeout(grace);
      await built.flushRecordings();
      try {
        await ledger.close();
      } catch (error) {
        logger.error('ledger flush failed at shutdown', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      await store.close();
      log.info({ url }, 'tokenledger stopped');
    })();
    return closing;
  };

  return { url, port, host, loopbackOnly, store, ledger, app: built, close };
}
