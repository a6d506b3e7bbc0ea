/**
 * When the tracking fetch and the gateway ask a stream for its usage on the caller's behalf
 * (the byte splice of src/usage/include-usage.ts): a chat-completions request whose provider's
 * registry record says its streams carry usage only when asked (`streamUsage: 'on-request'`),
 * unless turned off. A 400/422 naming the option is retried once without it, and said once per
 * provider and route.
 *
 * @module
 */
import { providerRecord } from '../providers/index.js';
import { spliceIncludeUsage } from '../usage/index.js';
import type { Logger } from '../types/index.js';

/**
 * `inject`: ask on-request providers' chat streams for usage and hide the answer from the
 * caller; `off`: send requests exactly as given (such streams are then estimated).
 */
export type StreamUsageMode = 'inject' | 'off';

/** The default: plain streams (the SDKs' default) are metered. */
export const DEFAULT_STREAM_USAGE_MODE: StreamUsageMode = 'inject';

const CHAT_PATH = /\/chat\/completions\/?$/;

/** True for an OpenAI-style chat-completions URL. */
export function isChatCompletionsUrl(url: string): boolean {
  try {
    return CHAT_PATH.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** True when the provider's chat streams send usage only when asked for it. */
export function streamUsageOnRequest(provider: string | undefined, url: string): boolean {
  if (provider === undefined) return false;
  return isChatCompletionsUrl(url) && providerRecord(provider)?.streamUsage === 'on-request';
}

/** The body with the option added, when this request is one to add it to; `undefined` otherwise. */
export function withStreamUsageAsked(
  mode: StreamUsageMode,
  provider: string | undefined,
  url: string,
  body: Uint8Array,
): Uint8Array | undefined {
  if (mode === 'off' || !streamUsageOnRequest(provider, url)) return undefined;
  return spliceIncludeUsage(body);
}

/** Says once per provider and route that a provider refused the option, so it is sent without. */
export function createRefusalNotice(logger: Logger | undefined): (provider: string, route: string) => void {
  const told = new Set<string>();
  return (provider, route) => {
    const key = `${provider} ${route}`;
    if (told.has(key)) return;
    told.add(key);
    logger?.warn('the provider refused stream_options.include_usage; sent again without it', { provider, route });
  };
}
