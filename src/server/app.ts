/**
 * The Hono app: one sub-app per route group, one error handler, nothing else. Building it
 * opens nothing: the store and ledger come in through `deps` (server.ts opens them for
 * `tokenledger serve`).
 *
 * @module
 */
import { Hono } from 'hono';
import { createExchangeTracker, type ExchangeTracker } from '../http/index.js';
import { createBatchingRecorder, type BatchingRecorder } from './batching-recorder.js';
import { DEFAULT_LIMITS, type ServerDeps, type ServerLimits } from './deps.js';
import { createErrorHandler } from './error-handler.js';
import { parseModelRoutes } from './gateway/model-routes.js';
import { createGatewayProxy, type GatewayProxy } from './gateway/proxy.js';
import { parseGatewayRetry } from './gateway/retry-config.js';
import { createGatewayRouter, type GatewayRouter } from './gateway/routes.js';
import type { GatewayKey, GatewayRuntime } from './gateway/types.js';
import { notFound } from './http-error.js';
import { createAnalyticsRoutes } from './routes/analytics.js';
import { createDashboardRoutes } from './routes/dashboard.js';
import { createHealthRoutes } from './routes/health.js';
import { createIngestRoutes } from './routes/ingest.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createOpenApiRoutes } from './routes/openapi.js';

export interface TokenledgerApp {
  /** Analytics, ingest, operations and dashboard routes (Request/Response; `app.request()` in tests). */
  app: Hono;
  /**
   * The metering gateway on plain node:http, the hot path: `router.match(method, path)` says
   * whether a request is a gateway call, `proxy.handle(req, res, route)` serves it.
   */
  gateway: { router: GatewayRouter; proxy: GatewayProxy };
  /** The gateway's exchange tracker (its `flush()` waits for pending recordings). */
  tracker: ExchangeTracker;
  /** The gateway's batching recorder (`flush()` writes the pending batch now). */
  recorder: BatchingRecorder;
  /** Writes every gateway recording started so far (tests, shutdown). */
  flushRecordings(): Promise<void>;
  limits: ServerLimits;
  /** True when any gateway, ingest or admin key is configured. */
  keysConfigured: boolean;
}

const defined = (values: (string | undefined)[]): string[] =>
  values.filter((value): value is string => value !== undefined && value !== '');

export function createApp(deps: ServerDeps): TokenledgerApp {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const env = deps.env ?? process.env;
  const server = deps.config.server;
  const adminKeys = defined([server.adminKey?.value]);
  const ingestKeys = ingestKeysOf(adminKeys, defined([server.ingestKey?.value]));
  const gatewayKeys: GatewayKey[] = server.gatewayKeys
    .filter((entry) => entry.key.value !== undefined && entry.key.value !== '')
    .map((entry) => ({
      key: entry.key.value as string,
      provider: entry.provider,
      upstreamKey: entry.upstreamKey?.value,
      attribution:
        entry.agent === undefined && entry.run === undefined && entry.tags === undefined
          ? undefined
          : { agent: entry.agent, run: entry.run, tags: entry.tags },
    }));
  const modelRoutes = parseModelRoutes(server['modelRoutes']);

  const recorder = createBatchingRecorder({
    ledger: deps.ledger,
    onEvent: (event) => deps.metrics.observeEvent(event),
  });
  // The same recording path as the tracking fetch: one exchange per call, metered, recorded.
  const tracker = createExchangeTracker({
    recorder,
    createMeter: deps.createMeter,
    onError: (error) =>
      deps.logger.warn('gateway recording failed', { error: error instanceof Error ? error.message : String(error) }),
  });
  const keysConfigured = adminKeys.length > 0 || ingestKeys.length > 0 || gatewayKeys.length > 0;
  const runtime: GatewayRuntime = {
    tracker,
    metrics: deps.metrics,
    limits,
    gatewayKeys,
    retry: parseGatewayRetry(server['retry']),
    lendUpstreamKey: !keysConfigured,
  };
  const router = createGatewayRouter(deps.config, env, modelRoutes);
  const proxy = createGatewayProxy(runtime, deps.logger);

  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => {
    throw notFound(`no route ${c.req.method} ${c.req.path}; see /openapi.json`);
  });
  app.route('/healthz', createHealthRoutes(deps, Date.now()));
  app.route('/metrics', createMetricsRoutes(deps.metrics));
  app.route('/openapi.json', createOpenApiRoutes(limits));
  // Some key configured means the server may listen beyond loopback: then a route whose own
  // key is missing is locked rather than open.
  app.route('/analytics', createAnalyticsRoutes(deps, limits, adminKeys, keysConfigured));
  app.route('/v1/usage', createIngestRoutes(deps, limits, ingestKeys, keysConfigured));
  app.route('/', createDashboardRoutes(deps.dashboardDir));

  const flushRecordings = async (): Promise<void> => {
    await Promise.all([tracker.flush(), recorder.flush()]);
  };
  return { app, gateway: { router, proxy }, tracker, recorder, flushRecordings, limits, keysConfigured };
}

/** The admin key may ingest too; when only an admin key is set, ingest needs it. */
function ingestKeysOf(adminKeys: string[], ingestKeys: string[]): string[] {
  return ingestKeys.length === 0 ? adminKeys : [...ingestKeys, ...adminKeys];
}
