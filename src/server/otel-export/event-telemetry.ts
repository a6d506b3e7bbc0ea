/**
 * One ledger event as OpenTelemetry describes a model call (semantic-conventions gen-ai-spans.md
 * and gen-ai-metrics.md): the CLIENT span's name, times and attributes, and the attributes of
 * its metric points. Pure: the SDK side (sdk-export.ts) only hands these to the SDK.
 *
 * - The span is marked as tokenledger's own (`tokenledger.event.id`), so that a collector that
 *   forwards it back to `/v1/traces` adds nothing (usage/otel/model-call.ts skips it).
 * - Usage follows GenAI's inclusive convention, which is ours: input includes cache reads and
 *   writes, output includes reasoning; an unknown count is left out, never written as 0.
 * - The cost is ours (`tokenledger.cost.usd` and its parts); the provider's own figure, when it
 *   reported one, is `tokenledger.provider_cost.usd`.
 * - A call that carried a trace context (a gateway request's `traceparent`, a received span) is
 *   exported under it, so the span joins the app's own trace.
 *
 * @module
 */
import type { UsageEvent } from '../../types/index.js';
import { EXPORTED_EVENT_ATTRIBUTE } from '../../usage/index.js';

export type TelemetryValue = string | number | boolean;
export type TelemetryAttributes = Record<string, TelemetryValue>;

export interface EventSpan {
  name: string;
  startMs: number;
  endMs: number;
  attributes: TelemetryAttributes;
  /** The trace and parent span to export under, when the call carried one. */
  parent: { traceId: string; spanId: string } | undefined;
  error: { type: string; message: string } | undefined;
}

/** GenAI operation of every event: the ledger does not keep which API a call used. */
const OPERATION = 'chat';

/** Attributes shared by the span and the metric points (low cardinality: no ids). */
export function callAttributes(event: UsageEvent): TelemetryAttributes {
  const attributes: TelemetryAttributes = {
    'gen_ai.operation.name': OPERATION,
    'gen_ai.provider.name': event.provider,
    'gen_ai.request.model': event.requestedModel ?? event.model,
    'gen_ai.response.model': event.model,
  };
  if (event.agent !== undefined) attributes['gen_ai.agent.name'] = event.agent;
  if (event.status === 'error') attributes['error.type'] = event.error?.type ?? 'error';
  return attributes;
}

export function eventSpan(event: UsageEvent): EventSpan {
  const startMs = Date.parse(event.time);
  const attributes: TelemetryAttributes = {
    ...callAttributes(event),
    [EXPORTED_EVENT_ATTRIBUTE]: event.id,
  };
  if (event.run !== undefined) attributes['tokenledger.run'] = event.run;
  for (const [key, value] of Object.entries(event.tags)) attributes[`tokenledger.tag.${key}`] = value;
  const { usage } = event;
  const counts: [string, number | undefined][] = [
    ['gen_ai.usage.input_tokens', usage.inputTokens],
    ['gen_ai.usage.output_tokens', usage.outputTokens],
    ['gen_ai.usage.cache_read.input_tokens', usage.cacheReadTokens],
    ['gen_ai.usage.cache_creation.input_tokens', usage.cacheWriteTokens],
    ['gen_ai.usage.reasoning.output_tokens', usage.reasoningTokens],
  ];
  for (const [key, count] of counts) if (count !== undefined) attributes[key] = count;
  if (event.cost !== null) {
    attributes['tokenledger.cost.usd'] = event.cost.total;
    attributes['tokenledger.cost.input_usd'] = event.cost.input;
    attributes['tokenledger.cost.cache_read_usd'] = event.cost.cacheRead;
    attributes['tokenledger.cost.cache_write_usd'] = event.cost.cacheWrite;
    attributes['tokenledger.cost.output_usd'] = event.cost.output;
  } else if (event.costUnavailableReason !== undefined) {
    attributes['tokenledger.cost.unavailable'] = event.costUnavailableReason;
  }
  if (event.providerCost !== undefined) attributes['tokenledger.provider_cost.usd'] = event.providerCost;
  if (event.timeToFirstTokenMs !== undefined)
    attributes['gen_ai.response.time_to_first_chunk'] = event.timeToFirstTokenMs / 1000;
  if (event.estimated) attributes['tokenledger.usage.estimated'] = true;
  return {
    name: `${OPERATION} ${event.model}`,
    startMs,
    endMs: startMs + (event.durationMs ?? 0),
    attributes,
    parent: event.trace,
    error:
      event.status === 'error'
        ? { type: event.error?.type ?? 'error', message: event.error?.message ?? '' }
        : undefined,
  };
}
