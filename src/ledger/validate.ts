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
 * - serviceTier: a tier name, 1..40 letters, digits, `_` or `-`.
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

/**
 * A field's rule, defined once and held two ways: `schema`, the zod schema whose first issue
 * names the field and says what is wrong, and `accepts`, a predicate that gives the same yes
 * or no without building anything. Valid inputs (nearly all: a batch of OTLP spans, the
 * gateway's calls) take `accepts` alone; zod runs only to explain a refusal, so one rule
 * never says two things. zod's parse of one input costs ~10 µs, a 1,000-span batch ~10 ms.
 * A schema is built on its first read, so zod itself loads only when a refusal needs
 * explaining: loading it took ~100 ms of a fresh process's main thread on a slow machine, in
 * the middle of a batch's first wave of answers. The helpers below build both forms from the same bounds, side by side;
 * test/ledger/validate-rules.test.ts holds them equal on the edges of every bound.
 */
interface Rule<S extends Zod.ZodType = Zod.ZodType> {
  readonly schema: S;
  accepts: (value: unknown) => boolean;
}

interface FieldCheck {
  key: string;
  accepts: (value: unknown) => boolean;
  /** The rule's verdict on an absent value, asked once. */
  absent: boolean;
}

/**
 * An object rule's predicate over its fields, in order, each read as `value[key]` (as zod reads
 * them) and checked with its rule: written out once per rule, one read per field at a place of
 * its own in the code. A loop over the fields made every read a lookup by a key that changes
 * each turn, which V8 cannot cache: half the time of validating an input (24 fields, an OTLP
 * call sets 10), a thousand of them on the way to a 1,000-span batch's answer. The keys are
 * the rule's own (written with JSON.stringify, so any key is a literal); no input reaches the code.
 */
function compileFieldsCheck(fields: readonly FieldCheck[]): (value: Record<string, unknown>) => boolean {
  try {
    return writtenOutCheck(fields);
  } catch (error) {
    // A process run with --disallow-code-generation-from-strings (or a policy like it) refuses
    // new Function: the same check as a loop, slower, rather than no validation and no records.
    if (!(error instanceof EvalError)) throw error;
    return (value) => {
      for (const field of fields) {
        const item = value[field.key];
        if (item === undefined ? !field.absent : !field.accepts(item)) return false;
      }
      return true;
    };
  }
}

