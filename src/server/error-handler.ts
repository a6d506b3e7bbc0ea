/**
 * The one error path: every thrown error becomes `{ error: { code, message, field? } }`.
 * Known errors keep their message (already redacted by TokenledgerError); anything else is a
 * 500 whose body says nothing about internals. The full error goes to the log only.
 *
 * @module
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import { StoreError, TokenledgerError } from '../errors/index.js';
import type { Logger } from '../types/index.js';
import { HttpError } from './http-error.js';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

function statusOf(error: TokenledgerError): ContentfulStatusCode {
  if (error instanceof HttpError) return error.status;
  if (error instanceof StoreError) return 503;
  switch (error.code) {
    case 'invalid_input':
    case 'invalid_usage':
    case 'config':
      return 400;
    default:
      return 500;
  }
}

export function createErrorHandler(logger: Logger) {
  return function onError(error: Error, c: Context): Response {
    if (TokenledgerError.isInstance(error)) {
      const status = statusOf(error);
      if (status >= 500) logger.error('request failed', { path: c.req.path, code: error.code, error: error.message });
      const body: ErrorBody = {
        error: { code: error.code, message: status === 500 ? 'internal error' : error.message },
      };
      if (error.field !== undefined) body.error.field = error.field;
      if (status === 503) body.error.message = 'the store is unavailable; retry later';
      return c.json(body, status);
    }
    if (error instanceof HTTPException) {
      // Hono's own (e.g. body limit): its message is ours to show, never a stack.
      const status = error.status as ContentfulStatusCode;
      return c.json(
        {
          error: {
            code: status === 413 ? 'payload_too_large' : 'http_error',
            message: error.message || 'request refused',
          },
        } satisfies ErrorBody,
        status,
      );
    }
    logger.error('unexpected error', {
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    });
    return c.json({ error: { code: 'internal', message: 'internal error' } } satisfies ErrorBody, 500);
  };
}
