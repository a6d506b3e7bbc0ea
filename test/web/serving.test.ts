/**
 * How the server serves the built dashboard: content types, caching (hashed assets
 * immutable, index.html revalidated), gzip, a CSP, the client-route fallback, and 404s for
 * API paths, missing assets and encoded ../ paths.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '#src/server/index.js';
import { buildDashboard, serve, tearDown } from './harness.js';

let server: RunningServer;

beforeAll(async () => {
  await buildDashboard();
  server = await serve('static');
}, 120_000);
afterAll(tearDown);

describe('static serving', () => {
  it('serves hashed assets immutable and gzipped, index.html revalidated with a CSP, client routes fall back, API paths stay 404', async () => {
    const index = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'identity' } });
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await index.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}/${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-encoding')).toBe('gzip');
    expect((await asset.text()).length).toBeGreaterThan(10_000);
    const fallback = await fetch(`${server.url}/some/client/route`);
    expect(await fallback.text()).toBe(html);
    expect((await fetch(`${server.url}/analytics/nope`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${server.url}/assets/missing-12345678.js`)).status).toBe(404);
    // An encoded ../ never leaves the dashboard folder (sent raw: fetch would normalize it).
    const traversal = await new Promise<number>((resolve, reject) => {
      request(`${server.url}/..%2f..%2f..%2f..%2fetc%2fpasswd`, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(traversal).toBe(404);
  });
});
