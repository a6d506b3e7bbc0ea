/**
 * The shape every per-format reader returns, and how it becomes a `UsageResult`.
 *
 * @module
 */
import type { JsonValue, Usage, UsageFormat, UsageResult } from '../types/index.js';
import { finishUsage, type CountProblems, type UsageParts } from './counts.js';

/** What one format's reader found in one body or stream. */
export interface UsageRead {
  usage: Usage | undefined;
  /** Why usage is unavailable, or partly distrusted. */
  reason?: string;
  /** The provider's usage object, verbatim. */
  rawUsage?: JsonValue;
  model?: string;
  /** Cost the provider reported itself, USD. */
  providerCost?: number;
  warnings: string[];
  /** The provider's field names whose values were present but not trustworthy counts. */
  untrusted?: string[];
}

/** Usage is unavailable, with the reason why. */
export function unavailableRead(reason: string, warnings: string[] = []): UsageRead {
  return { usage: undefined, reason, warnings };
}

/**
 * Finishes parts into a read: the consistency checks of `finishUsage`, and a reason when a
 * count was distrusted or nothing could be trusted.
 */
export function readFromParts(parts: UsageParts, problems: CountProblems, rawUsage: unknown): UsageRead {
  const usage = finishUsage(parts, problems);
  const read: UsageRead = { usage, warnings: problems.warnings, rawUsage: asJson(rawUsage) };
  if (problems.untrusted.length > 0) read.untrusted = [...new Set(problems.untrusted)];
  if (usage === undefined) {
    read.reason =
      problems.untrusted.length > 0
        ? `usage object holds no trustworthy token counts (${problems.untrusted.join(', ')})`
        : 'usage object holds no token counts';
  } else if (problems.untrusted.length > 0) {
    read.reason = `some counts were untrusted and left unknown: ${[...new Set(problems.untrusted)].join(', ')}`;
  }
  return read;
}

/**
 * Values reaching us came from `JSON.parse` or from a caller's parsed body; both are JSON
 * shaped, and we keep them verbatim without a deep copy (this runs on the hot path).
 */
export function asJson(value: unknown): JsonValue | undefined {
  return value === undefined ? undefined : (value as JsonValue);
}

/** Builds the public result. */
export function toUsageResult(
  read: UsageRead,
  format: UsageFormat | undefined,
  provider: string | undefined,
): UsageResult {
  const result: UsageResult = {
    format,
    provider,
    model: read.model,
    usage: read.usage,
    estimated: false,
    warnings: read.warnings,
  };
  if (read.reason !== undefined) result.usageUnavailableReason = read.reason;
  if (read.rawUsage !== undefined) result.rawUsage = read.rawUsage;
  if (read.providerCost !== undefined) result.providerCost = read.providerCost;
  return result;
}
