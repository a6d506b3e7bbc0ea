/**
 * The spans of one export request -> the calls to record, the spans rejected and why, and the
 * warnings to send back. Each span is decided alone (usage/otel/map-span.ts); the request only
 * lends attribution: a model call that names no agent takes its parent's, when the parent
 * (an agent span, typically) is in the same request. A span sent twice in one request (a
 * retried batch concatenated, a buggy exporter) is recorded once.
 *
 * @module
 */
import { mapOtelSpan, type OtelSpan, type SpanCall, spanAgent } from '../../usage/index.js';

export interface BatchVerdicts {
  calls: SpanCall['input'][];
  /** Spans that could not be events, with the reason (counted in partialSuccess). */
  rejected: { spanId: string; reason: string }[];
  /** Spans accepted that are not model calls (agent, tool, HTTP spans...). */
  skipped: number;
  /** Warnings met on the accepted calls, with how many calls had each. */
  warnings: Map<string, number>;
}

/** How far up the parent chain an agent name is looked for. */
const MAX_PARENT_HOPS = 16;

export function mapSpanBatch(spans: readonly OtelSpan[]): BatchVerdicts {
  const byId = new Map<string, OtelSpan>();
  for (const span of spans) if (span.spanId !== '') byId.set(`${span.traceId}:${span.spanId}`, span);
  const agentOf = (span: OtelSpan): string | undefined => {
    let current: OtelSpan | undefined = span;
    for (let hop = 0; hop < MAX_PARENT_HOPS && current?.parentSpanId !== undefined; hop++) {
      current = byId.get(`${span.traceId}:${current.parentSpanId}`);
      if (current === undefined) return undefined;
      const agent = spanAgent(current);
      if (agent !== undefined) return agent;
    }
    return undefined;
  };

  const verdicts: BatchVerdicts = { calls: [], rejected: [], skipped: 0, warnings: new Map() };
  const seen = new Set<string>();
  // One context for the batch (not a closure per span): the mapper hands back the span it asks about.
  const context = { parentAgent: agentOf };
  for (const span of spans) {
    const verdict = mapOtelSpan(span, context);
    if (verdict.kind === 'skip') {
      verdicts.skipped++;
      continue;
    }
    if (verdict.kind === 'reject') {
      verdicts.rejected.push({ spanId: span.spanId, reason: verdict.reason });
      continue;
    }
    if (seen.has(verdict.input.id)) continue;
    seen.add(verdict.input.id);
    verdicts.calls.push(verdict.input);
    for (const warning of verdict.input.warnings ?? [])
      verdicts.warnings.set(warning, (verdicts.warnings.get(warning) ?? 0) + 1);
  }
  return verdicts;
}
