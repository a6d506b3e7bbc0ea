/**
 * Anthropic `usage.iterations[]`: the separately billed steps of one Messages call. Server-side
 * compaction adds a `compaction` entry, the advisor tool an `advisor_message` entry on the
 * advisor's model, a server-side fallback a `fallback_message` entry on the fallback model, and
 * each sampling turn of a server tool loop a `message` entry. The top-level usage counts only the
 * executor's `message` turns: "A `compaction` entry's tokens are not included in the top-level
 * `usage` fields" (anthropic-sdk-typescript `BetaIterationsUsage`), and advisor tokens "are
 * reported in iterations ... billed at the advisor model's rates"
 * (https://platform.claude.com/docs/en/agents-and-tools/tool-use/advisor-tool). So the billed
 * usage is the sum of the iterations, and each iteration is priced on its own (pricing/pricer.ts):
 * its own model, its own long-context tier.
 *
 * @module
 */
import type { Count, Usage, UsageIteration } from '../types/index.js';
import { isRecord, stringAt, sumParts } from './counts.js';
import type { UsageRead } from './result.js';

/** At most this many iterations are kept on an event; a longer list is distrusted as a whole. */
export const MAX_ITERATIONS = 256;

/** One iteration's usage, read with the same rules as the top-level usage. */
export type IterationReader = (raw: Record<string, unknown>) => UsageRead;

/** The billed usage of a call: the sum of its iterations, with the top-level reasoning split kept. */
function sumIterations(iterations: UsageIteration[], topLevel: Usage | undefined): Usage {
  const of = (pick: (usage: Usage) => Count) => iterations.map((iteration) => pick(iteration.usage));
  const input = sumParts(...of((usage) => usage.inputTokens));
  const output = sumParts(...of((usage) => usage.outputTokens));
  const reasoning = topLevel?.reasoningTokens;
  const usage: Usage = {
    inputTokens: input,
    outputTokens: output,
    totalTokens: sumParts(input, output),
    cacheReadTokens: sumParts(...of((usage) => usage.cacheReadTokens)),
    cacheWriteTokens: sumParts(...of((usage) => usage.cacheWriteTokens)),
    // Thinking is reported for the call as a whole (output_tokens_details), a part of the
    // executor's output and so of the sum.
    reasoningTokens: reasoning !== undefined && output !== undefined && reasoning > output ? undefined : reasoning,
    iterations,
  };
  // The TTL split holds for the sum only when every step reports it.
  const write5m = sumParts(...of((usage) => usage.cacheWrite5mTokens));
  const write1h = sumParts(...of((usage) => usage.cacheWrite1hTokens));
  if (write5m !== undefined && write1h !== undefined) {
    usage.cacheWrite5mTokens = write5m;
    usage.cacheWrite1hTokens = write1h;
  }
  return usage;
}

/**
 * The read of a usage object that lists iterations: billed usage = the sum of the iterations,
 * kept one by one on `usage.iterations`. An entry that cannot be read (not an object, no
 * trustworthy input or output count) makes the list untrustworthy: the top-level read is kept,
 * with a warning saying what that leaves out.
 */
export function withIterations(topLevel: UsageRead, entries: unknown, readEntry: IterationReader): UsageRead {
  if (!Array.isArray(entries) || entries.length === 0) return topLevel;
  const dropped = (why: string): UsageRead => ({
    ...topLevel,
    warnings: [
      ...topLevel.warnings,
      `usage.iterations ignored (${why}): billed usage is the top-level usage, which leaves out compaction, advisor and fallback steps`,
    ],
  });
  if (entries.length > MAX_ITERATIONS) return dropped(`${entries.length} entries, more than ${MAX_ITERATIONS}`);
  const iterations: UsageIteration[] = [];
  const warnings: string[] = [];
  for (const [index, entry] of entries.entries()) {
    if (!isRecord(entry)) return dropped(`entry ${index} is not an object`);
    const read = readEntry(entry);
    if (read.usage?.inputTokens === undefined || read.usage.outputTokens === undefined)
      return dropped(`entry ${index} has no trustworthy input and output counts`);
    warnings.push(...read.warnings.map((warning) => `usage.iterations[${index}]: ${warning}`));
    const iteration: UsageIteration = { type: stringAt(entry, 'type') ?? 'message', usage: read.usage };
    const model = stringAt(entry, 'model');
    if (model !== undefined) iteration.model = model;
    iterations.push(iteration);
  }
  return {
    ...topLevel,
    usage: sumIterations(iterations, topLevel.usage),
    warnings: [...topLevel.warnings, ...warnings],
  };
}
