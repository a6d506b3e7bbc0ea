/**
 * Gateway attribution from the client's headers: `x-tokenledger-agent`, `x-tokenledger-run`,
 * `x-tokenledger-tags: k=v,k=v` (values may be percent-encoded), `x-tokenledger-user` and
 * `x-tokenledger-session` (the reserved tags `user` and `session`), merged over a gateway key's
 * defaults.
 *
 * Fail-open (DESIGN.md: a caller's header is never a reason to drop a call from the ledger):
 * what cannot be read is left out with a warning, and limits are applied by the ledger's
 * `fitRecordInput` when the event is recorded (batching-recorder.ts). The call itself always
 * goes ahead.
 *
 * Header values reach node:http as latin1, one character per byte; clients send UTF-8 (curl,
 * fetch, most SDKs) or latin1 (Python's http.client). A value that is valid UTF-8 is read as
 * UTF-8, anything else stays latin1, so `é` is `é` either way and never mojibake.
 *
 * @module
 */
import type { Attribution } from '../../types/index.js';

/** Longer tag headers are not parsed: the tags would be cut anyway, and parsing costs the hot path. */
const MAX_TAGS_HEADER = 16 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export interface HeaderAttribution {
  attribution: Attribution | undefined;
  /** What the headers got wrong, for the event's warnings. */
  warnings: string[];
}

/** A header value as the client meant it: UTF-8 when its bytes are UTF-8, else latin1 as received. */
export function headerText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the range checked for.
  if (!/[^\x00-\x7f]/.test(value)) return value;
  try {
    return UTF8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** `decodeURIComponent`, or `undefined` when `value` holds a malformed `%` escape. */
export function decodePercent(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** `k=v,k=v` -> tags; pairs that cannot be read are skipped with a warning. */
export function parseTagsHeader(value: string, warnings: string[] = []): Record<string, string> {
  const tags = new Map<string, string>();
  if (value.length > MAX_TAGS_HEADER) {
    warnings.push(`x-tokenledger-tags ignored: longer than ${MAX_TAGS_HEADER} characters`);
    return {};
  }
  for (const pair of value.split(',')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) {
      warnings.push(`x-tokenledger-tags: "${trimmed.slice(0, 40)}" is not key=value (use k=v,k=v); skipped`);
      continue;
    }
    const key = trimmed.slice(0, equals).trim();
    const raw = trimmed.slice(equals + 1).trim();
    const decoded = decodePercent(raw);
    if (decoded === undefined)
      warnings.push(`x-tokenledger-tags: ${key.slice(0, 40)} has a malformed % escape; kept as sent`);
    tags.set(key, decoded ?? raw);
  }
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(tags);
}

type NodeHeaders = Readonly<Record<string, string | string[] | undefined>>;

function one(headers: NodeHeaders, name: string): string | null {
  const value = headers[name];
  return value === undefined ? null : headerText(Array.isArray(value) ? value.join(',') : value);
}

/**
 * Users and sessions (a conversation) are reserved tags, `user` and `session`: filtered with
 * `tag.user=...`, grouped with `by=tag:user`, like any tag. These headers set them without
 * spelling a tags list, and win over the same keys in `x-tokenledger-tags`.
 */
const RESERVED_TAG_HEADERS = [
  ['x-tokenledger-user', 'user'],
  ['x-tokenledger-session', 'session'],
] as const;

function reservedTagHeaders(headers: NodeHeaders): Record<string, string> | undefined {
  let tags: Record<string, string> | undefined;
  for (const [header, key] of RESERVED_TAG_HEADERS) {
    const value = one(headers, header);
    if (value !== null && value !== '') tags = { ...tags, [key]: value };
  }
  return tags;
}

/** Attribution from node:http request headers (lower-case names), over the key's defaults. */
export function attributionFromHeaders(headers: NodeHeaders, defaults: Attribution | undefined): HeaderAttribution {
  const agent = one(headers, 'x-tokenledger-agent');
  const run = one(headers, 'x-tokenledger-run');
  const tagsHeader = one(headers, 'x-tokenledger-tags');
  const reserved = reservedTagHeaders(headers);
  const warnings: string[] = [];
  if (agent === null && run === null && tagsHeader === null && reserved === undefined)
    return { attribution: defaults, warnings };
  const parsed = tagsHeader === null ? undefined : parseTagsHeader(tagsHeader, warnings);
  const tags = parsed === undefined && reserved === undefined ? undefined : { ...parsed, ...reserved };
  const attribution: Attribution = {
    agent: agent === null || agent === '' ? defaults?.agent : agent,
    run: run === null || run === '' ? defaults?.run : run,
    tags: tags === undefined ? defaults?.tags : { ...defaults?.tags, ...tags },
  };
  return { attribution, warnings };
}
