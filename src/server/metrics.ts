/**
 * Prometheus metrics (prom-client), one registry per app so several apps (tests, embedders)
 * never collide. Every recorded event (gateway and ingest) feeds tokens, cost, calls, errors
 * and latency by provider/model/agent; the gateway adds its own overhead histogram.
 *
 * Label values come from clients (an agent name per user, a made-up model), so the series are
 * bounded: the first `maxLabelSets` distinct provider/model/agent sets get their own series and
 * keep them for the life of the process; later ones are counted together under `other` (and
 * in `tokenledger_metrics_label_sets_overflow_total`). Nothing is evicted, so no counter ever
 * goes backwards, and a scrape stays the same size however many names clients invent.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { priceDataStatus } from '../pricing/index.js';
import type { UsageEvent } from '../types/index.js';

export interface ServerMetrics {
  readonly registry: Registry;
  /** Provider/model/agent sets with their own series, the most allowed, and events counted under `other`. */
  labelSets(): { admitted: number; max: number; overflowed: number };
  /** Counts one stored event. */
  observeEvent(event: UsageEvent): void;
  /** Counts stored events: what observeEvent on each does, summed per series first (a batch). */
  observeEvents(events: readonly UsageEvent[]): void;
  /** Time the gateway itself added to one request, in ms. */
  observeOverhead(route: string, ms: number): void;
  /** What became of the spans of one OTLP export request. */
  observeOtlpSpans(outcomes: OtlpSpanOutcomes): void;
}

/** The spans of one OTLP request by outcome. */
export interface OtlpSpanOutcomes {
  /** Model calls recorded as events (a retried span counts again: the store ignores its id). */
  recorded: number;
  /** Model calls the gateway had metered already, linked to its event and not counted again. */
  linked: number;
  /** Spans that are not model calls (agent, tool, HTTP spans...) or that tokenledger exported. */
  skipped: number;
  /** Model-call spans that could not be events (partialSuccess.rejectedSpans). */
  rejected: number;
}

export interface ServerMetricsOptions {
  /** Collect Node's process metrics too. @default true */
  defaultMetrics?: boolean;
  /** Distinct provider/model/agent label sets with their own series (`server.metrics.maxLabelSets`). @default 500 */
  maxLabelSets?: number;
}

export const DEFAULT_MAX_LABEL_SETS = 500;
/** Error types come from clients too (ingest); a few dozen cover every class the server names. */
const MAX_ERROR_TYPES = 64;
export const OTHER = 'other';

type LabelSet = { provider: string; model: string; agent: string };
const LABELS = ['provider', 'model', 'agent'] as const;
const OTHER_SET: LabelSet = { provider: OTHER, model: OTHER, agent: OTHER };
const OTHER_KEY = JSON.stringify([OTHER, OTHER, OTHER]);
/** Seconds; LLM calls run from tens of ms to minutes. */
const CALL_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];

/** First come, first served: the first `max` distinct keys are admitted for good, later ones are not. */
function admission(max: number): { admit(key: string): boolean; readonly size: number } {
  const admitted = new Set<string>();
  return {
    admit(key) {
      if (admitted.has(key)) return true;
      if (admitted.size >= max) return false;
      admitted.add(key);
      return true;
    },
    get size() {
      return admitted.size;
    },
  };
}

