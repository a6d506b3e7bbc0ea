/**
 * `startServer()`: what `tokenledger serve` runs. Opens the store (SQLite at
 * ./tokenledger.db unless told otherwise; PostgreSQL when several instances share one
 * ledger), builds the ledger and the app, listens, and shuts down gracefully: stop accepting,
 * let in-flight requests (streams included) finish within a grace period, write pending
 * recordings, flush the ledger, close the store.
 *
 * @module
 */
import { HOUR_MS } from '../units/index.js';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { pino, type Logger as PinoLogger } from 'pino';
import {
  type BudgetGuard,
  type BudgetGuardOptions,
  type BudgetRegistry,
  createBudgetGuard,
  openBudgetCounters,
  openBudgetRegistry,
} from '../budgets/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { createPricer } from '../pricing/index.js';
import { createDefaultMeter, createLedger, type Ledger } from '../http/index.js';
import { priceDataStatus, STALE_AFTER_DAYS } from '../pricing/index.js';
import { DEFAULT_DB, openStore, redactStoreUrl, type Store } from '../store/index.js';
import type { Logger } from '../types/index.js';
import { createApp, type TokenledgerApp } from './app.js';
import { DEFAULT_LIMITS, type ServerLimits } from './deps.js';
import { isLoopbackHost } from './binding.js';
import { resolveServerKeys } from './keys.js';
import { createBudgetAlertSink, createBudgetOvershootSink, createBudgetRefusalCounter } from './budget-signals.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { startOtelExport, type OtelExport } from './otel-export/index.js';
import { compileFallbacks } from './gateway/fallbacks.js';
import { selfUpstream } from './gateway/loop-guard.js';
import { resolveUpstream } from './gateway/upstreams.js';
import { ConfigError } from '../errors/index.js';
import { spoolOptionsFor } from './spool-location.js';
import { startPriceRefresh } from './price-refresh.js';
import { type RequestDeadline, watchRequestDeadline } from './request-deadline.js';

