/**
 * The one conversion from a metered result to what is recorded: every way in (client, tracking
 * fetch, gateway, AI SDK middleware, ingest) that read usage from a body or a stream hands the
 * result to the ledger through here, so that each field (warnings included) survives every
 * path the same way.
 *
 * @module
 */
import type { RecordInput, UsageResult } from '../types/index.js';

/** What a reader found: a `UsageResult`, or the parts of one a reader of another shape has. */
export type MeteredResult = Pick<UsageResult, 'usage' | 'warnings'> &
  Partial<
    Pick<
      UsageResult,
      'provider' | 'model' | 'usageUnavailableReason' | 'rawUsage' | 'providerCost' | 'estimated' | 'serviceTier'
    >
  >;

/** The reason recorded when a reader found no usage and did not say why. */
export const NO_USAGE_REASON = 'no usage in the response';

/**
 * `base` (the call's facts: attribution, timing, status) with the metered result merged in. A
 * provider named by the caller wins over one guessed from the body; the model the provider
 * answered wins over the one requested. Warnings of both are kept. The tier the body or stream
 * names is the one priced (OpenAI may serve `auto` as `default`), except over `batch`, which only
 * the caller knows (batch output lines say `default`), as build-event.ts decides for a raw response.
 */
export function withMeteredResult(base: RecordInput, result: MeteredResult): RecordInput {
  const input: RecordInput = {
    ...base,
    provider: base.provider ?? result.provider,
    model: result.model ?? base.model,
    usage: result.usage,
    usageUnavailableReason:
      result.usage === undefined
        ? (result.usageUnavailableReason ?? base.usageUnavailableReason ?? NO_USAGE_REASON)
        : undefined,
    rawUsage: result.rawUsage,
    providerCost: result.providerCost,
    estimated: result.estimated ?? false,
  };
  const serviceTier = base.serviceTier === 'batch' ? 'batch' : (result.serviceTier ?? base.serviceTier);
  if (serviceTier !== undefined) input.serviceTier = serviceTier;
  const warnings = [...(base.warnings ?? []), ...result.warnings];
  if (warnings.length > 0) input.warnings = warnings;
  return input;
}
