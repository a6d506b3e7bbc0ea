/**
 * Anthropic Messages usage. `input_tokens` EXCLUDES the cache, so inputTokens =
 * `input_tokens + cache_creation_input_tokens + cache_read_input_tokens`
 * (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 * Cache writes are split by TTL in `cache_creation.ephemeral_5m_input_tokens` /
 * `ephemeral_1h_input_tokens` (priced differently). Thinking tokens, where reported, are
 * `output_tokens_details.thinking_tokens`, already inside `output_tokens`. Absent cache and
 * thinking counters read as 0 when the usage object is present (see counts.ts).
 *
 * Stream: `message_start` carries the opening usage; each `message_delta`'s counters REPLACE
 * the ones it carries, since they are cumulative: with server tools or code execution the
 * final delta reports input and cache totals far above message_start. This is how the
 * official SDK accumulates (anthropic-sdk-typescript `src/lib/MessageStream.ts`).
 *
 * @module
 */
import { withIterations } from './anthropic-iterations.js';
import { createCountProblems, isRecord, readCount, recordAt, stringAt, sumParts, type UsageParts } from './counts.js';
import { readFromParts, unavailableRead, type UsageRead } from './result.js';
import {
  STREAM_WITHOUT_USAGE,
  isEventOfType,
  isNotJsonText,
  leadingType,
  parseJsonObject,
  type FormatAccumulator,
  type StreamEventInput,
} from './stream-support.js';

/** The wire shape we read. */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** Separately billed steps (compaction, advisor, fallback, server tool turns): see anthropic-iterations.ts. */
  iterations?: Array<AnthropicUsage & { type?: string; model?: string | null }> | null;
}

/**
 * Normalizes one Anthropic `usage` object. With `iterations`, the billed usage is their sum and
 * each is kept on `usage.iterations` (anthropic-iterations.ts).
 */
export function normalizeAnthropicUsage(raw: unknown): UsageRead {
  if (!isRecord(raw)) return unavailableRead('response has no usage object');
  return withIterations(readUsageCounts(raw), raw['iterations'], readUsageCounts);
}

/** The counters of one usage object or one iteration (the same fields). */
function readUsageCounts(raw: Record<string, unknown>): UsageRead {
  const problems = createCountProblems();
  const uncached = readCount(raw['input_tokens'], 'input_tokens', problems, undefined);
  const cacheWrite = readCount(raw['cache_creation_input_tokens'], 'cache_creation_input_tokens', problems, 0);
  const cacheRead = readCount(raw['cache_read_input_tokens'], 'cache_read_input_tokens', problems, 0);
  const parts: UsageParts = {
    inputTokens: sumParts(uncached, cacheWrite, cacheRead),
    outputTokens: readCount(raw['output_tokens'], 'output_tokens', problems, undefined),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: readCount(
      recordAt(raw, 'output_tokens_details')?.['thinking_tokens'],
      'output_tokens_details.thinking_tokens',
      problems,
      0,
    ),
  };
  const split = recordAt(raw, 'cache_creation');
  if (split !== undefined) {
    parts.cacheWrite5mTokens = readCount(
      split['ephemeral_5m_input_tokens'],
      'cache_creation.ephemeral_5m_input_tokens',
      problems,
      0,
    );
    parts.cacheWrite1hTokens = readCount(
      split['ephemeral_1h_input_tokens'],
      'cache_creation.ephemeral_1h_input_tokens',
      problems,
      0,
    );
  }
  return readFromParts(parts, problems, raw);
}

const USAGE_EVENTS: ReadonlySet<string> = new Set(['message_start', 'message_delta']);
const hasUsageEventType = (data: string): boolean =>
  data.includes('"message_start"') || data.includes('"message_delta"');

const CUMULATIVE_COUNTERS = [
  'input_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'output_tokens',
] as const;

