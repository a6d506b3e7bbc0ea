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
  MAX_NAME_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  validateRecordInput,
  type ValidInput,
} from './validate.js';

const NAME_FIELDS = ['provider', 'model', 'requestedModel', 'agent', 'run'] as const;
/** Dropping a field can only uncover another: more rounds than fields means something else is wrong. */
const MAX_ROUNDS = 24;

/** `input` within the ledger's limits, what did not fit cut or dropped with a warning. */
export function fitRecordInput(input: RecordInput): RecordInput {
  return fit(input).input;
}

/**
 * `input` fitted and validated in one pass: what `validateRecordInput(fitRecordInput(input))`
 * returns, without validating twice (the ledger's `recordMany(..., { fit: true })`).
 */
export function fitValidInput(input: RecordInput): ValidInput {
  return fit(input).valid;
}

function fit(input: RecordInput): { input: RecordInput; valid: ValidInput } {
  const warnings = [...(Array.isArray(input.warnings) ? input.warnings : [])];
  const fitted: RecordInput = { ...input };
  for (const field of NAME_FIELDS) {
    const value = fitted[field];
    if (typeof value !== 'string') continue;
    const name = fitText(value, MAX_NAME_LENGTH, field, warnings);
    if (name === '') delete fitted[field];
    else fitted[field] = name;
  }
  if (fitted.tags !== undefined) fitted.tags = fitTags(fitted.tags, warnings);
  for (let round = 0; ; round++) {
    try {
      const valid = validateRecordInput({ ...fitted, warnings });
      if (warnings.length > 0) fitted.warnings = warnings;
      return { input: fitted, valid };
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
  const kept = new Map<string, string>();
  let beyond = 0;
  for (const [rawKey, rawValue] of Object.entries(tags)) {
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

/** Drops the top-level field `error` names, with a warning; false when there is nothing to drop. */
function dropField(input: RecordInput, error: ValidationError, warnings: string[]): boolean {
  const field = (error.field ?? '').split(/[.[]/)[0] ?? '';
  if (field === '' || field === 'input' || field === 'warnings' || !Object.hasOwn(input, field)) return false;
  delete (input as Record<string, unknown>)[field];
  warnings.push(`${field} dropped: ${error.message}`);
  return true;
}
