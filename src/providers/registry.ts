/**
 * Lookups over the provider records: by id or alias, by URL (host, path marker, local port),
 * and the id a provider nobody recorded gets from its host.
 *
 * @module
 */
import { PROVIDER_RECORDS } from './records.js';
import type { ProviderRecord } from './types.js';

const byName = new Map<string, ProviderRecord>();
for (const record of PROVIDER_RECORDS) {
  for (const name of [record.id, ...record.aliases]) byName.set(name.toLowerCase(), record);
}

/** Every record, in matching order. */
export function providerRecords(): readonly ProviderRecord[] {
  return PROVIDER_RECORDS;
}

/** The record a provider id or alias names (any case), or `undefined`. */
export function providerRecord(name: string | undefined): ProviderRecord | undefined {
  if (name === undefined) return undefined;
  return byName.get(name.trim().toLowerCase());
}

/**
 * The canonical id for a provider name: a known id or alias becomes the record's id
 * (`gemini` -> `google`, `x-ai` -> `xai`, `OpenAI` -> `openai`); any other name is kept as
 * given, trimmed. `undefined` for a missing or blank name.
 */
export function canonicalProviderId(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  return byName.get(trimmed.toLowerCase())?.id ?? trimmed;
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes('*')) return host === pattern;
  // `*` stands for one or more characters of a hostname (`*.azure-api.net`, `bedrock-runtime.*.amazonaws.com`).
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&'))
    .join('[a-z0-9.-]+');
  return new RegExp(`^${source}$`).test(host);
}

const hostMemo = new Map<string, ProviderRecord | null>();

/** The record whose API hosts include `hostname`, or `undefined`. */
export function providerByHost(hostname: string): ProviderRecord | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const memo = hostMemo.get(host);
  if (memo !== undefined) return memo ?? undefined;
  const found = PROVIDER_RECORDS.find((record) => record.hosts.some((pattern) => hostMatches(pattern, host)));
  // Bounded: a gateway sees few hosts, but a caller could name many.
  if (hostMemo.size >= 512) hostMemo.clear();
  hostMemo.set(host, found ?? null);
  return found;
}

/** Loopback, private and single-label hosts name a server of the caller's, not a provider. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0.0.0.0') return true;
  if (!host.includes('.')) return true; // `vllm`, a container's service name
  if (/\.(local|internal|lan|home|svc|cluster\.local)$/.test(host)) return true;
  const octets = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (octets !== null) {
    const [a, b] = [Number(octets[1]), Number(octets[2])];
    return (
      a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254)
    );
  }
  // IPv6 unique-local and link-local.
  return /^f[cd][0-9a-f]{2}:|^fe80:/.test(host);
}

/**
 * The id a provider nobody recorded gets from its public host: its registrable domain
 * (`api.example-llm.com` -> `example-llm.com`, `llm.acme.co.uk` -> `acme.co.uk`), so every
 * subdomain of one service lands under one id. `undefined` for local hosts and IP addresses.
 */
export function providerIdFromHost(hostname: string): string | undefined {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (isLocalHost(host) || /^[\d.]+$/.test(host) || host.includes(':')) return undefined;
  const labels = host.split('.');
  // A two-letter country TLD under a short second level (co.uk, com.au, co.jp) keeps three labels.
  const last = labels[labels.length - 1] ?? '';
  const second = labels[labels.length - 2] ?? '';
  const keep = last.length === 2 && second.length <= 3 && labels.length >= 3 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * The provider an endpoint URL names: a recorded one by its path marker, host or local port;
 * else, for a public host, the id from the host. `undefined` for a local server on another
 * port or a URL that does not parse.
 */
export function providerIdFromUrl(url: string): string | undefined {
  const lower = url.toLowerCase();
  const marked = PROVIDER_RECORDS.find(
    (record) => record.quirks?.urlPathMarker !== undefined && lower.includes(record.quirks.urlPathMarker),
  );
  if (marked !== undefined) return marked.id;
  const parsed = parseUrl(url);
  if (parsed === undefined) return undefined;
  const known = providerByHost(parsed.hostname);
  if (known !== undefined) return known.id;
  const local = PROVIDER_RECORDS.find(
    (record) => record.quirks?.localPort !== undefined && parsed.port === String(record.quirks.localPort),
  );
  if (local !== undefined) return local.id;
  return providerIdFromHost(parsed.hostname);
}
