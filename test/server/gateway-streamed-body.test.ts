/**
 * pipeBody (gateway/streamed-body.ts) on a real loopback upstream: an upload is passed through
 * whole; one carrying the gateway key, even split across two chunks, is cut before a byte of
 * the key goes out; one over the limit is cut at the limit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpError } from '#src/server/http-error.js';
import { pipeBody } from '#src/server/gateway/streamed-body.js';

const KEY = 'tlk-gateway-key-0123456789';
let upstream: http.Server;
let port: number;
/** The bytes each request brought, complete or cut. */
const seen: { bytes: Buffer; complete: boolean }[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    const entry = { bytes: Buffer.alloc(0), complete: false };
    seen.push(entry);
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      entry.bytes = Buffer.concat(chunks);
    });
    req.on('end', () => {
      entry.complete = true;
      res.end('ok');
    });
    req.on('error', () => {});
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  port = (upstream.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => upstream.close(resolve)));

/** Sends `chunks` (each after the last was written) through pipeBody; resolves with the refusal, if any. */
async function through(chunks: string[], maxBytes: number): Promise<HttpError | undefined> {
  seen.length = 0;
  const source = new PassThrough();
  const sink = http.request({ hostname: '127.0.0.1', port, method: 'POST', path: '/v1/files' });
  // The cut makes the request fail on purpose.
  sink.on('error', () => {});
  const done = new Promise<HttpError | undefined>((resolve) => {
    sink.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(undefined));
    });
    pipeBody({ source, maxBytes, declaredLength: undefined, what: 'POST /v1/files', forbidden: KEY }, sink, (error) => {
      sink.destroy();
      resolve(error);
    });
  });
  for (const chunk of chunks) {
    source.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  source.end();
  const refused = await done;
  // Lets the upstream see the cut.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return refused;
}

describe('pipeBody', () => {
  it('passes an upload through whole, in as many chunks as it came', async () => {
    expect(await through(['first part ', 'second part ', 'end'], 1000)).toBeUndefined();
    expect(seen.map((entry) => [entry.bytes.toString(), entry.complete])).toEqual([
      ['first part second part end', true],
    ]);
  });

  it('a key split across two chunks: a 400, and not one byte of the key reached the upstream', async () => {
    const refused = await through(['some bytes ', `then "${KEY.slice(0, 9)}`, `${KEY.slice(9)}" and more`], 1000);
    expect(refused?.status).toBe(400);
    expect(refused?.code).toBe('gateway_key_in_body');
    const sent = seen[0]?.bytes.toString() ?? '';
    expect(seen[0]?.complete ?? false).toBe(false);
    expect(`some bytes then "${KEY.slice(0, 9)}`.startsWith(sent)).toBe(true);
    expect(sent).not.toContain('tlk');
  });

  it('over the limit: a 413 naming it, the upstream request cut', async () => {
    const refused = await through(['0123456789', '0123456789', '0'], 20);
    expect(refused?.status).toBe(413);
    expect(refused?.message).toBe(
      'the upload (POST /v1/files; server.limits.maxGatewayUploadBytes) is larger than 20 bytes',
    );
    expect(seen.every((entry) => !entry.complete)).toBe(true);
  });
});
