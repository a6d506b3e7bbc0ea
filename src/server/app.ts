/**
 * The Hono app: one sub-app per route group, one error handler, nothing else. Building it
 * opens nothing: the store and ledger come in through `deps` (server.ts opens them for
 * `tokenledger serve`).
 *
 * @module
 */
import { Hono } from 'hono';
import { createExchangeTracker, createRefusalNotice, type ExchangeTracker } from '../http/index.js';
import { createEventIds } from '../ledger/index.js';
import { createBatchingRecorder, type BatchingRecorder } from './batching-recorder.js';
import { DEFAULT_LIMITS, type ServerDeps, type ServerLimits } from './deps.js';
import { createErrorHandler } from './error-handler.js';
import { createHealthState, type HealthState } from './health-state.js';
import { isExposed, LOOPBACK_BINDING } from './binding.js';
import { compileFallbacks } from './gateway/fallbacks.js';
import { newHopId } from './gateway/loop-guard.js';
import { createGatewayProxy, type GatewayProxy } from './gateway/proxy.js';
import { gatewayRetryFrom } from './gateway/retry-config.js';
import { createGatewayRouter, type GatewayRouter } from './gateway/routes.js';
import type { GatewayRuntime } from './gateway/types.js';
import { resolveServerKeys, type ServerKeys } from './keys.js';
import { notFound } from './http-error.js';
import type { RequireKeyOptions } from './middleware/auth.js';
import { type BrowserGuardOptions, browserGuard } from './middleware/browser-guard.js';
import { createAnalyticsRoutes } from './routes/analytics.js';
import { createBudgetRoutes } from './routes/budgets.js';
import { createDashboardRoutes } from './routes/dashboard.js';
import { createDeadLetterRoutes } from './routes/dead-letters.js';
import { createHealthRoutes } from './routes/health.js';
import { createIngestRoutes } from './routes/ingest.js';
import { createOtlpTraceRoutes } from './routes/otlp-traces.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createOpenApiRoutes } from './routes/openapi.js';
import { registerDeadLetterMetrics, watchDeadLetters } from './dead-letter-watch.js';
import { watchSpool } from './spool-health.js';
import { registerSpoolMetrics } from './spool-metrics.js';

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
  /** True when any gateway, ingest, read or admin key is configured. */
  keysConfigured: boolean;
  /** The resolved keys by role (never log them). */
  keys: ServerKeys;
  /** Route groups served without a key although the server is reachable from elsewhere (`--insecure-open`). */
  openRoutes: string[];
  /** Server-wide degraded conditions, read by `/healthz`; parts that can refuse or lose data raise theirs here. */
  health: HealthState;
}

