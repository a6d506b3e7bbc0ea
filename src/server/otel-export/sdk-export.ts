/**
 * tokenledger's own figures to an OpenTelemetry collector, with the official OTel JS SDK: one
 * CLIENT span per recorded call (event-telemetry.ts) through `@opentelemetry/exporter-trace-otlp-proto`,
 * and the GenAI client metrics plus a cost counter through `@opentelemetry/exporter-metrics-otlp-proto`:
 *
 * - `gen_ai.client.token.usage` (histogram, `{token}`, by `gen_ai.token.type` input / output),
 * - `gen_ai.client.operation.duration` (histogram, seconds),
 * - `tokenledger.client.cost` (counter, USD, priced calls only).
 *
 * This module is loaded only when `otel` is configured (otel-export/index.ts imports it on
 * demand): the SDK is not part of a server's start-up otherwise. Its providers are private,
 * never registered globally, so an app that embeds the server keeps its own OTel setup.
 *
 * @module
 */
import { context, type Context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { OtelExportConfig } from '../../config/index.js';
import type { UsageEvent } from '../../types/index.js';
import { callAttributes, eventSpan } from './event-telemetry.js';
import type { OtelExport } from './otel-export.js';

const SCOPE = 'tokenledger';
/** gen-ai-metrics.md's advised boundaries. */
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export function createSdkExport(config: OtelExportConfig): OtelExport {
  const resource = resourceFromAttributes({ 'service.name': 'tokenledger' });
  const spans = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${config.endpoint}/v1/traces`, headers: config.headers }),
      }),
    ],
  });
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${config.endpoint}/v1/metrics`, headers: config.headers }),
    exportIntervalMillis: config.metricIntervalMs,
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  const tracer = spans.getTracer(SCOPE);
  const meter = meters.getMeter(SCOPE);
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    description: 'Tokens used by a model call, by gen_ai.token.type (input includes cache, output reasoning).',
    unit: '{token}',
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    description: 'Duration of a model call.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const cost = meter.createCounter('tokenledger.client.cost', {
    description: 'Cost of priced model calls, as tokenledger prices them.',
    unit: 'USD',
  });

  function parentContext(event: UsageEvent): Context {
    if (event.trace === undefined) return context.active();
    return trace.setSpanContext(context.active(), {
      traceId: event.trace.traceId,
      spanId: event.trace.spanId,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  }

  return {
    export(event) {
      const described = eventSpan(event);
      const span = tracer.startSpan(
        described.name,
        { kind: SpanKind.CLIENT, startTime: described.startMs, attributes: described.attributes },
        parentContext(event),
      );
      if (described.error !== undefined)
        span.setStatus({ code: SpanStatusCode.ERROR, message: described.error.message });
      span.end(described.endMs);

      const attributes = callAttributes(event);
      if (event.usage.inputTokens !== undefined)
        tokens.record(event.usage.inputTokens, { ...attributes, 'gen_ai.token.type': 'input' });
      if (event.usage.outputTokens !== undefined)
        tokens.record(event.usage.outputTokens, { ...attributes, 'gen_ai.token.type': 'output' });
      if (event.durationMs !== undefined) duration.record(event.durationMs / 1000, attributes);
      if (event.cost !== null) cost.add(event.cost.total, attributes);
    },
    async flush() {
      await Promise.all([spans.forceFlush(), meters.forceFlush()]);
    },
    async shutdown() {
      await Promise.allSettled([spans.shutdown(), meters.shutdown()]);
    },
  };
}
