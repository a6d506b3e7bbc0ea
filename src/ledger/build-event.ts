/**
 * A validated record input + the scope's attribution -> a priced UsageEvent.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import { canonicalProviderId } from '../providers/index.js';
import { type Pricer, serviceTierName, tierPricing } from '../pricing/index.js';
import { priceEvent } from './price-event.js';
import { isCostMismatch, usdToNanos } from '../units/index.js';
import { normalizeResponse } from '../usage/index.js';
import type { Attribution, Usage, UsageEvent, UsageResult } from '../types/index.js';
import {
  boundWarnings,
  cleanText,
  cutText,
  isStorableJson,
  MAX_NAME_LENGTH,
  MAX_USD,
  type ValidInput,
} from './validate.js';

/** The reserved tag that keeps a call's service tier (standard: absent), so it is stored without a column. */
export const SERVICE_TIER_TAG = 'service_tier';

export interface BuildContext {
  pricer: Pricer;
  /** Epoch ms now (the event time when the input has none). */
  now: number;
  /** A fresh id (when the input has none). */
  newId: () => string;
  scope: Attribution;
}

function unknownUsage(): Usage {
  return {
    inputTokens: undefined,
    outputTokens: undefined,
    totalTokens: undefined,
    cacheReadTokens: undefined,
    cacheWriteTokens: undefined,
    reasoningTokens: undefined,
  };
}

/**
 * Builds the event. Attribution: the input's agent/run win over the scope's; tags are merged,
 * the input's winning per key. Usage: the caller's counts win; else the raw `response` is
 * normalized (hinted with the provider and model), which also supplies the answered model,
 * the provider when not given, the raw usage and a provider-reported cost.
 */
export function buildEvent(input: ValidInput, context: BuildContext): UsageEvent {
  let normalized: UsageResult | undefined;
  if (input.response !== undefined && input.response !== null) {
    normalized = normalizeResponse(input.response, {
      provider: input.provider,
      model: input.model ?? input.requestedModel,
    });
  }
  // Canonical on the way in: `gemini`, `x-ai`, `OpenAI` are stored as `google`, `xai`, `openai`.
  // What a response says is checked here, where it is read: the caller's own fields passed validate.ts.
  const readWarnings: string[] = [];
  const provider = canonicalProviderId(input.provider ?? fitRead(normalized?.provider, 'provider', readWarnings));
  if (provider === undefined) throw new ValidationError('provider: is required', { field: 'provider' });
  const model = fitRead(normalized?.model, 'model', readWarnings) ?? input.model ?? input.requestedModel;
  if (model === undefined) throw new ValidationError('model: is required', { field: 'model' });
  const requestedModel =
    input.requestedModel ?? (input.model !== undefined && input.model !== model ? input.model : undefined);

  const usage = input.usage ?? normalized?.usage;
  const timeMs = input.timeMs ?? context.now;
  const scopeTags = context.scope.tags;
  const tags =
    scopeTags === undefined
      ? (input.tags ?? {})
      : input.tags === undefined
        ? { ...scopeTags }
        : { ...scopeTags, ...input.tags };

  const event: UsageEvent = {
    id: input.id ?? context.newId(),
    time: new Date(timeMs).toISOString(),
    provider,
    model,
    tags,
    usage: usage ?? unknownUsage(),
    cost: null,
    status: input.status ?? (input.error === undefined ? 'ok' : 'error'),
    attempts: input.attempts,
    estimated: input.estimated ?? normalized?.estimated ?? false,
  };
  if (requestedModel !== undefined) event.requestedModel = requestedModel;
  const agent = input.agent ?? context.scope.agent;
  if (agent !== undefined) event.agent = agent;
  const run = input.run ?? context.scope.run;
  if (run !== undefined) event.run = run;
  if (usage === undefined) {
    event.usageUnavailableReason =
      input.usageUnavailableReason ??
      normalized?.usageUnavailableReason ??
      (normalized === undefined ? 'no usage reported' : 'no usage in the response');
  }
  let rawUsage = input.rawUsage ?? normalized?.rawUsage;
  if (input.rawUsage === undefined && rawUsage !== undefined && !isStorableJson(rawUsage)) {
    readWarnings.push('the raw usage held text no store keeps (NUL, broken Unicode) or nested too deep; not kept');
    rawUsage = undefined;
  }
  if (rawUsage !== undefined) event.rawUsage = rawUsage;
  let providerCost = input.providerCost ?? normalized?.providerCost;
  if (providerCost !== undefined && !(providerCost >= 0 && providerCost <= MAX_USD)) {
    readWarnings.push(`the response's cost of ${providerCost} USD not kept: outside 0 to ${MAX_USD}`);
    providerCost = undefined;
  }
  if (providerCost !== undefined) event.providerCost = providerCost;
  if (input.durationMs !== undefined) event.durationMs = input.durationMs;
  if (input.timeToFirstTokenMs !== undefined) event.timeToFirstTokenMs = input.timeToFirstTokenMs;
  if (input.error !== undefined) event.error = input.error;
  if (input.trace !== undefined) event.trace = input.trace;

  // The tier a response names is the one used (OpenAI may serve `auto` as `default`); only the
  // caller knows a call came through a batch API (its output lines say `default`).
  const callerTier = serviceTierName(input.serviceTier);
  const answered = normalized?.serviceTier;
  const tier = callerTier === 'batch' || answered === undefined ? callerTier : serviceTierName(answered);
  if (tier !== undefined) event.tags = { ...tags, [SERVICE_TIER_TAG]: tier };
  if (usage === undefined) {
    event.costUnavailableReason = 'usage unavailable';
  } else {
    const priced = priceEvent(context.pricer, { provider, model, usage, timeMs, tier }, context.now);
    if (priced.cost !== null && tier !== undefined) readWarnings.push(tierPricing(tier).warning);
    if (priced.warning !== undefined) readWarnings.push(priced.warning);
    if (priced.cost === null) event.costUnavailableReason = priced.costUnavailableReason;
    else {
      event.cost = priced.cost;
      event.priceSource = priced.priceSource;
      event.pricedAt = priced.pricedAt;
    }
  }
  // Both figures, where the provider's own cost and ours disagree (the rule is the store's, so a
  // stored event reads back with the same flag).
  if (
    event.cost !== null &&
    providerCost !== undefined &&
    isCostMismatch(event.cost.totalNanos, usdToNanos(providerCost))
  )
    event.providerCostMismatch = { ours: event.cost.total, provider: providerCost };
  const warnings = boundWarnings([...input.warnings, ...(normalized?.warnings ?? []), ...readWarnings]);
  if (warnings.length > 0) event.warnings = warnings;
  return event;
}

/** A name read from a response, made storable: cleaned and cut to the ledger's limit, with a warning. */
function fitRead(value: string | undefined, field: string, warnings: string[]): string | undefined {
  if (value === undefined) return undefined;
  const fitted = cutText(cleanText(value), MAX_NAME_LENGTH);
  if (fitted !== value) warnings.push(`the response's ${field} was cut or cleaned to fit the ledger`);
  return fitted === '' ? undefined : fitted;
}