export function createApp(deps: ServerDeps): TokenledgerApp {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...deps.config.server.limits, ...deps.limits };
  const env = deps.env ?? process.env;
  const keys = resolveServerKeys(deps.config.server);
  const binding = deps.binding ?? LOOPBACK_BINDING;
  const exposed = isExposed(binding);
  // A route group without its own key is open on a loopback server with no keys at all;
  // once any key is configured, or the server is reachable from elsewhere, it is locked
  // rather than open, unless the operator chose --insecure-open.
  const lockedWithout = (roleKeys: readonly unknown[]): boolean =>
    roleKeys.length === 0 && !binding.insecureOpen && (keys.any || exposed);

  registerSpoolMetrics(deps.metrics.registry, () => deps.ledger.stats());
  registerDeadLetterMetrics(deps.metrics.registry, () => deps.ledger.stats());
  const recorder = createBatchingRecorder({
    ledger: deps.ledger,
    onEvents: (events) => deps.metrics.observeEvents(events),
  });
  // The same recording path as the tracking fetch: one exchange per call, metered, recorded.
  const tracker = createExchangeTracker({
    recorder,
    createMeter: deps.createMeter,
    onError: (error) =>
      deps.logger.warn('gateway recording failed', { error: error instanceof Error ? error.message : String(error) }),
  });
  const browser: BrowserGuardOptions = {
    // Keys protect a server from rebinding pages (they cannot hold a key); without keys, the Host decides.
    checkHost: !keys.any || deps.config.server.allowedHosts.length > 0,
    boundHost: binding.host,
    allowedHosts: deps.config.server.allowedHosts,
  };
  const runtime: GatewayRuntime = {
    tracker,
    browser,
    metrics: deps.metrics,
    limits,
    gatewayKeys: keys.gateway,
    // On loopback, a client may bring its own provider key without a gateway key.
    locked: keys.gateway.length === 0 && exposed && !binding.insecureOpen,
    retry: gatewayRetryFrom(deps.config.server.retry),
    fallbacks: compileFallbacks(deps.config, env, keys.gateway),
    streamUsage: deps.config.server.streamUsage,
    noteRefusal: createRefusalNotice(deps.logger),
    lendUpstreamKey: !keys.any && !exposed,
    hopId: newHopId(),
    newEventId: createEventIds(),
    priceOf: (input) => {
      // Priced once: the event the recorder built from this input, when it has it.
      const event = recorder.built?.(input);
      if (event !== undefined) return event.cost;
      try {
        // What the recorder stores: the input cut to the ledger's limits (batching-recorder.ts).
        return deps.ledger.preview(input, { fit: true }).cost;
      } catch {
        return null;
      }
    },
    ...(deps.budgets === undefined ? {} : { budgets: deps.budgets }),
  };
  const health = createHealthState({ logger: deps.logger });
  watchLimits(health, deps, runtime.locked);
  watchSpool(health, deps.ledger);
  watchDeadLetters(health, () => deps.ledger.stats());
  const router = createGatewayRouter(deps.config, env, deps.config.server.modelRoutes);
  const proxy = createGatewayProxy(runtime, deps.logger);

  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.use('*', browserGuard(browser));
  app.notFound((c) => {
    throw notFound(`no route ${c.req.method} ${c.req.path}; see /openapi.json`);
  });
  app.route('/healthz', createHealthRoutes(deps, health, Date.now()));
  app.route(
    '/metrics',
    createMetricsRoutes(deps.metrics, access(keys.read, 'read or admin', 'server.readKey or server.adminKey')),
  );
  app.route('/openapi.json', createOpenApiRoutes(limits));
  app.route(
    '/analytics',
    createAnalyticsRoutes(deps, limits, {
      read: access(keys.read, 'read or admin', 'server.readKey or server.adminKey'),
      reset: { ...access(keys.admin, 'admin', 'server.adminKey'), weakerKeys: keys.read },
    }),
  );
  app.route(
    '/v1/usage',
    createIngestRoutes(deps, limits, access(keys.ingest, 'ingest', 'server.ingestKey or server.adminKey')),
  );
  app.route(
    '/v1/dead-letters',
    createDeadLetterRoutes(deps, access(keys.read, 'read or admin', 'server.readKey or server.adminKey')),
  );
  app.route(
    '/v1/traces',
    createOtlpTraceRoutes(deps, {
      limits,
      access: access(keys.ingest, 'ingest', 'server.ingestKey or server.adminKey'),
      onEvents: (events) => deps.metrics.observeEvents(events),
      onSpans: (outcomes) => deps.metrics.observeOtlpSpans(outcomes),
      // Spooled, a gateway call's event is on disk before its last byte goes out, so a span that
      // ended was recorded: only recordings in the batch's traces need to reach the store first.
      flushGateway: (traceIds) => recorder.flushTraces?.(traceIds) ?? flushRecordings(),
    }),
  );
  if (deps.budgets !== undefined && deps.budgetRegistry !== undefined)
    app.route(
      '/v1/budgets',
      createBudgetRoutes({
        registry: deps.budgetRegistry,
        counters: deps.budgets.counters,
        read: access(keys.read, 'read or admin', 'server.readKey or server.adminKey'),
        admin: access(keys.admin, 'admin', 'server.adminKey'),
        adminIds: keys.adminIds,
      }),
    );
  app.route('/', createDashboardRoutes(deps.dashboardDir));

  const flushRecordings = async (): Promise<void> => {
    await Promise.all([tracker.flush(), recorder.flush()]);
  };
  return {
    app,
    gateway: { router, proxy },
    tracker,
    recorder,
    flushRecordings,
    limits,
    keysConfigured: keys.any,
    keys,
    openRoutes: exposed && binding.insecureOpen ? openRoutesOf(keys) : [],
    health,
  };

  function access(roleKeys: string[], role: string, configField: string): RequireKeyOptions {
    return { keys: roleKeys, role, locked: lockedWithout(roleKeys), configField };
  }
}

/** The limit and refusal states the server itself can be in. */
function watchLimits(health: HealthState, deps: ServerDeps, gatewayLocked: boolean): void {
  if (gatewayLocked)
    health.set(
      'gateway_locked',
      'the gateway refuses every call: it listens beyond loopback and no gateway key is configured (set server.gatewayKeys, or serve with --insecure-open)',
    );
  health.watch('metrics_label_sets', () => {
    const { max, overflowed } = deps.metrics.labelSets();
    return overflowed === 0
      ? undefined
      : `/metrics: ${overflowed} events past the first ${max} provider/model/agent sets are counted under "other" (raise server.metrics.maxLabelSets)`;
  });
}

function openRoutesOf(keys: ServerKeys): string[] {
  const groups: [string, readonly unknown[]][] = [
    ['gateway', keys.gateway],
    ['ingest', keys.ingest],
    ['analytics and /metrics', keys.read],
    ['reset and the budget admin API', keys.admin],
  ];
  return groups.filter(([, roleKeys]) => roleKeys.length === 0).map(([name]) => name);
}
