/**
 * What a finished call settles to, read from its recorded event: the provider's reported cost
 * when it reports one, else ours.
 * - a success settles to its cost; a success we cannot price settles at the hold (flagged);
 * - a failure with usage settles to that usage's cost: a stream the caller cancelled carries its
 *   input plus what was streamed (the output counted with the tokenizer when the provider's count
 *   never came: usage/estimate-stream.ts); a stream cut by the network whose output count never
 *   came (Anthropic and OpenAI send it last) settles to the known input plus the output held;
 * - a failure with no usage that the provider answered with an error status, or that never got
 *   a response, settles to 0 (providers bill neither);
 * - a failure cut mid-body before any usage arrived cannot be known: it settles at the hold.
 *
 * @module
 */
import { usdToNanos } from '../units/index.js';
import type { UsageEvent } from '../types/index.js';
import type { CallOutcome } from './guard.js';

const UNKNOWN: CallOutcome = { costNanos: undefined, tokens: undefined };

function tokensOf(event: UsageEvent): number | undefined {
  const { inputTokens, outputTokens, totalTokens } = event.usage;
  if (totalTokens !== undefined) return totalTokens;
  return inputTokens === undefined || outputTokens === undefined ? undefined : inputTokens + outputTokens;
}

function costOf(event: UsageEvent): number | undefined {
  if (typeof event.providerCost === 'number' && Number.isFinite(event.providerCost) && event.providerCost >= 0) {
    return usdToNanos(event.providerCost);
  }
  return event.cost?.totalNanos;
}

/**
 * The settle amounts of a call from its event; `undefined` (never recorded) settles at the hold.
 *
 * @param answered - false when the call got no response at all (refused connection, timeout before headers).
 */
export function outcomeOfEvent(event: UsageEvent | undefined, answered = true): CallOutcome {
  if (event === undefined) return UNKNOWN;
  const hasUsage = event.usage.inputTokens !== undefined || event.usage.outputTokens !== undefined;
  if (event.status === 'ok' || hasUsage) {
    const outcome: CallOutcome = { costNanos: costOf(event), tokens: tokensOf(event) };
    if (event.status === 'ok' && event.usage.outputTokens !== undefined)
      outcome.completedOutput = event.usage.outputTokens;
    // A stream stopped before the provider's final count: its input is known, its output is not.
    if (event.status === 'error' && event.usage.outputTokens === undefined) outcome.inputOnly = event.usage;
    return outcome;
  }
  const nothingBilled = !answered || event.error?.status !== undefined;
  return nothingBilled ? { costNanos: 0, tokens: 0 } : UNKNOWN;
}

/**
 * One outcome for a call of several attempts (retries): the sum of what each billed. An
 * attempt whose bill is unknown makes the whole unknown (settled at the hold), unless it is the
 * only one. No attempt at all (the call failed before sending) billed nothing.
 */
export function combineOutcomes(outcomes: readonly CallOutcome[]): CallOutcome {
  if (outcomes.length === 0) return { costNanos: 0, tokens: 0 };
  const [only] = outcomes;
  if (outcomes.length === 1 && only !== undefined) return only;
  const sum = (pick: (outcome: CallOutcome) => number | undefined) =>
    outcomes.reduce<number | undefined>((total, outcome) => {
      const value = pick(outcome);
      return total === undefined || value === undefined ? undefined : total + value;
    }, 0);
  // Only the last attempt can have completed (a completed call is not retried).
  const completedOutput = outcomes.at(-1)?.completedOutput;
  return {
    costNanos: sum((outcome) => outcome.costNanos),
    tokens: sum((outcome) => outcome.tokens),
    ...(completedOutput === undefined ? {} : { completedOutput }),
  };
}