export interface StartServerOptions {
  /** Port; 0 picks a free one. Wins over `server.port` and `TOKENLEDGER_PORT`. @default 8787 */
  port?: number;
  /**
   * Interface to bind; wins over `server.host` and `TOKENLEDGER_HOST`. Forced to 127.0.0.1 when
   * no key is configured (unless `insecureOpen`). @default '127.0.0.1'
   */
  host?: string;
  /**
   * Beyond loopback, serve route groups that have no key configured (`--insecure-open`)
   * instead of refusing them; the log says so at start and every hour. @default false
   */
  insecureOpen?: boolean;
  /** Store URL; wins over the config's `store` and `TOKENLEDGER_DB`. @default 'sqlite:./tokenledger.db' */
  db?: string;
  /** Config file path; found in the working directory when absent. */
  configPath?: string;
  /** An already loaded config (tests); wins over `configPath`. */
  config?: Config;
  /** Environment for the config and upstream defaults. @default process.env */
  env?: Record<string, string | undefined>;
  /** Structured log destination. @default pino to stderr at `server.logLevel` (`TOKENLEDGER_LOG_LEVEL`), else `info` */
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
  /** Route groups served without a key beyond loopback (`insecureOpen`); empty otherwise. */
  openRoutes: string[];
  /** The host asked for (flag, config or environment), before loopback was forced. */
  requestedHost: string;
  /** Where the config came from and where each basic setting came from (never a secret). */
  settings: Pick<Config, 'source' | 'settingSources' | 'ignoredEnv'>;
  store: Store;
  ledger: Ledger;
  app: TokenledgerApp;
  /** Graceful shutdown; safe to call twice. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;

/** Our Logger interface over pino (context first, as pino takes it). */
export function pinoAdapter(log: PinoLogger): Logger {
  return {
    debug: (message, context) => log.debug(context ?? {}, message),
    info: (message, context) => log.info(context ?? {}, message),
    warn: (message, context) => log.warn(context ?? {}, message),
    error: (message, context) => log.error(context ?? {}, message),
  };
}

/** How often the log repeats that route groups are open (`insecureOpen`). */
const OPEN_REMINDER_MS = HOUR_MS;

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = options.env ?? process.env;
  const config = options.config ?? (await loadConfig({ path: options.configPath, env }));
  const log =
    options.logger ??
    pino(
      {
        level: config.server.logLevel ?? 'info',
        redact: { paths: ['*.authorization', '*.apiKey', '*.key'], censor: '[redacted]' },
      },
      pino.destination(2),
    );
  const logger = pinoAdapter(log);
  const insecureOpen = options.insecureOpen ?? false;
  const requestedHost = options.host ?? config.server.host ?? '127.0.0.1';
  // With no key at all, an open server beyond loopback is never what was meant, unless said.
  const loopbackOnly = !resolveServerKeys(config.server).any && !isLoopbackHost(requestedHost) && !insecureOpen;
  const host = loopbackOnly ? '127.0.0.1' : requestedHost;
  const requestedPort = options.port ?? config.server.port ?? DEFAULT_PORT;
  // A fallback chain that could not work is refused before anything is opened.
  compileFallbacks(config, env, resolveServerKeys(config.server).gateway);
  await refuseSelfUpstream(config, env, { host, port: requestedPort });
  const db = options.db ?? config.store ?? DEFAULT_DB;
  // SQLite runs in a worker thread: a write waiting for another process's lock (up to this long,
  // the events safe in the spool meanwhile) never stops the gateway, /healthz or /metrics.
  const busyTimeoutMs =
    options.limits?.sqliteBusyTimeoutMs ??
    config.server.limits.sqliteBusyTimeoutMs ??
    DEFAULT_LIMITS.sqliteBusyTimeoutMs;
  const serverMetrics = createServerMetrics({ maxLabelSets: config.server.metrics.maxLabelSets });
  const signals = {
    onAlert: createBudgetAlertSink({ logger, registry: serverMetrics.registry, env }),
    onRefusal: createBudgetRefusalCounter(serverMetrics.registry),
    onAboveHold: createBudgetOvershootSink(serverMetrics.registry),
  };
  // SQLite: the store's worker thread and the budget counters' start side by side (each start
  // costs a thread). PostgreSQL: one after the other, since both may create the schema.
  const sideBySide = !/^postgres(ql)?:/i.test(db.trim());
  const budgetsOpening = sideBySide ? openBudgets(config, db, logger, signals) : undefined;
  // Handled below, after the store's open; marked handled now so that a failure that comes first
  // (no SQLite binding) is not an unhandled rejection that kills the process unreported.
  budgetsOpening?.catch(() => undefined);
  let store: Store;
  try {
    store = await openStore(db, {
      logger: log,
      busyTimeoutMs,
      sqliteThread: 'worker',
      ...sqliteMaxPageCount(config, options.limits),
      ...postgresTimeouts(config, options.limits),
    });
  } catch (error) {
    await budgetsOpening?.then(
      ({ registry, guard }) => {
        registry.close();
        return guard.counters.close();
      },
      () => undefined,
    );
    throw error;
  }
  let opened: Awaited<ReturnType<typeof openBudgets>>;
  try {
    opened = await (budgetsOpening ?? openBudgets(config, db, logger, signals));
  } catch (error) {
    await store.close();
    throw error;
  }
  const { guard: budgets, registry: budgetRegistry } = opened;
  // Every event goes through the local spool first: a delivered call survives SIGKILL and store outages.
  const spool = spoolOptionsFor(db, config.server.spool);
  const ledger = createLedger({ store, prices: config.prices, logger, ...(spool === undefined ? {} : { spool }) });
  // Before the first call is priced: the ledger's price data, if any process installed some.
  const priceRefresh = await startPriceRefresh({
    store,
    config: config.priceRefresh,
    log,
    registry: serverMetrics.registry,
  });
  const otelExport = config.otel === undefined ? undefined : await startOtelExport(config.otel);
  // The origin only: a URL may carry credentials.
  if (config.otel !== undefined)
    log.info({ endpoint: new URL(config.otel.endpoint).origin }, 'exporting calls to OpenTelemetry');
  const metrics = otelExport === undefined ? serverMetrics : exportingMetrics(serverMetrics, otelExport);
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
    binding: { host, insecureOpen },
    budgets,
    budgetRegistry,
  });
  const { limits } = built;

  const honoListener = getRequestListener(built.app.fetch);
  const { router, proxy } = built.gateway;
  const bodyDeadline: RequestDeadline = { totalMs: limits.requestTimeoutMs };
  const uploadDeadline: RequestDeadline = { totalMs: limits.uploadTimeoutMs, idleMs: limits.uploadIdleTimeoutMs };
  // Gateway calls take the node:http fast path; everything else goes through Hono.
  const server: Server = createServer(
    {
      noDelay: true,
      // Receiving a request is bounded (headers here, the body by its kind in
      // request-deadline.ts); waiting for the upstream and quiet streams are not.
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: 0,
      connectionsCheckingInterval: checkingInterval(limits),
    },
    (req, res) => {
      const url = req.url ?? '/';
      const query = url.indexOf('?');
      const route = router.match(req.method ?? 'GET', query === -1 ? url : url.slice(0, query));
      watchRequestDeadline(req, res, route?.streamsBody === true ? uploadDeadline : bodyDeadline);
      if (route !== undefined) proxy.handle(req, res, route);
      else void honoListener(req, res);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Keep-alive sockets are reused by SDKs and by load balancers in front of us.
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info(
    { url, store: store.kind, db: redactStoreUrl(db), spool: spool?.path, keys: built.keysConfigured },
    'tokenledger serving',
  );
  const { openRoutes } = built;
  const remindOpen = (): void =>
    log.warn({ url, openRoutes }, `--insecure-open: ${openRoutes.join(', ')} served without a key beyond loopback`);
  let reminder: ReturnType<typeof setInterval> | undefined;
  if (openRoutes.length > 0) {
    remindOpen();
    reminder = setInterval(remindOpen, OPEN_REMINDER_MS);
    reminder.unref();
  }
  const prices = priceDataStatus();
  // Once, at start: the gauge tokenledger_price_data_age_days keeps saying it.
  if (prices.stale)
    log.warn(
      { source: prices.source, dataTime: prices.dataTime, ageDays: prices.ageDays },
      `price data is ${prices.ageDays} days old (stale after ${STALE_AFTER_DAYS}): costs may differ from current list prices`,
    );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(reminder);
      priceRefresh.close();
      built.health.close();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive socket goes idle once its last response ends; closing idle sockets only
      // once would leave those holding close() open until the grace period ends.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      sweep.unref();
      const grace = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000);
      grace.unref();
      await drained;
      clearInterval(sweep);
      clearTimeout(grace);
      await built.flushRecordings();
      try {
        await ledger.close();
      } catch (error) {
        logger.error('ledger flush failed at shutdown', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      budgetRegistry.close();
      await budgets.counters.close();
      await store.close();
      await otelExport?.shutdown();
      log.info({ url }, 'tokenledger stopped');
    })();
    return closing;
  };

  const settings = { source: config.source, settingSources: config.settingSources, ignoredEnv: config.ignoredEnv };
  return { url, port, host, requestedHost, loopbackOnly, openRoutes, settings, store, ledger, app: built, close };
}

