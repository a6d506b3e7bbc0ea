/**
 * Reads a JSON request body with a size limit: a 413 past the limit (counted as the bytes
 * arrive, read-body.ts), a 400 naming the problem when it is not JSON.
 *
 * @module
 */
import type { Context } from 'hono';
import { HttpError } from './http-error.js';
import { readBodyLimited } from './read-body.js';

export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const buffer = await readBodyLimited(c, maxBytes);
  if (buffer.byteLength === 0) throw new HttpError(400, 'invalid_json', 'request body is empty; expected JSON');
  const text = new TextDecoder().decode(buffer);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.slice(0, 200) : 'unreadable';
    throw new HttpError(400, 'invalid_json', `request body is not valid JSON: ${detail}`);
  }
}
