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
