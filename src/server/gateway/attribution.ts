/**
 * Gateway attribution from the client's headers: `x-tokenledger-agent`, `x-tokenledger-run`,
 * `x-tokenledger-tags: k=v,k=v`, merged over a gateway key's defaults.
 *
 * @module
 */
import type { Attribution } from '../../types/index.js';
import { badRequest } from '../http-error.js';

const MAX_HEADER = 1024;

export function parseTagsHeader(value: string): Record<string, string> {
  if (value.length > MAX_HEADER)
    throw badRequest(`x-tokenledger-tags: longer than ${MAX_HEADER} characters`, 'x-tokenledger-tags');
  const tags: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    if (equals <= 0)
      throw badRequest(
        `x-tokenledger-tags: "${trimmed.slice(0, 40)}" is not key=value (use k=v,k=v)`,
        'x-tokenledger-tags',
      );
    tags[trimmed.slice(0, equals).trim()] = decodeURIComponent(trimmed.slice(equals + 1).trim());
  }
  return tags;
}

type NodeHeaders = Readonly<Record<string, string | string[] | undefined>>;

function one(headers: NodeHeaders, name: string): string | null {
  const value = headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(',') : value;
}

/** Attribution from node:http request headers (lower-case names), over the key's defaults. */
export function attributionFromHeaders(
  headers: NodeHeaders,
  defaults: Attribution | undefined,
): Attribution | undefined {
  const agent = one(headers, 'x-tokenledger-agent');
  const run = one(headers, 'x-tokenledger-run');
  const tagsHeader = one(headers, 'x-tokenledger-tags');
  if (agent === null && run === null && tagsHeader === null) return defaults;
  for (const [name, value] of [
    ['x-tokenledger-agent', agent],
    ['x-tokenledger-run', run],
  ] as const) {
    if (value !== null && (value === '' || value.length > 256))
      throw badRequest(`${name}: must be 1 to 256 characters`, name);
  }
  const tags = tagsHeader === null ? undefined : parseTagsHeader(tagsHeader);
  return {
    agent: agent ?? defaults?.agent,
    run: run ?? defaults?.run,
    tags: tags === undefined ? defaults?.tags : { ...defaults?.tags, ...tags },
  };
}
