/**
 * Hands the upstream's answer to the client as it comes: same status, same headers (minus
 * hop-by-hop), body bytes untouched and unbuffered, with backpressure (pipe), metered from
 * the passing chunks.
 *
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Exchange } from '../../http/index.js';

const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'trailer',
]);

export interface Delivery {
  upstreamResponse: IncomingMessage;
  res: ServerResponse;
  exchange: Exchange | undefined;
  /** Time the gateway added so far, sent in `x-tokenledger-overhead-ms`. */
  overheadMs: number;
}

export function deliverResponse({ upstreamResponse, res, exchange, overheadMs }: Delivery): void {
  const status = upstreamResponse.statusCode ?? 502;
  const contentType = upstreamResponse.headers['content-type'] ?? '';
  const metered = exchange?.respond(status, upstreamResponse.statusMessage ?? '', contentType) ?? false;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstreamResponse.headers)) {
    if (value !== undefined && !DROP_RESPONSE.has(name)) headers[name] = value;
  }
  headers['x-tokenledger-overhead-ms'] = overheadMs.toFixed(3);
  res.writeHead(status, upstreamResponse.statusMessage, headers);
  // Streams: send each event as soon as it arrives (no Nagle wait on small writes).
  res.socket?.setNoDelay(true);
  upstreamResponse.pipe(res, { end: false });
  if (metered && exchange !== undefined) {
    // Registered after pipe's own listener: the client gets each chunk before the meter sees it.
    upstreamResponse.on('data', (chunk: Buffer) => exchange.chunk(chunk));
  }
  upstreamResponse.on('end', () => {
    // The last byte goes out below: what must be settled before the caller holds the whole
    // answer (the call's event) is settled here.
    if (metered) exchange?.end('done');
    res.end();
  });
  upstreamResponse.on('error', (error) => {
    exchange?.end('cut', error);
    res.destroy();
  });
}
