import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeTransport } from '#src/client/transport.js';

describe('nodeTransport', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => response.end(JSON.stringify({ path: request.url, body })));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  const send = (url: string) =>
    nodeTransport()({ url, headers: {}, body: '{"q":1}', cancel: { aborted: false, onAbort: () => () => undefined } });

  it('sends over http', async () => {
    const response = await send(`http://127.0.0.1:${port}/v1/chat`);
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual({ path: '/v1/chat', body: '{"q":1}' });
  });

  it('ends a request called off before its answer', async () => {
    let callOff = (): void => undefined;
    const sent = nodeTransport()({
      url: `http://127.0.0.1:${port}/slow`,
      headers: {},
      body: '',
      cancel: {
        aborted: false,
        onAbort: (listener) => {
          callOff = listener;
          return () => undefined;
        },
      },
    });
    callOff();
    await expect(sent).rejects.toThrow('aborted');
  });

  // node:https loads with the first https URL only: this one still speaks TLS, which the plain
  // HTTP server does not (an http request would have been answered 200).
  it('speaks TLS to an https URL', async () => {
    await expect(send(`https://127.0.0.1:${port}/v1/chat`)).rejects.toThrow(/SSL|TLS|EPROTO|wrong version/i);
  });
});
