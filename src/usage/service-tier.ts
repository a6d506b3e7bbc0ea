/**
 * The service tier a response says it was served at, as documented:
 * - OpenAI Chat Completions and Responses: top-level `service_tier` (`default`, `flex`,
 *   `priority`, ...), the tier actually used, which may differ from the one requested
 *   (https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier);
 *   a Responses stream event holds it under `response`;
 * - Anthropic Messages: `usage.service_tier` (`standard`, `priority`, `batch`)
 *   (https://docs.claude.com/en/api/messages#response-usage-service-tier); a stream's
 *   `message_start` holds it under `message.usage`, a `message_delta` under `usage`.
 * A stream names its tier in its events (OpenAI: every chat chunk; Responses: the `response`
 * events; Anthropic: `message_start`, `message_delta`): the last one named is the tier used.
 * Kept as given; the pricer decides what a name means (pricing/service-tier.ts).
 *
 * @module
 */
import { isRecord } from './counts.js';
import { isJsonSpace } from './stream-support.js';

/** The tier named by a body (or stream event), or `undefined`. */
export function serviceTierOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const usage = isRecord(body['usage']) ? body['usage'] : undefined;
  const inner = isRecord(body['response']) ? body['response'] : undefined;
  const message = isRecord(body['message']) ? body['message'] : undefined;
  const messageUsage = isRecord(message?.['usage']) ? message['usage'] : undefined;
  for (const value of [
    body['service_tier'],
    usage?.['service_tier'],
    inner?.['service_tier'],
    messageUsage?.['service_tier'],
  ]) {
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

const TIER_KEY = '"service_tier"';

/**
 * True when `serviceTierOf` of this event's JSON cannot name a tier other than `current`: every
 * `"service_tier"` in the text holds `current` as a plain string (no escapes) or something that is
 * not a string. `serviceTierOf` only ever returns one of those strings, and a stream keeps its tier
 * when an event names none, so the event need not be parsed. OpenAI names the same tier in every
 * chunk of a chat stream: one parse per stream instead of one per chunk.
 */
export function namesNoOtherTier(text: string, current: string | undefined): boolean {
  let from = text.indexOf(TIER_KEY);
  while (from !== -1) {
    let index = from + TIER_KEY.length;
    while (isJsonSpace(text.charCodeAt(index))) index++;
    if (text.charCodeAt(index) !== 58) return false;
    index++;
    while (isJsonSpace(text.charCodeAt(index))) index++;
    if (text.charCodeAt(index) === 34) {
      const end = text.indexOf('"', index + 1);
      if (current === undefined || end === -1) return false;
      const value = text.slice(index + 1, end);
      if (value !== current || value.includes('\\')) return false;
    } else if (!text.startsWith('null', index)) return false;
    from = text.indexOf(TIER_KEY, index);
  }
  return true;
}
