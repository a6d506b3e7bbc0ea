/**
 * Hands the upstream's answer to the client as it comes: same status, same headers (minus
 * hop-by-hop), body bytes untouched and unbuffered, with backpressure (pipe), metered from
 * the passing chunks. The one exception: a stream we asked for its usage loses, on its way to
 * the client, exactly what that option added (src/usage/include-usage.ts); the meter still
 * sees every byte.
 *
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { Exchange } from '../../http/index.js';
import { createIncludeUsageFilter } from '../../usage/index.js';

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
  /** The request had stream_options.include_usage added: remove what it added to the answer. */
  removeAddedUsage?: boolean;
  /** Body bytes already read from `upstreamResponse` (an error answer that was checked). */
  prefix?: Buffer;
  /** `upstreamResponse` has ended: `prefix` is the whole body. */
  ended?: boolean;
  /** Headers the gateway adds (`x-tokenledger-budget-*`). */
  extraHeaders?: OutgoingHttpHeaders;
}

/** The stream the client reads: the filter that removes the added usage. */
function usageRemover(): Transform {
  const filter = createIncludeUsageFilter();
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const kept = filter.write(chunk);
      done(null, kept.length === 0 ? undefined : kept);
    },
    flush(done) {
      const rest = filter.end();
      done(null, rest.length === 0 ? undefined : rest);
    },
  });
}

export function deliverResponse(delivery: Delivery): void {
  const { upstreamResponse, res, exchange, overheadMs } = delivery;
  const status = upstreamResponse.statusCode ?? 502;
  const contentType = upstreamResponse.headers['content-type'] ?? '';
  const metered = exchange?.respond(status, upstreamResponse.statusMessage ?? '', contentType) ?? false;
  const removing = delivery.removeAddedUsage === true && status >= 200 && status <= 299;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstreamResponse.headers)) {
    if (value !== undefined && !DROP_RESPONSE.has(name)) headers[name] = value;
  }
  // The client gets fewer bytes than the upstream sent.
  if (removing) delete headers['content-length'];
  Object.assign(headers, delivery.extraHeaders);
  headers['x-tokenledger-overhead-ms'] = overheadMs.toFixed(3);
  res.writeHead(status, upstreamResponse.statusMessage, headers);
  // Streams: send each event as soon as it arrives (no Nagle wait on small writes).
  res.socket?.setNoDelay(true);
  if (delivery.prefix !== undefined && delivery.prefix.length > 0) res.write(delivery.prefix);
  if (delivery.ended === true) {
    res.end();
    return;
  }
  const remover = removing ? usageRemover() : undefined;
  if (remover === undefined) upstreamResponse.pipe(res, { end: false });
  else upstreamResponse.pipe(remover).pipe(res, { end: false });
  if (metered && exchange !== undefined) {
    // Registered after pipe's own listener: the client gets each chunk before the meter sees it.
    upstreamResponse.on('data', (chunk: Buffer) => exchange.chunk(chunk));
  }
  const finish = (): void => {
    // The last byte goes out below: what must be settled before the caller holds the whole
    // answer (the call's event) is settled here.
    if (metered) exchange?.end('done');
    res.end();
  };
  if (remover === undefined) upstreamResponse.on('end', finish);
  else remover.on('end', finish);
  upstreamResponse.on('error', (error) => {
    exchange?.end('cut', error);
    res.destroy();
  });
}
