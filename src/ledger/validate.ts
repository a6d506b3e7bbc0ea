/**
 * Validation of what callers hand to `record()`. Bad input is rejected with a
 * `ValidationError` whose `field` names the offending field (`usage.inputTokens`,
 * `tags.team`), so one bad event in a batch can be reported and the others kept.
 *
 * Limits (chosen so one event stays small in every store and in logs):
 * - provider, model, requestedModel, agent, run: 1..256 characters;
 * - id: 1..128 characters;
 * - tags: at most 64 keys, each key 1..64 characters, each value at most 256 characters;
 * - error.type: 1..128 characters; error.message is redacted and cut to 2,000 characters
 *   (never rejected: a provider's long error text is not the caller's fault);
 * - warnings: an array of strings; repeats are dropped, each is redacted and cut to 500
 *   characters, and at most 32 are kept (a note of how many more there were replaces the rest).
 * - trace: W3C trace context ids, `traceId` 32 hex digits and `spanId` 16, neither all zero
 *   (case-insensitive; kept lower-case).
 *
 * Every value must also fit what the stores hold, the same on SQLite, PostgreSQL and memory
 * (src/store/migrations/schema.ts), so no store can refuse or alter an event that passed here:
 * - text: valid Unicode (no lone UTF-16 surrogate, which has no UTF-8 form) without NUL
 *   (PostgreSQL text and jsonb refuse it); error messages and warnings are cleaned rather than
 *   refused;
 * - token counts: integers 0..MAX_TOKEN_COUNT (the normalizers' own bound for a trusted count);
 * - durations: 0..MAX_DURATION_MS, kept as integer microseconds;
 * - money (providerCost, and the computed cost): 0..MAX_USD, kept as integer nano-dollars, so
 *   sums of many stay exact integers;
 * - attempts: 1..MAX_ATTEMPTS (an `integer` column);
 * - time: a real date between years 0 and 9999 (`2026-02-30` is refused, never March 2);
 * - rawUsage: JSON whose strings and keys are storable text, nested at most 32 deep.
 *
 * @module
 */
import { DAY_MS, looksLikeIsoTime, parseIsoTime } from '../units/index.js';
import type * as Zod from 'zod';
import { ValidationError, redactSecrets } from '../errors/index.js';
import { loadZod } from '../lazy/index.js';
import type {
  EventError,
  EventStatus,
  FormatHint,
  JsonValue,
  RecordInput,
  TraceContext,
  Usage,
  UsageIteration,
} from '../types/index.js';
import { OUR_USAGE_FIELDS, readNativeUsage, unknownUsageFields, type NativeUsage } from './usage-input.js';
import { MAX_TRUSTED_COUNT } from '../usage/index.js';

export const MAX_NAME_LENGTH = 256;
export const MAX_ID_LENGTH = 128;
export const MAX_TAGS = 64;
export const MAX_TAG_KEY_LENGTH = 64;
export const MAX_TAG_VALUE_LENGTH = 256;
export const MAX_ERROR_MESSAGE_LENGTH = 2000;
export const MAX_WARNINGS = 32;
export const MAX_WARNING_LENGTH = 500;
/** The most tokens one count may say: the normalizers' bound for a trusted count (a trillion). */
export const MAX_TOKEN_COUNT = MAX_TRUSTED_COUNT;
/** 30 days: a longer call or batch job is a unit mistake (seconds sent as ms...), not a call. */
export const MAX_DURATION_MS = 30 * DAY_MS;
/** A million dollars for one call is a unit mistake; its nano-dollars (1e15) and sums of thousands stay exact. */
export const MAX_USD = 1_000_000;
/** `attempts` is an `integer` column (int4 on PostgreSQL). */
export const MAX_ATTEMPTS = 2_147_483_647;
const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const NUL = '\u0000';
const TEXT = 'must be valid Unicode text without NUL characters';

/** True when every store keeps `value` as it is: no NUL, no lone surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes(NUL) && !LONE_SURROGATE.test(value);
}

/** `value` made storable: NULs removed, lone surrogates replaced by U+FFFD (what a UTF-8 encoder writes). */
export function cleanText(value: string): string {
  return isStorableText(value) ? value : value.replaceAll(NUL, '').replace(LONE_SURROGATES, '\uFFFD');
}

/** The first `limit` UTF-16 units of `value`, one fewer when the cut would split a surrogate pair. */
export function cutText(value: string, limit: number): string {
  if (value.length <= limit) return value;
  const code = value.charCodeAt(limit - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit);
}

