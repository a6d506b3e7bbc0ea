/**
 * Hono's `onError`: every error a handler throws becomes the answer error-response.ts says.
 * Handlers throw; they never build error responses themselves.
 *
 * @module
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../types/index.js';
import { errorResponse } from './error-response.js';

export type { ErrorBody } from './error-response.js';

export function createErrorHandler(logger: Logger) {
  return function onError(error: Error, c: Context): Response {
    const { status, body } = errorResponse(error, logger, c.req.path);
    return c.json(body, status as ContentfulStatusCode);
  };
}
