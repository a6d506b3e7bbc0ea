/**
 * File uploads are streamed through the gateway, not held (issue 15, point 1): a ~100 MB
 * multipart `POST /v1/files`, generated as it is sent, reaches the upstream byte for byte (same
 * SHA-256) through a real `tokenledger serve` process whose peak RSS (VmHWM, /proc) grows far
 * less than the body; an upload over `server.limits.maxGatewayUploadBytes` is a 413 naming the
 * limit, at once when its length is declared, at the limit when it is chunked, never read whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess } from './serve-process.js';

const MB = 1024 * 1024;
const LIMIT = 101 * MB;
const CHUNK_BYTES = 64 * 1024;
const BOUNDARY = 'tokenledger-upload-boundary';
const HEAD = Buffer.from(
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n',
);
const TAIL = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

interface Received {
  path: string;
  bytes: number;
  sha256: string;
  contentLength: string | undefined;
}

let upstream: http.Server;
let upstreamUrl: string;
const received: Received[] = [];
let serve: ServeProcess;
let dir: string;

/** What the upstream answers an upload: the file object of https://platform.openai.com/docs/api-reference/files/object. */
const fileObject = (bytes: number): string =>
  JSON.stringify({
    id: 'file-big',
    object: 'file',
    bytes,
    created_at: 1764600000,
    filename: 'big.jsonl',
    purpose: 'batch',
  });

beforeAll(async () => {
  // The upstream hashes the body as it arrives: it holds no more of it than the gateway should.
  upstream = http.createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        bytes,
        sha256: hash.digest('hex'),
        contentLength: req.headers['content-length'],
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(fileObject(bytes));
    });
    req.on('error', () => {});
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'tokenledger-upload-'));
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ server: { limits: { maxGatewayUploadBytes: LIMIT } } }));
  serve = await spawnServe(['--port', '0', '--db', 'memory:', '--config', config], {
    OPENAI_BASE_URL: `${upstreamUrl}/v1`,
    OPENAI_API_KEY: 'sk-upload-0000',
  });
});
afterAll(async () => {
  serve.child.kill('SIGTERM');
  await serve.exited;
  await new Promise((resolve) => upstream.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function vmHwmBytes(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

interface Sent {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  /** Body bytes the client had written when the answer arrived. */
  sentAtAnswer: number;
  sha256: string;
  total: number;
}

/**
 * POSTs a multipart upload whose file part is `fileBytes` of random bytes, generated chunk by
 * chunk as the socket drains; `declare` sends its content-length, else it goes chunked.
 * `holdBody` sends the first part only, then waits for the answer; `stallAfter` stops writing
 * (without ending) once that many bytes are out, so the answer is read before the cut.
 */
function upload(
  fileBytes: number,
  options: { declare: boolean; holdBody?: boolean; stallAfter?: number },
): Promise<Sent> {
  const total = HEAD.length + fileBytes + TAIL.length;
  const headers: http.OutgoingHttpHeaders = {
    'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    authorization: 'Bearer sk-upload-0000',
  };
  if (options.declare) headers['content-length'] = total;
  else headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const request = http.request(new URL('/v1/files', serve.url), { method: 'POST', headers });
    const hash = createHash('sha256');
    const block = randomBytes(CHUNK_BYTES);
    let sent = 0;
    let answered = false;
    const next = (): Buffer | undefined => {
      if (sent === 0) return HEAD;
      const fileSent = sent - HEAD.length;
      if (fileSent < fileBytes) {
        // A fresh chunk each time (its first 8 bytes count it), so no two are alike.
        const size = Math.min(CHUNK_BYTES, fileBytes - fileSent);
        const chunk = Buffer.from(block.subarray(0, size));
        chunk.writeDoubleLE(fileSent, 0);
        return chunk;
      }
      return sent < total ? TAIL : undefined;
    };
    const pump = (): void => {
      for (;;) {
        if (answered) return;
        // Checked before every write, not only after one the socket took at once: under
        // backpressure every write returns false, and the stall was never reached.
        if (options.stallAfter !== undefined && sent >= options.stallAfter) return;
        const chunk = next();
        if (chunk === undefined) {
          request.end();
          return;
        }
        hash.update(chunk);
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
        if (options.holdBody === true) return;
      }
    };
    request.on('response', (response) => {
      answered = true;
      const sentAtAnswer = sent;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          headers: response.headers,
          sentAtAnswer,
          sha256: hash.digest('hex'),
          total,
        });
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    pump();
  });
}

describe('uploads streamed through the gateway', () => {
  it('a 100 MB POST /v1/files: the upstream gets the same bytes, serve peak RSS grows < 50 MB', async () => {
    // Warm-up: the route's code is loaded and the sockets exist before the baseline.
    const small = await upload(1024, { declare: true });
    expect(small.status).toBe(200);
    received.length = 0;
    const pid = serve.child.pid!;
    const before = vmHwmBytes(pid);

    const sent = await upload(100 * MB, { declare: true });

    const growth = vmHwmBytes(pid) - before;
    expect(sent.status).toBe(200);
    expect(received).toEqual([
      { path: '/v1/files', bytes: sent.total, sha256: sent.sha256, contentLength: String(sent.total) },
    ]);
    // The answer is the upstream's, byte for byte, and names the recorded call.
    expect(sent.body).toBe(fileObject(sent.total));
    expect(sent.headers['x-tokenledger-event-id']).toMatch(/\S/);
    console.log(`serve VmHWM growth over a ${sent.total}-byte upload: ${(growth / MB).toFixed(1)} MB`);
    // Measured 40 MB here, and 34 MB for a 300 MB upload: garbage chunks awaiting a GC, not the body.
    expect(growth / MB).toBeLessThan(50);
  }, 120_000);

  it('a chunked upload (no content-length) is sent on chunked, same bytes', async () => {
    received.length = 0;
    const sent = await upload(3 * MB + 17, { declare: false });
    expect(sent.status).toBe(200);
    expect(received).toEqual([{ path: '/v1/files', bytes: sent.total, sha256: sent.sha256, contentLength: undefined }]);
  }, 60_000);

  it('a declared length over the limit: a 413 naming it before a byte is read or sent', async () => {
    received.length = 0;
    const sent = await upload(400 * MB, { declare: true, holdBody: true });
    expect(sent.status).toBe(413);
    expect(JSON.parse(sent.body)).toMatchObject({
      error: {
        message: `the upload (POST /v1/files; server.limits.maxGatewayUploadBytes) is larger than ${LIMIT} bytes`,
      },
    });
    expect(sent.sentAtAnswer).toBe(HEAD.length);
    expect(received).toEqual([]);
  }, 60_000);

  it('a chunked body over the limit: a 413 at the limit, the upstream call cut (no file)', async () => {
    received.length = 0;
    // Sent up to just past the limit, never ended: the 413 comes at the limit, not at the end.
    // Half a MiB past it stays within the 1 MiB the server drains after a refusal
    // (read-body.ts): past that it cuts at once, and the reset can reach the client before the
    // 413 it has not read yet (seen once in a full run).
    const sent = await upload(400 * MB, { declare: false, stallAfter: LIMIT + MB / 2 });
    expect(sent.status).toBe(413);
    expect(sent.body).toContain(`is larger than ${LIMIT} bytes`);
    expect(sent.sentAtAnswer).toBeLessThan(LIMIT + 16 * MB);
    // The upstream saw its request end without a whole body: no answer, no file.
    expect(received).toEqual([]);
    expect((await fetch(new URL('/healthz', serve.url))).status).toBe(200);
  }, 120_000);
});
