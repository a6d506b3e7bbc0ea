/**
 * The one mapping from a thrown error to an HTTP answer, `{ error: { code, message, field? } }`,
 * shared by Hono's `onError` (error-handler.ts) and the gateway's fast path (gateway/send-error.ts).
 * Known errors keep their message (already redacted by TokenledgerError); anything else is a
 * 500 whose body says nothing about internals. The full error goes to the log only.
 *
 * @module
 */
import { HTTPException } from 'hono/http-exception';
import { StoreError, TokenledgerError } from '../errors/index.js';
import type { Logger } from '../types/index.js';
import { HttpError } from './http-error.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

function statusOf(error: TokenledgerError): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof StoreError) return 503;
  switch (error.code) {
    case 'invalid_input':
    case 'invalid_usage':
    case 'config':
      return 400;
    case 'budget_exceeded':
      return 429;
    case 'budget_unavailable':
      return 503;
    case 'budget_not_found':
      return 404;
    case 'budget_read_only':
    case 'budget_exists':
    case 'budget_not_prepaid':
    case 'budget_contended':
      return 409;
    default:
      return 500;
  }
}

/**
 * The status and body for `error`; logs what a 5xx hides.
 *
 * @param path - the request path, named in the log line.
 */
export function errorResponse(error: unknown, logger: Logger, path: string): ErrorResponse {
  if (TokenledgerError.isInstance(error)) {
    const status = statusOf(error);
    if (status >= 500) logger.error('request failed', { path, code: error.code, error: error.message });
    const body: ErrorBody = { error: { code: error.code, message: status === 500 ? 'internal error' : error.message } };
    if (error.field !== undefined) body.error.field = error.field;
    if (status === 503 && error instanceof StoreError) body.error.message = 'the store is unavailable; retry later';
    return { status, body };
  }
  if (error instanceof HTTPException) {
    // Hono's own (e.g. body limit): its message is ours to show, never a stack.
    return {
      status: error.status,
      body: {
        error: {
          code: error.status === 413 ? 'payload_too_large' : 'http_error',
          message: error.message || 'request refused',
        },
      },
    };
  }
  logger.error('unexpected error', { path, error: error instanceof Error ? error.message : String(error) });
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}