/** At most this many billed steps per call (Anthropic lists one per compaction, advisor call or tool turn). */
export const MAX_USAGE_ITERATIONS = 256;
const COUNT = `must be an integer from 0 to ${MAX_TOKEN_COUNT}`;

/** The schemas, built with the zod `loadZod()` gives (zod loads on the first record, not at import: src/lazy). */
function buildSchemas(z: typeof Zod.z) {
  const count = z
    .number({ error: COUNT })
    .int({ error: COUNT })
    .min(0, { error: COUNT })
    .max(MAX_TOKEN_COUNT, { error: COUNT })
    .nullish();
  const bounded = (what: string, max: number) =>
    z
      .number({ error: `must be a number of ${what} from 0 to ${max}` })
      .min(0, { error: `must be a number of ${what} from 0 to ${max}` })
      .max(max, { error: `must be a number of ${what} from 0 to ${max}` });
  const text = () => z.string({ error: 'must be a string' }).refine(isStorableText, { error: TEXT });
  const name = (max: number) =>
    z
      .string({ error: 'must be a string' })
      .min(1, { error: 'must not be empty' })
      .max(max, { error: `must be at most ${max} characters` })
      .refine(isStorableText, { error: TEXT });

  /** A W3C trace context id of `digits` hex digits; all zeros is the invalid id (W3C trace-context 3.2.2.3). */
  const hexId = (digits: number) =>
    z
      .string({ error: `must be ${digits} hex digits` })
      .regex(new RegExp(`^[0-9a-fA-F]{${digits}}$`), { error: `must be ${digits} hex digits` })
      .refine((id) => !/^0+$/.test(id), { error: 'must not be all zeros' })
      .transform((id) => id.toLowerCase());

  const traceSchema = z.object(
    { traceId: hexId(32), spanId: hexId(16) },
    { error: 'must be an object { traceId, spanId } of hex ids' },
  );

  const COUNT_FIELDS = {
    inputTokens: count,
    outputTokens: count,
    totalTokens: count,
    cacheReadTokens: count,
    cacheWriteTokens: count,
    cacheWrite5mTokens: count,
    cacheWrite1hTokens: count,
    reasoningTokens: count,
    inputAudioTokens: count,
    outputAudioTokens: count,
  };

  const iterationSchema = z.object(
    {
      type: name(64),
      model: name(MAX_NAME_LENGTH).optional(),
      usage: z.object(COUNT_FIELDS, { error: 'must be an object of token counts' }),
    },
    { error: 'must be an object { type, model?, usage }' },
  );

  const usageSchema = z.object(
    {
      ...COUNT_FIELDS,
      iterations: z
        .array(iterationSchema, { error: 'must be an array of { type, model?, usage }' })
        .max(MAX_USAGE_ITERATIONS, { error: `must hold at most ${MAX_USAGE_ITERATIONS} steps` })
        .nullish(),
    },
    { error: 'must be an object of token counts' },
  );

  const inputSchema = z.object(
    {
      id: name(MAX_ID_LENGTH).optional(),
      time: z.unknown().optional(),
      provider: name(MAX_NAME_LENGTH).optional(),
      model: name(MAX_NAME_LENGTH).optional(),
      requestedModel: name(MAX_NAME_LENGTH).optional(),
      agent: name(MAX_NAME_LENGTH).nullish(),
      run: name(MAX_NAME_LENGTH).nullish(),
      tags: z.unknown().optional(),
      usage: usageSchema.nullish(),
      response: z.unknown().optional(),
      durationMs: bounded('milliseconds', MAX_DURATION_MS).nullish(),
      timeToFirstTokenMs: bounded('milliseconds', MAX_DURATION_MS).nullish(),
      status: z.enum(['ok', 'error'], { error: "must be 'ok' or 'error'" }).optional(),
      error: z
        .object(
          {
            type: name(128),
            status: z
              .number({ error: 'must be an HTTP status' })
              .int({ error: 'must be an HTTP status' })
              .min(100)
              .max(599)
              .nullish(),
            message: z.string({ error: 'must be a string' }),
          },
          { error: 'must be an object { type, status?, message }' },
        )
        .nullish(),
      attempts: z
        .number({ error: `must be an integer from 1 to ${MAX_ATTEMPTS}` })
        .int({ error: `must be an integer from 1 to ${MAX_ATTEMPTS}` })
        .min(1, { error: `must be an integer from 1 to ${MAX_ATTEMPTS}` })
        .max(MAX_ATTEMPTS, { error: `must be an integer from 1 to ${MAX_ATTEMPTS}` })
        .optional(),
      providerCost: bounded('USD', MAX_USD).nullish(),
      estimated: z.boolean({ error: 'must be true or false' }).optional(),
      usageUnavailableReason: text().max(1000, { error: 'must be at most 1000 characters' }).optional(),
      rawUsage: z.unknown().optional(),
      warnings: z.array(z.string({ error: 'must be a string' }), { error: 'must be an array of strings' }).nullish(),
      trace: traceSchema.nullish(),
    },
    { error: 'must be an object' },
  );

  return { iterationSchema, usageSchema, inputSchema };
}

