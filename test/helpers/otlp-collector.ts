/**
 * A test OpenTelemetry collector on 127.0.0.1: takes OTLP/HTTP protobuf exports on `/v1/traces`
 * and `/v1/metrics`, answers 200, and keeps what arrived decoded: spans with the receiver's own
 * decoder (src/server/otlp/decode.ts), metric points with the committed metrics schema subset
 * (otlp-proto/otlp-metrics.proto), each with the headers it came with.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { fromBinary } from '@bufbuild/protobuf';
import { decodeTraceRequest } from '#src/server/otlp/decode.js';
import type { OtelSpan } from '#src/usage/index.js';
import { ExportMetricsServiceRequestSchema, type KeyValue } from './otlp-proto/otlp-metrics_pb.js';

export interface CollectedPoint {
  metric: string;
  unit: string;
  attributes: Record<string, string>;
  /** Sum points: the value; histogram points: the sum of the values. */
  sum: number;
  /** Histogram points: how many values; sum points: 1. */
  count: number;
}

export interface Collector {
  url: string;
  spans: OtelSpan[];
  points: CollectedPoint[];
  /** The raw protobuf bodies of the trace exports (to send elsewhere). */
  traceBodies: Buffer[];
  headers: IncomingHttpHeaders[];
  close(): Promise<void>;
}

function attributesOf(list: readonly KeyValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of list) if (pair.value?.value.case === 'stringValue') out[pair.key] = pair.value.value.value;
  return out;
}

function pointsOf(body: Uint8Array): CollectedPoint[] {
  const request = fromBinary(ExportMetricsServiceRequestSchema, body);
  const points: CollectedPoint[] = [];
  for (const resource of request.resourceMetrics)
    for (const scope of resource.scopeMetrics)
      for (const metric of scope.metrics) {
        const base = { metric: metric.name, unit: metric.unit };
        if (metric.data.case === 'sum')
          for (const point of metric.data.value.dataPoints)
            points.push({
              ...base,
              attributes: attributesOf(point.attributes),
              sum: point.value.case === 'asInt' ? Number(point.value.value) : (point.value.value ?? 0),
              count: 1,
            });
        if (metric.data.case === 'histogram')
          for (const point of metric.data.value.dataPoints)
            points.push({
              ...base,
              attributes: attributesOf(point.attributes),
              sum: point.sum ?? 0,
              count: Number(point.count),
            });
      }
  return points;
}

export async function startCollector(): Promise<Collector> {
  const collector: Omit<Collector, 'url' | 'close'> = { spans: [], points: [], traceBodies: [], headers: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      collector.headers.push(req.headers);
      if (req.url === '/v1/traces') {
        collector.traceBodies.push(body);
        collector.spans.push(...decodeTraceRequest(body, 'protobuf'));
      } else if (req.url === '/v1/metrics') collector.points.push(...pointsOf(body));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ...collector,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
