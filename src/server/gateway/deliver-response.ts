/**
 * Hands the upstream's answer to the client as it comes: same status, same headers (minus
 * hop-by-hop), body bytes untouched and unbuffered, with backpressure (pipe), metered from
 * the passing chunks. The one exception: a stream we asked for its usage loses, on its way to
 * the client, exactly what that option added (src/usage/include-usage.ts); the meter still
 * sees every byte. A metered JSON answer is held until it is whole, so that its headers can say
 * what it cost (cost-header.ts); a stream says it in a trailer when its client reads trailers.
 *
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { type Exchange, isStreamContentType } from '../../http/index.js';
import type { Cost, RecordInput } from '../../types/index.js';
import { createIncludeUsageFilter } from '../../usage/index.js';
import type { BodyTap } from './batch-results.js';
import { RESULTS_URL_MAX_BYTES } from './results-url.js';
import { COST_HEADER, COST_HEADER_MAX_BYTES, costHeaderValue } from './cost-header.js';

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
  /** The cost of what the exchange recorded (the ledger's preview); null when it has no price. */
  priceOf: (input: RecordInput) => Cost | null;
  /** The client sent `TE: trailers`: a stream's cost can follow its last chunk. */
  acceptsTrailers: boolean;
  /** Sees a 2xx body as it passes (batch-results.ts). */
  bodyTap?: BodyTap;
  /** Edits a whole 2xx JSON answer of an unrecorded read (an Anthropic batch's `results_url`, results-url.ts). */
  rewrite?: (body: Buffer) => Buffer;
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
  const streaming = isStreamContentType(contentType);
  if (delivery.rewrite !== undefined && !metered && !streaming && status >= 200 && status <= 299) {
    if (delivery.prefix === undefined) {
      holdToRewrite(delivery, delivery.rewrite, headers);
      return;
    }
  }
  if (metered && exchange !== undefined && !streaming && !removing && delivery.prefix === undefined) {
    holdForCost(delivery, exchange, headers);
    return;
  }
  // A trailer needs chunked encoding, which an answer of known length does not use.
  const trailer = metered && streaming && delivery.acceptsTrailers && headers['content-length'] === undefined;
  if (trailer) headers['trailer'] = COST_HEADER;
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
  const tap = status >= 200 && status <= 299 ? delivery.bodyTap : undefined;
  if (tap !== undefined) upstreamResponse.on('data', (chunk: Buffer) => tap.write(chunk));
  const finish = (): void => {
    // The last byte goes out below: what must be settled before the caller holds the whole
    // answer (the call's event) is settled here.
    const recorded = metered ? exchange?.end('done') : undefined;
    tap?.end();
    if (trailer && recorded !== undefined) {
      const cost = costHeaderValue(delivery.priceOf(recorded));
      if (cost !== undefined) res.addTrailers({ [COST_HEADER]: cost });
    }
    res.end();
  };
  if (remover === undefined) upstreamResponse.on('end', finish);
  else remover.on('end', finish);
  upstreamResponse.on('error', (error) => {
    exchange?.end('cut', error);
    res.destroy();
  });
}

/**
 * An answer to edit: held until whole (up to RESULTS_URL_MAX_BYTES), edited, sent with its new
 * length. Past the limit it is passed on as it comes, unedited.
 */
function holdToRewrite(delivery: Delivery, rewrite: (body: Buffer) => Buffer, headers: OutgoingHttpHeaders): void {
  const { upstreamResponse, res } = delivery;
  const status = upstreamResponse.statusCode ?? 502;
  const held: Buffer[] = [];
  let size = 0;
  let passing = false;
  upstreamResponse.on('data', (chunk: Buffer) => {
    if (passing) {
      if (!res.write(chunk)) {
        upstreamResponse.pause();
        res.once('drain', () => upstreamResponse.resume());
      }
      return;
    }
    held.push(chunk);
    size += chunk.length;
    if (size <= RESULTS_URL_MAX_BYTES) return;
    passing = true;
    res.writeHead(status, upstreamResponse.statusMessage, headers);
    res.write(Buffer.concat(held, size));
    held.length = 0;
  });
  upstreamResponse.on('end', () => {
    if (passing) {
      res.end();
      return;
    }
    const body = rewrite(Buffer.concat(held, size));
    res.writeHead(status, upstreamResponse.statusMessage, { ...headers, 'content-length': body.length });
    res.end(body);
  });
  upstreamResponse.on('error', () => res.destroy());
}

/**
 * A metered JSON answer: held until whole (up to COST_HEADER_MAX_BYTES), recorded, then sent
 * with its cost in a header. Past the limit it is passed on as it comes, without the header.
 */
function holdForCost(delivery: Delivery, exchange: Exchange, headers: OutgoingHttpHeaders): void {
  const { upstreamResponse, res } = delivery;
  const status = upstreamResponse.statusCode ?? 502;
  const held: Buffer[] = [];
  let size = 0;
  let passing = false;
  const pass = (chunk: Buffer): void => {
    if (!res.write(chunk)) {
      upstreamResponse.pause();
      res.once('drain', () => upstreamResponse.resume());
    }
  };
  upstreamResponse.on('data', (chunk: Buffer) => {
    exchange.chunk(chunk);
    if (passing) {
      pass(chunk);
      return;
    }
    held.push(chunk);
    size += chunk.length;
    if (size <= COST_HEADER_MAX_BYTES) return;
    passing = true;
    res.writeHead(status, upstreamResponse.statusMessage, headers);
    pass(Buffer.concat(held, size));
    held.length = 0;
  });
  upstreamResponse.on('end', () => {
    // Recorded before the last byte leaves, as every gateway call is.
    const recorded = exchange.end('done');
    if (!passing) {
      const cost = recorded === undefined ? undefined : costHeaderValue(delivery.priceOf(recorded));
      if (cost !== undefined) headers[COST_HEADER] = cost;
      res.writeHead(status, upstreamResponse.statusMessage, headers);
      res.end(Buffer.concat(held, size));
      return;
    }
    res.end();
  });
  upstreamResponse.on('error', (error) => {
    exchange.end('cut', error);
    res.destroy();
  });
}