let schemas: ReturnType<typeof buildSchemas> | undefined;

function recordSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas(loadZod().z);
  return schemas;
}

/** A record input that passed validation, with its time resolved to epoch milliseconds. */
export interface ValidInput {
  id: string | undefined;
  timeMs: number | undefined;
  provider: string | undefined;
  model: string | undefined;
  requestedModel: string | undefined;
  agent: string | undefined;
  run: string | undefined;
  tags: Record<string, string> | undefined;
  usage: Usage | undefined;
  response: unknown;
  durationMs: number | undefined;
  timeToFirstTokenMs: number | undefined;
  status: EventStatus | undefined;
  error: EventError | undefined;
  attempts: number;
  providerCost: number | undefined;
  estimated: boolean | undefined;
  usageUnavailableReason: string | undefined;
  rawUsage: JsonValue | undefined;
  /** Deduplicated and bounded; empty when none. */
  warnings: string[];
  trace: TraceContext | undefined;
}

/** Checks one record input; throws `ValidationError` naming the first bad field. */
export function validateRecordInput(input: RecordInput | unknown): ValidInput {
  const native = nativeUsageOf(input);
  // A provider's usage object was read by its reader; the schema checks the rest.
  const parsed = recordSchemas().inputSchema.safeParse(
    native === undefined ? input : { ...(input as object), usage: undefined },
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined || issue.path.length === 0 ? 'input' : issue.path.map(String).join('.');
    throw invalid(field, issue?.message ?? 'is invalid');
  }
  const value = parsed.data;
  const usage = native?.usage ?? ourUsage(value.usage, (input as { usage?: unknown }).usage);
  return {
    id: value.id,
    timeMs: value.time === undefined || value.time === null ? undefined : parseTime(value.time),
    provider: value.provider,
    model: value.model,
    requestedModel: value.requestedModel,
    agent: value.agent ?? undefined,
    run: value.run ?? undefined,
    tags: value.tags === undefined || value.tags === null ? undefined : checkTags(value.tags),
    usage,
    response: value.response,
    durationMs: value.durationMs ?? undefined,
    timeToFirstTokenMs: value.timeToFirstTokenMs ?? undefined,
    status: value.status,
    error:
      value.error === undefined || value.error === null
        ? undefined
        : {
            type: value.error.type,
            ...(value.error.status === undefined || value.error.status === null ? {} : { status: value.error.status }),
            message: cutText(cleanText(redactSecrets(value.error.message)), MAX_ERROR_MESSAGE_LENGTH),
          },
    attempts: value.attempts ?? 1,
    providerCost: value.providerCost ?? native?.providerCost,
    estimated: value.estimated,
    usageUnavailableReason: value.usageUnavailableReason,
    rawUsage: value.rawUsage === undefined ? native?.rawUsage : checkJson(value.rawUsage, 'rawUsage'),
    warnings: boundWarnings([
      ...(value.warnings ?? []),
      ...(native?.warnings ?? unknownUsageFields((input as { usage?: unknown }).usage)),
    ]),
    trace: value.trace ?? undefined,
  };
}

/** A provider's usage object under `usage`, read (the hint: the input's provider and model). */
function nativeUsageOf(input: unknown): NativeUsage | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { usage, provider, model } = input as { usage?: unknown; provider?: unknown; model?: unknown };
  const hint: FormatHint = {};
  if (typeof provider === 'string') hint.provider = provider;
  if (typeof model === 'string') hint.model = model;
  return readNativeUsage(usage, hint);
}

