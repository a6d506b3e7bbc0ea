/**
 * The default meter: streams (SSE, NDJSON) are read incrementally by src/usage's stream meter;
 * JSON bodies are collected (up to a cap) and normalized once they end. Either way the caller
 * already has each chunk before the meter sees it.
 *
 * @module
 */
import { createStreamMeter, normalizeResponse } from '../usage/index.js';
import { isStreamContentType, unavailable, type CreateUsageMeter, type UsageMeter } from './meter.js';

/** JSON bodies larger than this are passed through unmetered (usage unavailable). */
export const MAX_METERED_JSON_BYTES = 64 * 1024 * 1024;

export const createDefaultMeter: CreateUsageMeter = (hint, contentType, options): UsageMeter => {
  if (isStreamContentType(contentType))
    return createStreamMeter(hint, { collectAnswerText: options?.collectAnswerText === true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    write(chunk) {
      size += chunk.byteLength;
      if (size <= MAX_METERED_JSON_BYTES) chunks.push(chunk);
    },
    end() {
      if (size > MAX_METERED_JSON_BYTES)
        return unavailable(`response larger than ${MAX_METERED_JSON_BYTES} bytes was not metered`, hint);
      if (size === 0) return unavailable('the response body was empty', hint);
      const text = Buffer.concat(chunks, size).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return unavailable('the response body is not valid JSON', hint);
      }
      // Gemini without alt=sse answers one JSON array of stream chunks: the last one carries the usage.
      if (Array.isArray(body) && body.length > 0) body = body[body.length - 1];
      return normalizeResponse(body, hint);
    },
  };
};
