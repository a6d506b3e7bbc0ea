/**
 * Reads an OTLP request body within a size limit, counted as the bytes arrive and again after
 * decompression (opentelemetry-proto specification: "The server MUST limit the size of the
 * request body when parsing it, including after decompression"). `Content-Encoding: gzip` is
 * inflated with zlib's `maxOutputLength`, so a gzip bomb stops at the limit instead of
 * filling memory. Past the limit: a 413, which OTLP clients do not retry.
 *
 * @module
 */
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { Context } from 'hono';
import { HttpError } from '../http-error.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

const tooLarge = (max: number, what: string): HttpError =>
  new HttpError(413, 'payload_too_large', `the ${what} is larger than ${max} bytes`);

async function readLimited(c: Context, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes, 'request body');
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
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes, 'request body');
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function isTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
  );
}

/** The decompressed body; 413 past `maxBytes` (compressed or not), 415 for an unknown encoding. */
export async function readOtlpBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const raw = await readLimited(c, maxBytes);
  const encoding = (c.req.header('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding !== 'gzip' && encoding !== 'deflate')
    throw new HttpError(415, 'unsupported_encoding', `Content-Encoding ${encoding.slice(0, 40)}: use gzip or none`, {
      field: 'content-encoding',
    });
  try {
    // One byte past the limit is enough to know the body is too large.
    const options = { maxOutputLength: maxBytes + 1 };
    const inflated = encoding === 'gzip' ? await gunzipAsync(raw, options) : await inflateAsync(raw, options);
    if (inflated.byteLength > maxBytes) throw tooLarge(maxBytes, 'decompressed request body');
    return inflated;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (isTooLarge(error)) throw tooLarge(maxBytes, 'decompressed request body');
    throw new HttpError(400, 'invalid_encoding', `the body is not valid ${encoding} data`, {
      field: 'content-encoding',
    });
  }
}