/** Our convention's usage, checked; a sent usage that counts nothing is refused. */
function ourUsage(counts: UsageCounts | null | undefined, raw: unknown): Usage | undefined {
  if (counts === undefined || counts === null) return undefined;
  const usage = checkUsage(counts);
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) {
    const unknown =
      typeof raw === 'object' && raw !== null ? Object.keys(raw).filter((key) => !OUR_USAGE_FIELDS.has(key)) : [];
    throw invalid(
      'usage',
      `holds no token count we can read${
        unknown.length === 0
          ? ''
          : ` (unknown fields: ${unknown
              .slice(0, 8)
              .map((key) => key.slice(0, 64))
              .join(', ')})`
      }: send inputTokens/outputTokens, or the provider's usage object as it came (OpenAI prompt_tokens, Anthropic input_tokens, Gemini promptTokenCount, Bedrock inputTokens, Cohere billed_units...)`,
    );
  }
  return usage;
}

/**
 * Warnings deduplicated, redacted, each cut to MAX_WARNING_LENGTH and at most MAX_WARNINGS of
 * them: they are notes about an event, so too many is never a reason to refuse it.
 */
export function boundWarnings(warnings: readonly string[]): string[] {
  const unique = [...new Set(warnings.map((w) => cutText(cleanText(redactSecrets(w)), MAX_WARNING_LENGTH)))];
  if (unique.length <= MAX_WARNINGS) return unique;
  const kept = unique.slice(0, MAX_WARNINGS - 1);
  kept.push(`${unique.length - kept.length} more warnings dropped`);
  return kept;
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field}: ${message}`, { field });
}

/** Epoch ms of 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: what an ISO string can say and every store can index. */
const EARLIEST_MS = -62_167_219_200_000;
const LATEST_MS = 253_402_300_799_999;
/** An ISO-8601 string, a Date or epoch milliseconds -> epoch milliseconds. */
export function parseTime(value: unknown, field = 'time'): number {
  let ms: number | undefined = Number.NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = parseIsoTime(value);
  if (ms === undefined && typeof value === 'string' && looksLikeIsoTime(value))
    throw invalid(field, `names a day, hour or offset that does not exist: ${JSON.stringify(value.slice(0, 40))}`);
  if (ms === undefined || !Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) {
    throw invalid(field, 'must be an ISO-8601 time, a Date or epoch milliseconds');
  }
  return ms;
}

/** JSON kept as given when every key and string is storable text and it nests at most MAX_JSON_DEPTH deep. */
function checkJson(value: unknown, field: string): JsonValue {
  const walk = (item: unknown, depth: number): void => {
    if (depth > MAX_JSON_DEPTH) throw invalid(field, `must nest at most ${MAX_JSON_DEPTH} levels deep`);
    if (typeof item === 'string') {
      if (!isStorableText(item)) throw invalid(field, `strings ${TEXT}`);
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw invalid(field, 'numbers must be finite');
    } else if (Array.isArray(item)) {
      for (const element of item) walk(element, depth + 1);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, element] of Object.entries(item)) {
        if (!isStorableText(key)) throw invalid(field, `keys ${TEXT}`);
        walk(element, depth + 1);
      }
    } else if (item !== null && item !== undefined && typeof item !== 'boolean') {
      // undefined is left out by JSON.stringify (SDK usage objects hold undefined counts).
      throw invalid(field, 'must be JSON');
    }
  };
  walk(value, 0);
  return value as JsonValue;
}

/** Whether `value` is JSON every store keeps as it is (see checkJson). */
export function isStorableJson(value: unknown): boolean {
  try {
    checkJson(value, 'json');
    return true;
  } catch {
    return false;
  }
}

function checkTags(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('tags', 'must be an object of string values');
  const entries = Object.entries(value);
  if (entries.length > MAX_TAGS) throw invalid('tags', `must have at most ${MAX_TAGS} keys`);
  const tags: Record<string, string> = {};
  for (const [key, tag] of entries) {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
      throw invalid(`tags.${key.slice(0, MAX_TAG_KEY_LENGTH)}`, `key must be 1 to ${MAX_TAG_KEY_LENGTH} characters`);
    }
    if (!isStorableText(key)) throw invalid(`tags.${cleanText(key)}`, `key ${TEXT}`);
    if (typeof tag !== 'string') throw invalid(`tags.${key}`, 'must be a string');
    if (!isStorableText(tag)) throw invalid(`tags.${key}`, TEXT);
    if (tag.length > MAX_TAG_VALUE_LENGTH)
      throw invalid(`tags.${key}`, `must be at most ${MAX_TAG_VALUE_LENGTH} characters`);
    tags[key] = tag;
  }
  return tags;
}

type Schemas = ReturnType<typeof buildSchemas>;
type UsageCounts = Zod.infer<Schemas['usageSchema']>;
type StepCounts = Zod.infer<Schemas['iterationSchema']>['usage'];

/**
 * Caller-given counts -> Usage: `null` means unknown, `totalTokens` is derived as
 * input + output when both are known (DESIGN.md), and a part larger than its total is refused.
 * With `iterations` (a call billed in steps), each step is checked the same way and the call's
 * counts are their sums: derived when absent, refused when they say otherwise.
 */
function checkUsage(counts: UsageCounts): Usage {
  const usage = checkCounts(counts, 'usage');
  if (counts.iterations === undefined || counts.iterations === null || counts.iterations.length === 0) return usage;
  const iterations: UsageIteration[] = counts.iterations.map((step, index) => {
    const where = `usage.iterations.${index}.usage`;
    const stepUsage = checkCounts(step.usage, where);
    if (stepUsage.inputTokens === undefined || stepUsage.outputTokens === undefined)
      throw invalid(where, 'must hold inputTokens and outputTokens (a billed step is priced on its own)');
    return step.model === undefined
      ? { type: step.type, usage: stepUsage }
      : { type: step.type, model: step.model, usage: stepUsage };
  });
  const sum = (pick: (step: Usage) => number | undefined): number | undefined =>
    iterations.every((step) => pick(step.usage) === undefined)
      ? undefined
      : iterations.reduce((total, step) => total + (pick(step.usage) ?? 0), 0);
  for (const field of ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'] as const) {
    const total = sum((step) => step[field]);
    if (usage[field] === undefined) usage[field] = total;
    else if (usage[field] !== total)
      throw invalid(`usage.${field}`, `must equal the sum of usage.iterations[].usage.${field} (${String(total)})`);
  }
  usage.totalTokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
  usage.iterations = iterations;
  return usage;
}

/** One usage object's counts (the call's, or one step's), checked under the name `where`. */
function checkCounts(counts: StepCounts, where: string): Usage {
  const usage: Usage = {
    inputTokens: counts.inputTokens ?? undefined,
    outputTokens: counts.outputTokens ?? undefined,
    totalTokens: counts.totalTokens ?? undefined,
    cacheReadTokens: counts.cacheReadTokens ?? undefined,
    cacheWriteTokens: counts.cacheWriteTokens ?? undefined,
    reasoningTokens: counts.reasoningTokens ?? undefined,
  };
  if (counts.cacheWrite5mTokens != null) usage.cacheWrite5mTokens = counts.cacheWrite5mTokens;
  if (counts.cacheWrite1hTokens != null) usage.cacheWrite1hTokens = counts.cacheWrite1hTokens;
  if (counts.inputAudioTokens != null) usage.inputAudioTokens = counts.inputAudioTokens;
  if (counts.outputAudioTokens != null) usage.outputAudioTokens = counts.outputAudioTokens;
  if (usage.inputTokens !== undefined && usage.outputTokens !== undefined)
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
  const partOf = (part: number | undefined, whole: number | undefined, field: string, wholeName: string): void => {
    if (part !== undefined && whole !== undefined && part > whole)
      throw invalid(`${where}.${field}`, `must not exceed ${where}.${wholeName} (it is a part of it)`);
  };
  partOf(usage.cacheReadTokens, usage.inputTokens, 'cacheReadTokens', 'inputTokens');
  partOf(usage.cacheWriteTokens, usage.inputTokens, 'cacheWriteTokens', 'inputTokens');
  partOf(
    usage.cacheReadTokens === undefined || usage.cacheWriteTokens === undefined
      ? undefined
      : usage.cacheReadTokens + usage.cacheWriteTokens,
    usage.inputTokens,
    'cacheWriteTokens',
    'inputTokens - cacheReadTokens',
  );
  partOf(usage.reasoningTokens, usage.outputTokens, 'reasoningTokens', 'outputTokens');
  partOf(usage.inputAudioTokens, usage.inputTokens, 'inputAudioTokens', 'inputTokens');
  partOf(usage.outputAudioTokens, usage.outputTokens, 'outputAudioTokens', 'outputTokens');
  partOf(
    usage.cacheWrite5mTokens === undefined && usage.cacheWrite1hTokens === undefined
      ? undefined
      : (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0),
    usage.cacheWriteTokens,
    'cacheWrite1hTokens',
    'cacheWriteTokens',
  );
  return usage;
}
