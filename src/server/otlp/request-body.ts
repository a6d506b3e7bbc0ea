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
import { payloadTooLarge, readBodyLimited } from '../read-body.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

const tooLarge = (max: number, what: string): HttpError => payloadTooLarge(max, `the ${what}`);

function isTooLarge(error: unknown): boolean {
  return (
    error instanceof RangeError ||
    (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
  );
}

/** The decompressed body; 413 past `maxBytes` (compressed or not), 415 for an unknown encoding. */
export async function readOtlpBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const raw = await readBodyLimited(c, maxBytes);
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
