/**
 * Request bodies within a size limit, counted as the bytes arrive (chunked or not): past the
 * limit, reading stops and a 413 is thrown, so a 400 MB body costs the limit, not 400 MB.
 * `readBodyLimited` serves the Hono routes; the gateway's fast path reads node:http itself
 * (gateway/request-body.ts). Both end a refused body the same way (`refuseRest`).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { HttpError } from './http-error.js';

export const payloadTooLarge = (maxBytes: number, what = 'request body'): HttpError =>
  new HttpError(413, 'payload_too_large', `${what} is larger than ${maxBytes} bytes`);

/** How long, and how much of, a refused body is read and dropped after the answer before the socket is cut. */
const LINGER_MS = 500;
const LINGER_BYTES = 1024 * 1024;

/**
 * After the answer to a refused body went out: drop what still arrives for a moment (so the
 * client can read the answer rather than meet a TCP reset, as nginx's lingering close does),
 * then close the connection. Node would otherwise read and drop the whole body, however large;
 * at loopback speed even half a second of it is hundreds of MB of garbage, hence the byte cap.
 */
export function refuseRest(req: IncomingMessage, res: ServerResponse): void {
  const cut = (): void => {
    req.socket.destroySoon();
  };
  res.once('finish', () => {
    if (req.complete) return;
    const timer = setTimeout(cut, LINGER_MS);
    timer.unref();
    let dropped = 0;
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > LINGER_BYTES) {
        clearTimeout(timer);
        cut();
      }
    });
    req.once('end', () => clearTimeout(timer));
    req.resume();
  });
}

/** The node:http pair under a Hono context, when served by @hono/node-server (not in `app.request()`). */
function nodePair(c: Context): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  return env?.incoming !== undefined && env.outgoing !== undefined
    ? { incoming: env.incoming, outgoing: env.outgoing }
    : undefined;
}

function refuse(c: Context, maxBytes: number): HttpError {
  const pair = nodePair(c);
  if (pair !== undefined) refuseRest(pair.incoming, pair.outgoing);
  return payloadTooLarge(maxBytes);
}

/** The body's bytes; a 413 as soon as the declared length or the bytes read pass `maxBytes`. */
export async function readBodyLimited(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw refuse(c, maxBytes);
  const stream = c.req.raw.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      chunks.length = 0;
      reader.releaseLock();
      throw refuse(c, maxBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}
