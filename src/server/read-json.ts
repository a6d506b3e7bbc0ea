/**
 * Reads a JSON request body with a size limit: a 413 past the limit (checked on the declared
 * length and on the bytes really read), a 400 naming the problem when it is not JSON.
 *
 * @module
 */
import type { Context } from 'hono';
import { HttpError } from './http-error.js';

export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > maxBytes)
    throw new HttpError(413, 'payload_too_large', `request body is larger than ${maxBytes} bytes`);
  const buffer = await c.req.arrayBuffer();
  if (buffer.byteLength > maxBytes)
    throw new HttpError(413, 'payload_too_large', `request body is larger than ${maxBytes} bytes`);
  if (buffer.byteLength === 0) throw new HttpError(400, 'invalid_json', 'request body is empty; expected JSON');
  const text = new TextDecoder().decode(buffer);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.slice(0, 200) : 'unreadable';
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${detail}`);
  }
}