/** Stream accumulator: message_start, then each message_delta's counters replace the snapshot's. */
class AnthropicStreamAccumulator implements FormatAccumulator {
  private snapshot: Record<string, unknown> | undefined;
  private model: string | undefined;
  private sawStart = false;
  private sawDelta = false;
  private garbage = 0;

  /**
   * Content-less events: message_start, ping, and the start of a text or thinking block (its
   * text is empty; the first delta brings the content). A tool_use block's start names the tool:
   * a tool call has begun, which is content.
   */
  isPreamble(event: StreamEventInput): boolean {
    const name = event.event === undefined || event.event === '' ? (leadingType(event.data) ?? '') : event.event;
    if (name === 'message_start' || name === 'ping') return true;
    if (name === 'content_block_start') return !event.data.includes('tool_use"');
    return name === '' && (event.data.includes('"message_start"') || event.data.includes('"ping"'));
  }

  push(event: StreamEventInput): void {
    const data = event.data;
    if (isNotJsonText(data)) {
      this.garbage++;
      return;
    }
    // Only message_start and message_delta carry usage; content deltas are never parsed.
    if (!isEventOfType(event, USAGE_EVENTS, hasUsageEventType)) return;
    const chunk = parseJsonObject(data);
    if (chunk === undefined) {
      this.garbage++;
      return;
    }
    if (chunk['type'] === 'message_start') {
      const message = recordAt(chunk, 'message');
      this.model = stringAt(message, 'model') ?? this.model;
      const usage = recordAt(message, 'usage');
      if (usage !== undefined) {
        this.sawStart = true;
        this.apply(usage);
      }
    } else if (chunk['type'] === 'message_delta') {
      const usage = recordAt(chunk, 'usage');
      if (usage !== undefined) {
        this.sawDelta = true;
        this.apply(usage);
      }
    }
  }

  read(): UsageRead {
    const warnings = this.garbage > 0 ? [`${this.garbage} non-JSON data line(s) skipped`] : [];
    if (this.snapshot === undefined)
      return { usage: undefined, reason: STREAM_WITHOUT_USAGE, warnings, model: this.model };
    const counted = { ...this.snapshot };
    // message_start's output_tokens is a placeholder (1-69 tokens); without a message_delta
    // the real output count never arrived.
    if (!this.sawDelta) delete counted['output_tokens'];
    const read = normalizeAnthropicUsage(counted);
    read.model = this.model;
    read.warnings = [...warnings, ...read.warnings];
    if (!this.sawDelta)
      read.reason = read.reason ?? 'stream ended before the final message_delta: output tokens unknown';
    else if (!this.sawStart) read.reason = read.reason ?? 'stream had no message_start: input tokens may be unknown';
    return read;
  }

  private apply(usage: Record<string, unknown>): void {
    this.snapshot ??= {};
    const snapshot = this.snapshot;
    for (const key of CUMULATIVE_COUNTERS) {
      const value = usage[key];
      if (value !== undefined && value !== null) snapshot[key] = value;
    }
    if (usage['cache_creation'] !== undefined && usage['cache_creation'] !== null) {
      snapshot['cache_creation'] = usage['cache_creation'];
    } else if (usage['cache_creation_input_tokens'] !== undefined && usage['cache_creation_input_tokens'] !== null) {
      // A new cache-write total without its split makes the old split stale.
      delete snapshot['cache_creation'];
    }
    if (usage['output_tokens_details'] !== undefined && usage['output_tokens_details'] !== null) {
      snapshot['output_tokens_details'] = usage['output_tokens_details'];
    }
    // The final message_delta lists the iterations (compaction, advisor...) of the whole call.
    if (Array.isArray(usage['iterations'])) snapshot['iterations'] = usage['iterations'];
  }
}

/** Stream accumulator: message_start, then each message_delta's counters replace the snapshot's. */
export function createAnthropicStreamAccumulator(): FormatAccumulator {
  return new AnthropicStreamAccumulator();
}
