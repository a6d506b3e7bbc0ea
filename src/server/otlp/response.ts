/**
 * OTLP/HTTP answers, in the encoding the request came in (opentelemetry-proto
 * docs/specification.md, "OTLP/HTTP Response"): an `ExportTraceServiceResponse` on 200, with
 * `partial_success` set only when spans were rejected or there is a warning to pass on; a
 * `google.rpc.Status` for every 4xx and 5xx. The JSON Status also carries tokenledger's usual
 * `error` object (code, message, field), which OTLP readers ignore as an unknown field.
 *
 * @module
 */
import { create, toBinary, toJsonString } from '@bufbuild/protobuf';
import type { ErrorBody } from '../error-response.js';
import type { OtlpEncoding } from './decode.js';
import {
  ExportTracePartialSuccessSchema,
  ExportTraceServiceResponseSchema,
  RpcStatusSchema,
} from './proto/otlp-traces_pb.js';

export interface OtlpAnswer {
  body: Uint8Array | string;
  contentType: string;
}

const CONTENT_TYPE: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The encoding a Content-Type asks for, or undefined when it is neither OTLP encoding. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

export function exportAnswer(encoding: OtlpEncoding, rejectedSpans: number, message: string): OtlpAnswer {
  const response = create(ExportTraceServiceResponseSchema, {});
  // Full success leaves partial_success unset; warnings alone go with rejected_spans = 0.
  if (rejectedSpans > 0 || message !== '')
    response.partialSuccess = create(ExportTracePartialSuccessSchema, {
      rejectedSpans: BigInt(rejectedSpans),
      errorMessage: message,
    });
  return {
    body:
      encoding === 'protobuf'
        ? toBinary(ExportTraceServiceResponseSchema, response)
        : toJsonString(ExportTraceServiceResponseSchema, response),
    contentType: CONTENT_TYPE[encoding],
  };
}

/** gRPC status codes for the HTTP statuses the receiver answers (Status.code is informative only). */
function grpcCode(status: number): number {
  if (status === 400 || status === 413 || status === 415) return 3; // INVALID_ARGUMENT
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 404) return 12; // UNIMPLEMENTED
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}

export function statusAnswer(encoding: OtlpEncoding, status: number, error: ErrorBody): OtlpAnswer {
  const message = create(RpcStatusSchema, { code: grpcCode(status), message: error.error.message });
  if (encoding === 'protobuf') return { body: toBinary(RpcStatusSchema, message), contentType: CONTENT_TYPE.protobuf };
  return {
    body: JSON.stringify({ code: message.code, message: message.message, error: error.error }),
    contentType: CONTENT_TYPE.json,
  };
}
