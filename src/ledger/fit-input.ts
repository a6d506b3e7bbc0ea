/**
 * Fail-open recording: a call that was made is recorded, whatever its attribution says. For
 * the paths where the caller is not the one to tell (the gateway's headers, an upstream's
 * answer, OpenTelemetry spans), `fitRecordInput` makes an input valid the way validate.ts
 * would want it, instead of refusing it: names and tag values past their limits are cut, tags
 * past the limits (too many, key too long) are dropped, NULs and broken Unicode are cleaned,
 * and any other field validation refuses is dropped. Each change leaves a warning on the
 * event, so the ledger shows what was lost. Ingest and `record()` stay strict (a 400 or a
 * `ValidationError`): there the caller can fix its input.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { RecordInput } from '../types/index.js';
import {
  cleanText,
  cutText,
  isStorableText,
  MAX_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  validateFittedInput,
  type ValidInput,
} from './validate.js';

const NAME_FIELDS = ['provider', 'model', 'requestedModel', 'agent', 'run'] as const;
/** Dropping a field can only uncover another: more rounds than fields means something else is wrong. */
const MAX_ROUNDS = 24;

/** `input` within the ledger's limits, what did not fit cut or dropped with a warning. */
export function fitRecordInput(input: RecordInput): RecordInput {
  const { fitted, warnings } = fitAndValidate(input);
  // The fitted copy carries the warnings it was validated with; without any, the input's own field as it was.
  if (warnings.length === 0) {
    if (Object.hasOwn(input, 'warnings')) fitted.warnings = input.warnings;
    else delete fitted.warnings;
  }
  return fitted;
}

/**
 * `input` fitted and validated in one pass: what `validateRecordInput(fitRecordInput(input))`
 * returns, without validating twice (the ledger's `recordMany(..., { fit: true })`).
 */
export function fitValidInput(input: RecordInput): ValidInput {
  return fitAndValidate(input).valid;
}

/**
 * One copy of `input`, fitted in place and validated as it is: its `warnings` are the input's
 * plus the fitting's (a copy per validation round measured 0.5 us of a call's 6).
 */
function fitAndValidate(input: RecordInput): { fitted: RecordInput; warnings: string[]; valid: ValidInput } {
  const warnings = Array.isArray(input.warnings) ? [...(input.warnings as string[])] : [];
  const fitted: RecordInput = { ...input, warnings };
  for (const field of NAME_FIELDS) {
    const value = fitted[field];
    if (typeof value !== 'string') continue;
    const name = fitText(value, MAX_NAME_LENGTH, field, warnings);
    if (name === '') delete fitted[field];
    else if (name !== value) fitted[field] = name;
  }
  if (fitted.tags !== undefined) fitted.tags = fitTags(fitted.tags, warnings);
  for (let round = 0; ; round++) {
    try {
      return { fitted, warnings, valid: validateFittedInput(fitted) };
    } catch (error) {
      if (round >= MAX_ROUNDS || !(error instanceof ValidationError) || !dropField(fitted, error, warnings))
        throw error;
    }
  }
}

/** `value` cleaned and cut to `limit`, saying so in `warnings`. */
function fitText(value: string, limit: number, field: string, warnings: string[]): string {
  const clean = cleanText(value);
  if (clean !== value) warnings.push(`${field}: NUL characters or broken Unicode removed`);
  const cut = cutText(clean, limit);
  if (cut !== clean) warnings.push(`${field} was ${clean.length} characters; cut to ${cut.length}`);
  return cut;
}

function fitTags(tags: unknown, warnings: string[]): Record<string, string> {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    warnings.push('tags dropped: not an object of strings');
    return {};
  }
  const entries = Object.entries(tags);
  // fromEntries defines own properties: a `__proto__` key stays a key.
  if (tagsFit(entries)) return Object.fromEntries(entries);
  const kept = new Map<string, string>();
  let beyond = 0;
  for (const [rawKey, rawValue] of entries) {
    const key = cleanText(rawKey);
    if (key === '' || key.length > MAX_TAG_KEY_LENGTH) {
      warnings.push(`tag ${cutText(key, 40)}... dropped: its key must be 1 to ${MAX_TAG_KEY_LENGTH} characters`);
      continue;
    }
    if (typeof rawValue !== 'string') {
      warnings.push(`tag ${key} dropped: its value is not a string`);
      continue;
    }
    if (key !== rawKey) warnings.push(`tag ${key}: NUL characters or broken Unicode removed from its key`);
    if (!kept.has(key) && kept.size >= MAX_TAGS) {
      beyond++;
      continue;
    }
    kept.set(key, fitText(rawValue, MAX_TAG_VALUE_LENGTH, `tags.${key}`, warnings));
  }
  if (beyond > 0) warnings.push(`${beyond} tags beyond ${MAX_TAGS} dropped`);
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(kept);
}

/**
 * True when fitting would change nothing (every tag kept as it is, no warning): a copy is then
 * all there is to do, without cleaning each key and value into a map first.
 */
function tagsFit(entries: [string, unknown][]): boolean {
  if (entries.length > MAX_TAGS) return false;
  for (const [key, value] of entries) {
    if (key === '' || key.length > MAX_TAG_KEY_LENGTH || !isStorableText(key)) return false;
    if (typeof value !== 'string' || value.length > MAX_TAG_VALUE_LENGTH || !isStorableText(value)) return false;
  }
  return true;
}

/** Drops the top-level field `error` names, with a warning; false when there is nothing to drop. */
function dropField(input: RecordInput, error: ValidationError, warnings: string[]): boolean {
  const field = (error.field ?? '').split(/[.[]/)[0] ?? '';
  if (field === '' || field === 'input' || field === 'warnings' || !Object.hasOwn(input, field)) return false;
  delete (input as Record<string, unknown>)[field];
  warnings.push(`${field} dropped: ${error.message}`);
  return true;
}
