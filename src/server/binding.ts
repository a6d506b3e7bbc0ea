/**
 * Where the server listens and what that allows. Beyond loopback, each route group needs its
 * key (gateway keys for the gateway, an ingest key for ingest, an admin or read key for the
 * analytics), unless the operator said `--insecure-open`; with no key at all, `serve` stays on
 * 127.0.0.1.
 *
 * @module
 */

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|.+\.localhost|::1|\[::1\])$/i;

/** True for a loopback address or name (`127.0.0.0/8`, `::1`, `localhost`, `*.localhost`). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOST.test(host);
}

export interface Binding {
  /** The interface the server listens on. @default '127.0.0.1' */
  host: string;
  /** Serve route groups without their keys beyond loopback (`--insecure-open`). @default false */
  insecureOpen: boolean;
}

export const LOOPBACK_BINDING: Binding = { host: '127.0.0.1', insecureOpen: false };

/** True when the server can be reached from other machines. */
export function isExposed(binding: Binding): boolean {
  return !isLoopbackHost(binding.host);
}
