/**
 * Reads a gateway request body with a size limit, counted as the bytes arrive (chunked or
 * not): past the limit nothing more is kept and the promise rejects with a 413; the caller
 * answers, then `refuseRest` (read-body.ts) closes the connection, so a 400 MB body costs the
 * limit, not 400 MB.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { payloadTooLarge as tooLarge } from '../read-body.js';

/** The whole body, or a 413 `HttpError` as soon as it is known to be larger than `maxBytes`. */
export function readRequestBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > maxBytes) {
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        // Backpressure until the answer is out; refuseRest() decides what happens to the rest.
        req.pause();
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}
