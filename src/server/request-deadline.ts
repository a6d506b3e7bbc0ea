/**
 * How long a client may take to send a request's body. node:http's own `requestTimeout` is one
 * figure for every request on the server, so it would cut a 512 MiB upload that the gateway
 * streams through after the same 5 minutes as a 2 KB chat request. The server therefore turns
 * it off and bounds each request here by its kind:
 *
 * - a buffered body (JSON calls, ingest, OTLP): whole within `requestTimeoutMs` of its headers;
 * - an upload streamed through (`streamsBody` routes): no pause longer than `uploadIdleTimeoutMs`
 *   (the socket's byte count, looked at four times per period: a listener on the body would
 *   change how it flows, and node:http destroys a socket on its own inactivity timer before
 *   anyone can answer), and whole within `uploadTimeoutMs`.
 *
 * A request over its bound is answered 408 and its connection closed, as node:http does.
 * Headers stay bounded by node:http's `headersTimeout`.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RequestDeadline {
  /** Whole body within this many ms of the handler seeing the request. */
  totalMs: number;
  /** No pause between bytes longer than this (streamed uploads). */
  idleMs?: number;
}

const TIMEOUT_BODY = JSON.stringify({
  error: { code: 'request_timeout', message: 'the request body did not arrive in time' },
});
const TIMEOUT_RESPONSE =
  'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${Buffer.byteLength(TIMEOUT_BODY)}\r\n\r\n${TIMEOUT_BODY}`;

/** Bounds how long `req`'s body may take; a request already received costs nothing. */
export function watchRequestDeadline(req: IncomingMessage, res: ServerResponse, deadline: RequestDeadline): void {
  if (req.complete) return;
  const { socket } = req;
  const cut = (): void => {
    stop();
    if (req.complete) return;
    // An answer already started (an early 413 or 401 lingering on the rest): only the cut is left.
    if (!res.headersSent && socket.writable) socket.end(TIMEOUT_RESPONSE);
    socket.destroySoon();
  };
  const timer = setTimeout(cut, deadline.totalMs);
  timer.unref();
  const watch = deadline.idleMs === undefined ? undefined : watchIdle(socket, deadline.idleMs, cut);
  const stop = (): void => {
    clearTimeout(timer);
    clearInterval(watch);
    req.off('end', stop);
    res.off('close', stop);
  };
  req.once('end', stop);
  res.once('close', stop);
}

/** Calls `cut` once `socket` has read nothing for about `idleMs` (at most a quarter more). */
function watchIdle(socket: Socket, idleMs: number, cut: () => void): ReturnType<typeof setInterval> {
  const step = Math.max(10, Math.floor(idleMs / 4));
  let seen = socket.bytesRead;
  let quietMs = 0;
  const watch = setInterval(() => {
    if (socket.bytesRead !== seen) {
      seen = socket.bytesRead;
      quietMs = 0;
      return;
    }
    quietMs += step;
    if (quietMs >= idleMs) cut();
  }, step);
  watch.unref();
  return watch;
}
