/**
 * The server's own errors: a status and a stable code, thrown by handlers and mapped to
 * `{ error: { code, message, field? } }` by the one `onError` (app.ts). Handlers never build
 * error responses themselves.
 *
 * @module
 */
import { TokenledgerError } from '../errors/index.js';

export type HttpErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 502 | 503 | 504 | 508;

export class HttpError extends TokenledgerError {
  readonly status: HttpErrorStatus;
  constructor(
    status: HttpErrorStatus,
    code: string,
    message: string,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.status = status;
  }
}

export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);
export const unauthorized = (message: string): HttpError => new HttpError(401, 'unauthorized', message);
export const badRequest = (message: string, field?: string): HttpError =>
  new HttpError(400, 'invalid_input', message, { field });