/** Every recorded event (gateway, ingest, OTLP) is also exported, as it is counted. */
function exportingMetrics(metrics: ServerMetrics, otelExport: OtelExport): ServerMetrics {
  return {
    registry: metrics.registry,
    observeEvent(event) {
      metrics.observeEvent(event);
      otelExport.export(event);
    },
    observeEvents(events) {
      metrics.observeEvents(events);
      for (const event of events) otelExport.export(event);
    },
    observeOverhead: (route, ms) => metrics.observeOverhead(route, ms),
    observeOtlpSpans: (outcomes) => metrics.observeOtlpSpans(outcomes),
    labelSets: () => metrics.labelSets(),
  };
}

/** A ConfigError when an upstream the gateway may use resolves to this server's own address and port. */
async function refuseSelfUpstream(
  config: Config,
  env: Record<string, string | undefined>,
  own: { host: string; port: number },
): Promise<void> {
  // Port 0 is picked by the system: nothing configured can name it in advance.
  if (own.port === 0) return;
  const ids = new Set(['openai', 'anthropic', 'google', ...Object.keys(config.providers)]);
  for (const entry of config.server.upstreams) ids.add(entry.provider);
  for (const entry of config.server.fallbacks) for (const step of entry.chain) ids.add(step.provider);
  const upstreams = [...ids].flatMap((id) => resolveUpstream(id, 'openai', config, env) ?? []);
  const looping = await selfUpstream(upstreams, own);
  if (looping !== undefined)
    throw new ConfigError(
      `the upstream for ${looping.id} (${looping.baseURL}) is this server itself (${own.host}:${own.port}): every call would loop; point it at the provider (server.upstreams, providers.${looping.id}.baseURL or its *_BASE_URL variable)`,
      { field: 'server.upstreams' },
    );
}

