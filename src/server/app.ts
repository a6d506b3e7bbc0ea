/**
 * The Hono app: one sub-app per route group, one error handler, nothing else. Building it
 * opens nothing: the store and ledger come in through `deps` (server.ts opens them for
 * `tokenledger serve`).
 *
 * @module
 */
import { Hono } from 'hono';
import { createTrackingFetch, type TrackingFetch } from '../http/index.js';
import { DEFAULT_LIMITS, type ServerDeps, type ServerLimits } from './deps.js';
import { createErrorHandler } from './error-handler.js';
import type { GatewayKey, GatewayRuntime } from './gateway/forward.js';
import { parseModelRoutes } from './gateway/model-routes.js';
import { notFound } from './http-error.js';
import { createAnalyticsRoutes } from './routes/analytics.js';
import { createDashboardRoutes } from './routes/dashboard.js';
import { createAnthropicGatewayRoutes } from './routes/gateway-anthropic.js';
import { createGeminiGatewayRoutes } from './routes/gateway-gemini.js';
import { createOpenAIGatewayRoutes } from './routes/gateway-openai.js';
import { createHealthRoutes } from './routes/health.js';
import { createIngestRoutes } from './routes/ingest.js';
import { createMetricsRoutes } from './routes/metrics.js';
import { createOpenApiRoutes } from './routes/openapi.js';

export interface TokenledgerApp {
  app: Hono;
  /** The gateway's tracking fetch (its `flush()` waits for pending recordings). */
  tracking: TrackingFetch;
  limits: ServerLimits;
  /** True when any gateway, ingest or admin key is configured. */
  keysConfigured: boolean;
}

const defined = (values: (string | undefined)[]): string[] => values.filter((value): value is string => value !== undefined && value !== '');

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
      attribution: entry.agent === undefined && entry.run === undefined && entry.tags === undefined ? undefined : { agent: entry.agent, run: entry.run, tags: entry.tags },
    }));
  const modelRoutes = parseModelRoutes(server['modelRoutes']);

  const tracking = createTrackingFetch({
    recorder: {
      record: async (input) => {
        const event = await deps.ledger.record(input);
        deps.metrics.observeEvent(event);
        return event;
      },
    },
    createMeter: deps.createMeter,
    fetch: deps.upstreamFetch,
    onError: (error) => deps.logger.warn('gateway recording failed', { error: error instanceof Error ? error.message : String(error) }),
  });
  const runtime: GatewayRuntime = { tracking, metrics: deps.metrics, limits, gatewayKeys };

  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => {
    throw notFound(`no route ${c.req.method} ${c.req.path}; see /openapi.json`);
  });
  app.route('/healthz', createHealthRoutes(deps, Date.now()));
  app.route('/metrics', createMetricsRoutes(deps.metrics));
  app.route('/openapi.json', createOpenApiRoutes(limits));
  app.route('/analytics', createAnalyticsRoutes(deps, limits, adminKeys));
  app.route('/v1/usage', createIngestRoutes(deps, limits, ingestKeys));
  app.route('/v1', createOpenAIGatewayRoutes(runtime, deps.config, env, modelRoutes));
  app.route('/anthropic', createAnthropicGatewayRoutes(runtime, deps.config, env));
  app.route('/gemini', createGeminiGatewayRoutes(runtime, deps.config, env));
  app.route('/', createDashboardRoutes(deps.dashboardDir));

  return { app, tracking, limits, keysConfigured: adminKeys.length > 0 || ingestKeys.length > 0 || gatewayKeys.length > 0 };
}

/** The admin key may ingest too; when only an admin key is set, ingest needs it. */
function ingestKeysOf(adminKeys: string[], ingestKeys: string[]): string[] {
  return ingestKeys.length === 0 ? adminKeys : [...ingestKeys, ...adminKeys];
}
