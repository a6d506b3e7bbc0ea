/**
 * Writes an error answer on the gateway's node:http fast path, in the same shape and with the
 * same statuses as Hono's `onError` (both use error-response.ts).
 *
 * @module
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Logger } from '../../types/index.js';
import { errorResponse } from '../error-response.js';

export interface SendErrorOptions {
  /** `performance.now()` when the request arrived: the answer carries `x-tokenledger-overhead-ms`. */
  startedAt?: number;
  /** Headers the gateway adds (`x-tokenledger-budget-*`). */
  extraHeaders?: OutgoingHttpHeaders;
}

export function sendError(res: ServerResponse, error: unknown, logger: Logger, options: SendErrorOptions = {}): void {
  // The client may be gone already (it hung up while we waited on the upstream).
  if (res.destroyed || res.writableEnded) return;
  const { status, body } = errorResponse(error, logger, res.req?.url?.split('?')[0] ?? '');
  if (res.headersSent) {
    // Part of an answer went out already: cutting the connection is the only honest signal.
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  const headers: OutgoingHttpHeaders = {
    ...options.extraHeaders,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  };
  // Gateway errors carry the overhead header too (here: the whole time spent, the upstream included).
  if (options.startedAt !== undefined)
    headers['x-tokenledger-overhead-ms'] = (performance.now() - options.startedAt).toFixed(3);
  res.writeHead(status, headers);
  res.end(text);
}