/**
 * The budget guard over counters beside the ledger (or in Redis), always: budgets may come from
 * the config file or, at any time, from the admin API (stored beside the counters).
 */
async function openBudgets(
  config: Config,
  db: string,
  logger: Logger,
  signals: Pick<BudgetGuardOptions, 'onAlert' | 'onRefusal' | 'onAboveHold'>,
): Promise<{ guard: BudgetGuard; registry: BudgetRegistry }> {
  const counters = await openBudgetCounters({
    store: db,
    redis: config.redis,
    sqliteThread: 'worker',
    // Without budgets configured or stored, SQLite's counters thread waits for a first budget.
    workerNow: config.budgets.length > 0,
  });
  try {
    const registry = await openBudgetRegistry({ configBudgets: config.budgets, store: counters, logger });
    const pricer = createPricer({ overrides: config.prices });
    const guard = createBudgetGuard({ budgets: registry.specs, counters, pricer, logger, ...signals });
    return { guard, registry };
  } catch (error) {
    await counters.close();
    throw error;
  }
}

function sqliteMaxPageCount(
  config: Config,
  limits: Partial<ServerLimits> | undefined,
): { sqliteMaxPageCount?: number } {
  const pages = limits?.sqliteMaxPageCount ?? config.server.limits.sqliteMaxPageCount;
  return pages === undefined ? {} : { sqliteMaxPageCount: pages };
}

/** The PostgreSQL pool's timeouts: options, then `server.limits`, then the defaults (a statement timeout raised alone raises the client's too). */
function postgresTimeouts(config: Config, limits: Partial<ServerLimits> | undefined) {
  const pick = <K extends keyof ServerLimits>(key: K): ServerLimits[K] | undefined =>
    limits?.[key] ?? (config.server.limits as Partial<ServerLimits>)[key];
  const statementTimeoutMs = pick('postgresStatementTimeoutMs') ?? DEFAULT_LIMITS.postgresStatementTimeoutMs;
  return {
    connectTimeoutMs: pick('postgresConnectTimeoutMs') ?? DEFAULT_LIMITS.postgresConnectTimeoutMs,
    statementTimeoutMs,
    idleInTransactionTimeoutMs:
      pick('postgresIdleInTransactionTimeoutMs') ?? DEFAULT_LIMITS.postgresIdleInTransactionTimeoutMs,
    queryTimeoutMs: pick('postgresQueryTimeoutMs') ?? statementTimeoutMs + 5_000,
  };
}

/** Node checks the headers timer on an interval (30 s by default); a timeout fires up to that late. */
function checkingInterval(limits: ServerLimits): number {
  return Math.max(50, Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}
