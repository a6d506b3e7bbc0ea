/**
 * The service tier a response says it was served at, as documented:
 * - OpenAI Chat Completions and Responses: top-level `service_tier` (`default`, `flex`,
 *   `priority`, ...), the tier actually used, which may differ from the one requested
 *   (https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier);
 *   a Responses stream event holds it under `response`;
 * - Anthropic Messages: `usage.service_tier` (`standard`, `priority`, `batch`)
 *   (https://docs.claude.com/en/api/messages#response-usage-service-tier).
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
  for (const value of [body['service_tier'], usage?.['service_tier'], inner?.['service_tier']]) {
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}
