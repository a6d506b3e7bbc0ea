/**
 * Loops refused. A gateway whose upstream points back at itself (directly, or through other
 * tokenledger gateways) would forward one call until sockets run out. Each gateway process has
 * a random hop id and appends it to `x-tokenledger-via` on what it sends upstream, keeping the
 * ids of the gateways before it; a request that already carries its own id is refused with a
 * 508 naming the upstream. Chains of distinct gateways (a team's in front of a central one)
 * keep working. At start, `serve` refuses an upstream that resolves to its own address and port.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { networkInterfaces } from 'node:os';
import { HttpError } from '../http-error.js';
import type { Upstream } from './upstreams.js';

export const VIA_HEADER = 'x-tokenledger-via';

/** This process's hop id: random, so two gateways never share one. */
export function newHopId(): string {
  return randomBytes(8).toString('hex');
}

/** The hop ids a request carries (`x-tokenledger-via: id1, id2`), at most 32 (a longer chain is a loop too). */
export function hopsOf(headers: IncomingHttpHeaders): string[] {
  const value = headers[VIA_HEADER];
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '')
    .slice(0, 33);
}

const MAX_HOPS = 32;

/** A 508 when this gateway (or more than 32 of them) already forwarded the request. */
export function checkNoLoop(hops: readonly string[], hopId: string, upstreamName: string): void {
  if (hops.includes(hopId) || hops.length > MAX_HOPS)
    throw new HttpError(
      508,
      'loop_detected',
      `this request already passed through this gateway: its upstream ${upstreamName} leads back here; point it at the provider`,
    );
}

/** The `x-tokenledger-via` value to send upstream. */
export function viaValue(hops: readonly string[], hopId: string): string {
  return [...hops, hopId].join(', ');
}

function defaultPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

/** The addresses this server answers on: every local interface when bound to 0.0.0.0 or ::. */
async function ownAddresses(host: string): Promise<Set<string>> {
  if (ANY_ADDRESS.has(host)) {
    const addresses = new Set<string>(['127.0.0.1', '::1']);
    for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) addresses.add(entry.address);
    return addresses;
  }
  const resolved = await lookup(host.replace(/^\[|\]$/g, ''), { all: true }).catch(() => []);
  return new Set([host, ...resolved.map((entry) => entry.address)]);
}

/**
 * The first upstream that resolves to this server's own address and port, or `undefined`.
 * A name that does not resolve is not a loop (it fails on use, as before).
 */
export async function selfUpstream(
  upstreams: readonly Upstream[],
  own: { host: string; port: number },
): Promise<Upstream | undefined> {
  let mine: Set<string> | undefined;
  for (const upstream of upstreams) {
    let url: URL;
    try {
      url = new URL(upstream.baseURL);
    } catch {
      continue;
    }
    if (defaultPort(url) !== own.port) continue;
    mine ??= await ownAddresses(own.host);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = await lookup(hostname, { all: true }).catch(() => []);
    if (addresses.some((entry) => mine!.has(entry.address))) return upstream;
  }
  return undefined;
}
