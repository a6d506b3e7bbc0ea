/**
 * Shapes shared by the gateway's route table and its proxy.
 *
 * @module
 */
import type { BudgetGuard } from '../../budgets/index.js';
import type { RetryOptions } from '../../client/index.js';
import type { ExchangeTracker, StreamUsageMode } from '../../http/index.js';
import type { Attribution, Cost, RecordInput } from '../../types/index.js';
import type { ServerLimits } from '../deps.js';
import type { BrowserGuardOptions } from '../middleware/browser-guard.js';
import type { ServerMetrics } from '../metrics.js';
import type { Upstream } from './upstreams.js';

/** A configured gateway key, resolved. */
export interface GatewayKey {
  key: string;
  /** The key's variable name (`env:CI_KEY` is `CI_KEY`), safe to show: budgets scope by it. */
  name: string;
  /** The providers this key may reach; the first is its default on the OpenAI routes. */
  providers: readonly string[];
  /** Upstream key used instead of the server's key for its (single) provider. */
  upstreamKey: string | undefined;
  attribution: Attribution | undefined;
}

/** Opt-in upstream retries (`server.retry` in the config). */
export interface GatewayRetry {
  /** Route labels retried (`openai.chat`, `anthropic.messages`, `gemini.generateContent`...), or every route. */
  routes: ReadonlySet<string> | '*';
  options: RetryOptions;
}

export interface GatewayRuntime {
  tracker: ExchangeTracker;
  /** Cross-site and Host checks, the same as on the Hono routes. */
  browser: BrowserGuardOptions;
  /** Whether plain chat streams are asked for their usage (`server.streamUsage`). */
  streamUsage: StreamUsageMode;
  /** Says once per provider and route that the option was refused. */
  noteRefusal(provider: string, route: string): void;
  /** Absent: upstream errors reach the client unchanged, retries are the client's choice. */
  retry?: GatewayRetry;
  metrics: ServerMetrics;
  limits: ServerLimits;
  gatewayKeys: readonly GatewayKey[];
  /**
   * With no gateway key configured: refuse every call (the server listens beyond loopback and
   * was not started with `--insecure-open`) rather than forward it.
   */
  locked: boolean;
  /**
   * Whether a client that sent no provider key may use the server's own upstream key. Only on
   * a loopback server with no key configured at all; otherwise that key would be anyone's.
   */
  lendUpstreamKey: boolean;
  /** This process's id in `x-tokenledger-via` (loop-guard.ts). */
  hopId: string;
  /** Names a call's event before it is recorded (`x-tokenledger-event-id`). */
  newEventId: () => string;
  /** The cost the ledger will store for a recorded call (`x-tokenledger-cost-usd`); null: no price. */
  priceOf: (input: RecordInput) => Cost | null;
  /** `server.fallbacks`, checked at start (fallbacks.ts). */
  fallbacks: FallbackTable;
  /** Budgets enforced before each call goes upstream; absent when none are configured. */
  budgets?: BudgetGuard;
}

/** What the route decided once the body and key are known. */
export interface GatewayTarget {
  upstream: Upstream;
  /** Appended to the upstream base URL, query string included. */
  pathAndQuery: string;
  /** The model requested (body `model`, or Gemini's path). */
  model: string | undefined;
  /** Said on the call's event (a pass-through call that names no model). */
  warning?: string;
  /**
   * A batch's results are read as they pass and each item recorded (batch-results.ts): `GET
   * /v1/files/{id}/content` (OpenAI, the file id) or `GET
   * /anthropic/v1/messages/batches/{id}/results` (Anthropic, the batch id).
   */
  batchResults?: { id: string; format: BatchResultsFormat };
  /**
   * An Anthropic batch (or list of them) whose `results_url` names the upstream: pointed at
   * this gateway instead, so that the SDK's `batches.results()` comes through here (results-url.ts).
   */
  resultsUrl?: boolean;
}

/** Whose JSONL a batch's results are: OpenAI's output file lines or Anthropic's result lines. */
export type BatchResultsFormat = 'openai' | 'anthropic';

export interface TargetInput {
  body: Buffer;
  key: GatewayKey | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  url: URL;
}

/** A matched gateway route. */
export interface GatewayRoute {
  /** Metrics label, e.g. `openai.chat`. */
  label: string;
  target(input: TargetInput): GatewayTarget;
  /**
   * The body is streamed through as it arrives, within `maxGatewayUploadBytes`, not read first
   * (file uploads, streamed-body.ts); `target` then sees an empty body.
   */
  streamsBody?: boolean;
}

/** A model on an upstream, as one attempt of a call sends it. */
export interface FallbackStep {
  upstream: Upstream;
  model: string;
}

export interface FallbackTable {
  /**
   * The steps to try after a failed first attempt, in order, for a call on `route` by `key` to
   * `model` on `provider`; `undefined` when no chain covers the call.
   */
  after(
    route: string,
    key: GatewayKey | undefined,
    provider: string,
    model: string | undefined,
  ): readonly FallbackStep[] | undefined;
  /** Every provider a chain may send to (the start-up loop check covers them). */
  providers: readonly string[];
}