export function createServerMetrics(options: ServerMetricsOptions = {}): ServerMetrics {
  const registry = new Registry();
  const maxLabelSets = options.maxLabelSets ?? DEFAULT_MAX_LABEL_SETS;
  const labelSets = admission(maxLabelSets);
  const errorTypes = admission(MAX_ERROR_TYPES);
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tokenledger_process_' });
  const tokens = new Counter({
    name: 'tokenledger_tokens_total',
    help: 'Tokens by kind (input includes cache; output includes reasoning).',
    labelNames: [...LABELS, 'kind'],
    registers: [registry],
  });
  const cost = new Counter({
    name: 'tokenledger_cost_usd_total',
    help: 'Cost of priced calls, USD.',
    labelNames: LABELS,
    registers: [registry],
  });
  const calls = new Counter({
    name: 'tokenledger_calls_total',
    help: 'Recorded calls by status.',
    labelNames: [...LABELS, 'status'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tokenledger_errors_total',
    help: 'Failed calls by error type.',
    labelNames: [...LABELS, 'type'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'tokenledger_call_duration_seconds',
    help: 'Call duration.',
    labelNames: LABELS,
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const ttft = new Histogram({
    name: 'tokenledger_time_to_first_token_seconds',
    help: 'Streams: time to first token.',
    labelNames: LABELS,
    buckets: CALL_BUCKETS,
    registers: [registry],
  });
  const overflow = new Counter({
    name: 'tokenledger_metrics_label_sets_overflow_total',
    help: `Events counted under provider/model/agent "other": past server.metrics.maxLabelSets (${maxLabelSets}) distinct sets.`,
    registers: [registry],
  });
  const overhead = new Histogram({
    name: 'tokenledger_gateway_overhead_seconds',
    help: 'Time the gateway added to a request (before and after the upstream).',
    labelNames: ['route'],
    buckets: OVERHEAD_BUCKETS,
    registers: [registry],
  });

  // Read at each scrape: the data ages while the server runs.
  new Gauge({
    name: 'tokenledger_price_data_age_days',
    help: 'Age of the price data in days, by source; above 30 it is stale (tokenledger prices status).',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      const status = priceDataStatus();
      this.reset();
      this.set({ source: status.source }, status.ageDays);
    },
  });
  const otlpSpans = new Counter({
    name: 'tokenledger_otlp_spans_total',
    help: 'Spans received on /v1/traces by outcome (recorded, linked to a gateway event, skipped, rejected).',
    labelNames: ['outcome'],
    registers: [registry],
  });

  let overflowed = 0;
  const labelsOf = (event: UsageEvent): { labels: LabelSet; key: string } => {
    const labels = { provider: event.provider, model: event.model, agent: event.agent ?? '' };
    const key = JSON.stringify([labels.provider, labels.model, labels.agent]);
    if (labelSets.admit(key)) return { labels, key };
    overflowed += 1;
    overflow.inc();
    return { labels: OTHER_SET, key: OTHER_KEY };
  };

  const observeEvents = (events: readonly UsageEvent[]): void => {
    const sums = new SeriesSums();
    for (const event of events) {
      const { labels, key } = labelsOf(event);
      sums.add(calls, `${key}${event.status}`, () => ({ ...labels, status: event.status }), 1);
      if (event.status === 'error') {
        const known = event.error?.type ?? 'unknown';
        const type = errorTypes.admit(known) ? known : OTHER;
        sums.add(errors, `${key}${JSON.stringify(type)}`, () => ({ ...labels, type }), 1);
      }
      const usage = event.usage;
      const kinds: [string, number | undefined][] = [
        ['input', usage.inputTokens],
        ['output', usage.outputTokens],
        ['cache_read', usage.cacheReadTokens],
        ['cache_write', usage.cacheWriteTokens],
        ['reasoning', usage.reasoningTokens],
      ];
      for (const [kind, count] of kinds)
        if (count !== undefined && count > 0) sums.add(tokens, `${key}${kind}`, () => ({ ...labels, kind }), count);
      if (event.cost !== null && event.cost.total > 0) sums.add(cost, key, () => labels, event.cost.total);
      if (event.durationMs !== undefined) duration.observe(labels, event.durationMs / 1000);
      if (event.timeToFirstTokenMs !== undefined) ttft.observe(labels, event.timeToFirstTokenMs / 1000);
    }
    sums.apply();
  };

  return {
    registry,
    observeOtlpSpans(outcomes) {
      for (const [outcome, count] of Object.entries(outcomes)) if (count > 0) otlpSpans.inc({ outcome }, count);
    },
    labelSets: () => ({ admitted: labelSets.size, max: maxLabelSets, overflowed }),
    observeEvent: (event) => observeEvents([event]),
    observeEvents,
    observeOverhead(route, ms) {
      overhead.observe({ route }, ms / 1000);
    },
  };
}

/**
 * A batch's counter increments per series, each added once: prom-client hashes and checks the
 * labels on every `inc`, and an event makes up to seven (a 1,000-span OTLP batch: ~5 ms of
 * the request). Counts are integers, so their sums are exact; a cost series gets the batch's
 * costs summed in event order, then added.
 */
class SeriesSums {
  readonly #pending = new Map<Counter, Map<string, { labels: Record<string, string>; value: number }>>();

  add(counter: Counter, key: string, labels: () => Record<string, string>, value: number): void {
    let series = this.#pending.get(counter);
    if (series === undefined) {
      series = new Map();
      this.#pending.set(counter, series);
    }
    const entry = series.get(key);
    if (entry === undefined) series.set(key, { labels: labels(), value });
    else entry.value += value;
  }

  apply(): void {
    for (const [counter, series] of this.#pending)
      for (const { labels, value } of series.values()) counter.inc(labels, value);
  }
}