function writtenOutCheck(fields: readonly FieldCheck[]): (value: Record<string, unknown>) => boolean {
  const steps = fields.map(
    (field, index) =>
      `item = value[${JSON.stringify(field.key)}];\n` +
      `if (item === undefined ? ${String(!field.absent)} : !accepts[${index}](item)) return false;`,
  );
  const make = new Function(
    'accepts',
    `return function check(value) {\nlet item;\n${steps.join('\n')}\nreturn true;\n};`,
  );
  return make(fields.map((field) => field.accepts)) as (value: Record<string, unknown>) => boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The rules: each predicate at once, each zod schema (with the zod `loadZod()` gives: src/lazy) on first use. */
function buildSchemas() {
  /** `build` makes the schema on its first read: zod loads only once a refusal needs explaining. */
  const rule = <S extends Zod.ZodType>(
    build: (z: typeof Zod.z) => S,
    accepts: (value: unknown) => boolean,
  ): Rule<S> => {
    let schema: S | undefined;
    return {
      get schema() {
        schema ??= build(loadZod().z);
        return schema;
      },
      accepts,
    };
  };
  const optional = <S extends Zod.ZodType>(inner: Rule<S>) =>
    rule(
      () => inner.schema.optional(),
      (value) => value === undefined || inner.accepts(value),
    );
  const nullish = <S extends Zod.ZodType>(inner: Rule<S>) =>
    rule(
      () => inner.schema.nullish(),
      (value) => value === undefined || value === null || inner.accepts(value),
    );
  const anything = () =>
    rule(
      (z) => z.unknown().optional(),
      () => true,
    );
  /** An object holding these fields (others are ignored: zod strips them, the readers never look). */
  const object = <Shape extends Record<string, Rule>>(shape: Shape, error: string) => {
    const entries = Object.entries(shape);
    const schemas = () =>
      Object.fromEntries(entries.map(([key, field]) => [key, field.schema])) as {
        [K in keyof Shape]: Shape[K]['schema'];
      };
    // Whether each field may be absent, asked once: most of an input's fields are (an OTLP call
    // sets 10 of the 24), and a predicate call each for them was half the check's time.
    const fields = entries.map(([key, field]) => ({ key, accepts: field.accepts, absent: field.accepts(undefined) }));
    const check = compileFieldsCheck(fields);
    return rule(
      (z) => z.object(schemas(), { error }),
      (value) => isObject(value) && check(value),
    );
  };
  /** Indexed, not `every`: zod reads a hole as undefined, `every` would skip it. */
  const eachOf = (value: unknown, item: (element: unknown) => boolean, max = Number.POSITIVE_INFINITY): boolean => {
    if (!Array.isArray(value) || value.length > max) return false;
    for (let index = 0; index < value.length; index++) if (!item(value[index])) return false;
    return true;
  };
  const integer = (min: number, max: number, error: string) =>
    rule(
      (z) => z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
      (value) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
    );
  const count = nullish(integer(0, MAX_TOKEN_COUNT, COUNT));
  const bounded = (what: string, max: number) => {
    const error = `must be a number of ${what} from 0 to ${max}`;
    return rule(
      (z) => z.number({ error }).min(0, { error }).max(max, { error }),
      // NaN fails both comparisons; Infinity the second (zod refuses both).
      (value) => typeof value === 'number' && value >= 0 && value <= max,
    );
  };
  const text = (max: number) =>
    rule(
      (z) =>
        z
          .string({ error: 'must be a string' })
          .refine(isStorableText, { error: TEXT })
          .max(max, { error: `must be at most ${max} characters` }),
      (value) => typeof value === 'string' && value.length <= max && isStorableText(value),
    );
  const name = (max: number) =>
    rule(
      (z) =>
        z
          .string({ error: 'must be a string' })
          .min(1, { error: 'must not be empty' })
          .max(max, { error: `must be at most ${max} characters` })
          .refine(isStorableText, { error: TEXT }),
      (value) => typeof value === 'string' && value.length >= 1 && value.length <= max && isStorableText(value),
    );

  /** A W3C trace context id of `digits` hex digits; all zeros is the invalid id (W3C trace-context 3.2.2.3). */
  const hexId = (digits: number) => {
    const pattern = new RegExp(`^[0-9a-fA-F]{${digits}}$`);
    return rule(
      (z) =>
        z
          .string({ error: `must be ${digits} hex digits` })
          .regex(pattern, { error: `must be ${digits} hex digits` })
          .refine((id) => !ZEROS.test(id), { error: 'must not be all zeros' }),
      (value) => typeof value === 'string' && pattern.test(value) && !ZEROS.test(value),
    );
  };

  const traceRule = object(
    { traceId: hexId(32), spanId: hexId(16) },
    'must be an object { traceId, spanId } of hex ids',
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

  const iterationRule = object(
    {
      type: name(64),
      model: optional(name(MAX_NAME_LENGTH)),
      usage: object(COUNT_FIELDS, 'must be an object of token counts'),
    },
    'must be an object { type, model?, usage }',
  );

  const stepsError = 'must be an array of { type, model?, usage }';
  const usageRule = object(
    {
      ...COUNT_FIELDS,
      iterations: nullish(
        rule(
          (z) =>
            z
              .array(iterationRule.schema, { error: stepsError })
              .max(MAX_USAGE_ITERATIONS, { error: `must hold at most ${MAX_USAGE_ITERATIONS} steps` }),
          (value) => eachOf(value, iterationRule.accepts, MAX_USAGE_ITERATIONS),
        ),
      ),
    },
    'must be an object of token counts',
  );

  const statusError = 'must be an HTTP status';
  const attemptsError = `must be an integer from 1 to ${MAX_ATTEMPTS}`;
  const inputFields = {
    id: optional(name(MAX_ID_LENGTH)),
    time: anything(),
    provider: optional(name(MAX_NAME_LENGTH)),
    model: optional(name(MAX_NAME_LENGTH)),
    requestedModel: optional(name(MAX_NAME_LENGTH)),
    agent: nullish(name(MAX_NAME_LENGTH)),
    run: nullish(name(MAX_NAME_LENGTH)),
    tags: anything(),
    usage: nullish(usageRule),
    response: anything(),
    durationMs: nullish(bounded('milliseconds', MAX_DURATION_MS)),
    timeToFirstTokenMs: nullish(bounded('milliseconds', MAX_DURATION_MS)),
    status: optional(
      rule(
        (z) => z.enum(['ok', 'error'], { error: "must be 'ok' or 'error'" }),
        (value) => value === 'ok' || value === 'error',
      ),
    ),
    error: nullish(
      object(
        {
          type: name(128),
          status: nullish(
            rule(
              (z) => z.number({ error: statusError }).int({ error: statusError }).min(100).max(599),
              (value) => typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599,
            ),
          ),
          message: rule(
            (z) => z.string({ error: 'must be a string' }),
            (value) => typeof value === 'string',
          ),
        },
        'must be an object { type, status?, message }',
      ),
    ),
    attempts: optional(integer(1, MAX_ATTEMPTS, attemptsError)),
    providerCost: nullish(bounded('USD', MAX_USD)),
    estimated: optional(
      rule(
        (z) => z.boolean({ error: 'must be true or false' }),
        (value) => typeof value === 'boolean',
      ),
    ),
    usageUnavailableReason: optional(text(1000)),
    rawUsage: anything(),
    warnings: nullish(
      rule(
        (z) => z.array(z.string({ error: 'must be a string' }), { error: 'must be an array of strings' }),
        (value) => eachOf(value, (warning) => typeof warning === 'string'),
      ),
    ),
    trace: nullish(traceRule),
    serviceTier: nullish(
      rule(
        (z) => z.string({ error: TIER_ERROR }).regex(TIER_NAME, { error: TIER_ERROR }),
        (value) => typeof value === 'string' && TIER_NAME.test(value),
      ),
    ),
  };
  const inputRule = object(inputFields, 'must be an object');
  /**
   * The input rule for a copy fitRecordInput fitted (fit-input.ts): a name it fitted (every name
   * field that holds a string) is cleaned, cut and non-empty, so it is not checked again; any
   * other value of that field is (and refused as before). The schema that explains a refusal is
   * the input rule's: a fitted name passes it too.
   */
  const fittedName = <S extends Zod.ZodType>(inner: Rule<S>) =>
    rule(
      () => inner.schema,
      (value) => typeof value === 'string' || inner.accepts(value),
    );
  const fittedAccepts = object(
    {
      ...inputFields,
      provider: fittedName(inputFields.provider),
      model: fittedName(inputFields.model),
      requestedModel: fittedName(inputFields.requestedModel),
      agent: fittedName(inputFields.agent),
      run: fittedName(inputFields.run),
    },
    'must be an object',
  ).accepts;
  const fittedInputRule: Rule<typeof inputRule.schema> = {
    get schema() {
      return inputRule.schema;
    },
    accepts: fittedAccepts,
  };

  return {
    iterationRule,
    usageRule,
    inputRule,
    fittedInputRule,
  };
}

const ZEROS = /^0+$/;
/** A service tier's name (`flex`, `priority`, `batch`, `default`...): what the tag `service_tier` keeps. */
const TIER_NAME = /^[A-Za-z0-9_-]{1,40}$/;
const TIER_ERROR = 'must be a service tier name (flex, priority, batch...): 1 to 40 letters, digits, _ or -';

let schemas: ReturnType<typeof buildSchemas> | undefined;

function recordSchemas(): ReturnType<typeof buildSchemas> {
  schemas ??= buildSchemas();
  return schemas;
}

/**
 * Both forms of the input rule's verdict on `value`: the test that holds them equal reads
 * this (validate-rules.test.ts); validation itself never needs both.
 */
export function inputRuleVerdicts(value: unknown): { accepts: boolean; schema: boolean } {
  const { inputRule } = recordSchemas();
  return { accepts: inputRule.accepts(value), schema: inputRule.schema.safeParse(value).success };
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
  serviceTier: string | undefined;
}

/** Checks one record input; throws `ValidationError` naming the first bad field. */
export function validateRecordInput(input: RecordInput | unknown): ValidInput {
  return validated(input, false);
}

/**
 * `validateRecordInput` of a copy fitRecordInput fitted (fit-input.ts, which alone calls it):
 * its string names and its tags are within the limits and storable already, so they are not
 * checked again, field by field (an OTLP batch fits a thousand inputs on the way to its
 * answer). The verdict and the result are validateRecordInput's.
 */
export function validateFittedInput(fitted: RecordInput): ValidInput {
  return validated(fitted, true);
}

function validated(input: RecordInput | unknown, fitted: boolean): ValidInput {
  const native = nativeUsageOf(input);
  // A provider's usage object was read by its reader; the schema checks the rest.
  const checked = native === undefined ? input : { ...(input as object), usage: undefined };
  const schemas = recordSchemas();
  const inputRule = fitted ? schemas.fittedInputRule : schemas.inputRule;
  // Accepted, the input is read as it is: the readers below take the rule's fields by name,
  // which is all zod's stripped copy would hold. Refused, zod says which field and why.
  let value: ParsedInput;
  if (inputRule.accepts(checked)) value = checked as ParsedInput;
  else {
    const parsed = inputRule.schema.safeParse(checked);
    if (parsed.success) value = parsed.data;
    else {
      const issue = parsed.error.issues[0];
      const field = issue === undefined || issue.path.length === 0 ? 'input' : issue.path.map(String).join('.');
      throw invalid(field, issue?.message ?? 'is invalid');
    }
  }
  const usage = native?.usage ?? ourUsage(value.usage, (input as { usage?: unknown }).usage);
  return {
    id: value.id,
    timeMs: value.time === undefined || value.time === null ? undefined : parseTime(value.time),
    provider: value.provider,
    model: value.model,
    requestedModel: value.requestedModel,
    agent: value.agent ?? undefined,
    run: value.run ?? undefined,
    tags:
      value.tags === undefined || value.tags === null
        ? undefined
        : fitted
          ? copyTags(value.tags as Record<string, string>)
          : checkTags(value.tags),
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
    trace:
      value.trace === undefined || value.trace === null
        ? undefined
        : { traceId: value.trace.traceId.toLowerCase(), spanId: value.trace.spanId.toLowerCase() },
    serviceTier: value.serviceTier ?? undefined,
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
  // Nearly every event has none: no Set and copies for them (twice an event, validation and build).
  if (warnings.length === 0) return [];
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
  walkJson(value, 0, field);
  return value as JsonValue;
}

/**
 * checkJson's walk. Module-level, as are the other helpers of a record's checks, rather than
 * a closure made per record: run from source (tsx keeps function names), each closure made
 * costs a defineProperty, a few ms a 1,000-event batch.
 */
function walkJson(item: unknown, depth: number, field: string): void {
  if (depth > MAX_JSON_DEPTH) throw invalid(field, `must nest at most ${MAX_JSON_DEPTH} levels deep`);
  if (typeof item === 'string') {
    if (!isStorableText(item)) throw invalid(field, `strings ${TEXT}`);
  } else if (typeof item === 'number') {
    if (!Number.isFinite(item)) throw invalid(field, 'numbers must be finite');
  } else if (Array.isArray(item)) {
    for (const element of item) walkJson(element, depth + 1, field);
  } else if (typeof item === 'object' && item !== null) {
    // Keys, not entries: no pair array made per key (rawUsage is walked once an event).
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!isStorableText(key)) throw invalid(field, `keys ${TEXT}`);
      walkJson(record[key], depth + 1, field);
    }
  } else if (item !== null && item !== undefined && typeof item !== 'boolean') {
    // undefined is left out by JSON.stringify (SDK usage objects hold undefined counts).
    throw invalid(field, 'must be JSON');
  }
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

/** checkTags' copy of tags fitRecordInput fitted (each one within the limits): the same object, without the checks. */
function copyTags(value: Record<string, string>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const key of Object.keys(value)) tags[key] = value[key] as string;
  return tags;
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
type ParsedInput = Zod.infer<Schemas['inputRule']['schema']>;
type UsageCounts = Zod.infer<Schemas['usageRule']['schema']>;
type StepCounts = Zod.infer<Schemas['iterationRule']['schema']>['usage'];

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

/** Refuses a count larger than the count it is a part of. */
function partOf(
  where: string,
  part: number | undefined,
  whole: number | undefined,
  field: string,
  wholeName: string,
): void {
  if (part !== undefined && whole !== undefined && part > whole)
    throw invalid(`${where}.${field}`, `must not exceed ${where}.${wholeName} (it is a part of it)`);
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
  partOf(where, usage.cacheReadTokens, usage.inputTokens, 'cacheReadTokens', 'inputTokens');
  partOf(where, usage.cacheWriteTokens, usage.inputTokens, 'cacheWriteTokens', 'inputTokens');
  partOf(
    where,
    usage.cacheReadTokens === undefined || usage.cacheWriteTokens === undefined
      ? undefined
      : usage.cacheReadTokens + usage.cacheWriteTokens,
    usage.inputTokens,
    'cacheWriteTokens',
    'inputTokens - cacheReadTokens',
  );
  partOf(where, usage.reasoningTokens, usage.outputTokens, 'reasoningTokens', 'outputTokens');
  partOf(where, usage.inputAudioTokens, usage.inputTokens, 'inputAudioTokens', 'inputTokens');
  partOf(where, usage.outputAudioTokens, usage.outputTokens, 'outputAudioTokens', 'outputTokens');
  partOf(
    where,
    usage.cacheWrite5mTokens === undefined && usage.cacheWrite1hTokens === undefined
      ? undefined
      : (usage.cacheWrite5mTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0),
    usage.cacheWriteTokens,
    'cacheWrite1hTokens',
    'cacheWriteTokens',
  );
  return usage;
}
