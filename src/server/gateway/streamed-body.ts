/**
 * Uploads streamed through to the upstream as they arrive, never held whole: `POST /v1/files`
 * (up to 512 MB at OpenAI) and `POST /v1/uploads/{id}/parts`. They name no model and bill
 * nothing, so the gateway needs none of their bytes; it only counts them against
 * `server.limits.maxGatewayUploadBytes` and looks for the client's gateway key in them, with
 * the upstream's backpressure, so memory stays that of a few chunks whatever the size. Every
 * other body is read first (request-body.ts): metering needs its model.
 *
 * @module
 */
import type { ClientRequest } from 'node:http';
import type { Readable } from 'node:stream';
import type { HttpError } from '../http-error.js';
import { payloadTooLarge } from '../read-body.js';
import { gatewayKeyInBody } from './client-key.js';

const UPLOAD_PART = /^\/v1\/uploads\/[^/]+\/parts$/;

/** Whether a request's body is streamed through rather than read first. */
export function streamsBody(method: string, pathname: string): boolean {
  return method === 'POST' && (pathname === '/v1/files' || UPLOAD_PART.test(pathname));
}

/** A request body that is piped to the upstream as it arrives. */
export interface StreamedBody {
  source: Readable;
  maxBytes: number;
  /** The client's `content-length`; absent for a chunked body (sent on chunked too). */
  declaredLength: number | undefined;
  /** `POST /v1/files`, for the 413's message. */
  what: string;
  /** The client's gateway key: a body that carries it is cut before the rest goes out. */
  forbidden: string | undefined;
}

/** The 413 of an upload over the limit: names the limit and the setting that raises it. */
export function uploadTooLarge(what: string, maxBytes: number): HttpError {
  return payloadTooLarge(maxBytes, `the upload (${what}; server.limits.maxGatewayUploadBytes)`);
}

/**
 * Pipes `body.source` into `sink` and ends it. Past the limit, or on the gateway key, reading
 * stops and `refuse` is called with the error to answer (the caller cuts the upstream call:
 * an incomplete body creates no file there).
 */
export function pipeBody(body: StreamedBody, sink: ClientRequest, refuse: (error: HttpError) => void): void {
  const { source, maxBytes, forbidden } = body;
  const keep = forbidden === undefined ? 0 : forbidden.length - 1;
  let size = 0;
  // The last bytes read, held back until the next chunk shows no key begins in them: not one
  // byte of a key split across two chunks goes out.
  let held: Buffer | undefined;
  const stop = (error: HttpError): void => {
    source.off('data', onData);
    source.off('end', onEnd);
    source.pause();
    refuse(error);
  };
  const carriesKey = (chunk: Buffer): boolean => {
    if (forbidden === undefined) return false;
    if (held !== undefined && Buffer.concat([held, chunk.subarray(0, keep)]).includes(forbidden)) return true;
    return chunk.includes(forbidden);
  };
  /** Writes what is safe to send of `chunk`; false when the upstream asks to wait. */
  const send = (chunk: Buffer): boolean => {
    if (keep === 0) return sink.write(chunk);
    const joined = held === undefined ? chunk : Buffer.concat([held, chunk]);
    const cut = Math.max(0, joined.length - keep);
    // A copy: the chunk itself is not held past this call.
    held = Buffer.from(joined.subarray(cut));
    return cut === 0 ? true : sink.write(joined.subarray(0, cut));
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size > maxBytes) {
      stop(uploadTooLarge(body.what, maxBytes));
      return;
    }
    if (carriesKey(chunk)) {
      stop(gatewayKeyInBody());
      return;
    }
    if (!send(chunk)) {
      source.pause();
      sink.once('drain', () => source.resume());
    }
  };
  const onEnd = (): void => {
    if (held !== undefined && held.length > 0) sink.write(held);
    sink.end();
  };
  source.on('data', onData);
  source.on('end', onEnd);
  source.on('error', (error) => sink.destroy(error));
  source.resume();
}
