/**
 * Real OpenTelemetry exporters for tests: a tracer provider whose spans go through the
 * official OTLP/HTTP exporter (`@opentelemetry/exporter-trace-otlp-proto` for protobuf,
 * `-http` for JSON) to a URL on loopback, as an instrumented app sends them. Every export
 * request body is also kept (`bodies`), the golden capture of what the exporter wrote.
 *
 * Spans nest through the AsyncLocalStorage context manager, registered once per process, so
 * instrumentations that read `context.active()` find their parent.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

let contextManagerSet = false;
export function useAsyncContext(): void {
  if (contextManagerSet) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerSet = true;
}

export interface ExportRun {
  provider: TracerProvider;
  tracer: Tracer;
  /** Export results as the exporter saw them (0 = success). */
  results: { code: number; error?: Error }[];
  /** Flushes every span, then shuts the provider down. */
  finish(): Promise<void>;
}

export interface ExporterOptions {
  url: string;
  protocol: OtlpProtocol;
  headers?: Record<string, string>;
  serviceName?: string;
  compression?: 'gzip' | 'none';
  tracerName?: string;
}

function exporterFor(options: ExporterOptions): SpanExporter {
  const config = {
    url: options.url,
    headers: options.headers ?? {},
    compression: options.compression ?? 'none',
  } as ConstructorParameters<typeof ProtoTraceExporter>[0];
  return options.protocol === 'http/protobuf' ? new ProtoTraceExporter(config) : new JsonTraceExporter(config);
}

/** A provider exporting through the real OTLP exporter; register it globally with `register: true`. */
export function createExportRun(options: ExporterOptions & { register?: boolean }): ExportRun {
  useAsyncContext();
  const inner = exporterFor(options);
  const results: ExportRun['results'] = [];
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], done) {
      inner.export(spans, (result) => {
        results.push(result);
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'otel-test-app' }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: 60_000, maxExportBatchSize: 2048, maxQueueSize: 4096 }),
    ],
  });
  if (options.register === true) trace.setGlobalTracerProvider(provider);
  return {
    provider,
    tracer: provider.getTracer(options.tracerName ?? 'otel-test'),
    results,
    async finish() {
      await provider.forceFlush();
      await provider.shutdown();
      if (options.register === true) trace.disable();
    },
  };
}

/** A loopback OTLP sink that keeps the raw bodies it receives (decompressed) and answers 200. */
export interface CaptureSink {
  url: string;
  bodies: { contentType: string; body: Buffer }[];
  close(): Promise<void>;
}

export async function startCaptureSink(
  answer: (req: IncomingMessage) => [number, string] = () => [200, ''],
): Promise<CaptureSink> {
  const bodies: CaptureSink['bodies'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      bodies.push({ contentType: String(req.headers['content-type'] ?? ''), body });
      const [status, text] = answer(req);
      res.writeHead(status, { 'content-type': String(req.headers['content-type'] ?? 'application/json') });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
