/**
 * fitValidInput (the ledger's `recordMany(..., { fit: true })`, the OTLP receiver's path) fits a
 * copy and validates it without checking again the names and tags it fitted
 * (validateFittedInput). Its verdict and result must stay what validating the fitted input in
 * full gives: `validateRecordInput(fitRecordInput(input))`, on inputs whose names and tags break
 * every limit (NUL, lone surrogates, too long, empty, not strings, too many tags, `__proto__`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitValidInput } from '#src/ledger/fit-input.js';
import { fitRecordInput, validateRecordInput } from '#src/ledger/index.js';
import type { RecordInput } from '#src/types/index.js';

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constantFrom('', '\u0000', 'a\uD800b', '\uDC00', '😀', 'x'.repeat(256), 'y'.repeat(257), `${'a'.repeat(255)}😀`),
);
const nameValue = fc.oneof(text, fc.constantFrom(undefined, null, 0, 42, true, {}, ['a']));
const tags = fc.oneof(
  fc.dictionary(fc.oneof(text, fc.constant('__proto__')), fc.oneof(text, fc.constant(7)), { maxKeys: 70 }),
  fc.constantFrom(undefined, null, 'tags', ['a']),
);

const input = fc.record(
  {
    provider: nameValue,
    model: nameValue,
    requestedModel: nameValue,
    agent: nameValue,
    run: nameValue,
    tags,
    usage: fc.constantFrom(undefined, { inputTokens: 5, outputTokens: 2 }, { inputTokens: -1 }),
    durationMs: fc.constantFrom(undefined, 5, -1, 1e308),
    warnings: fc.constantFrom(undefined, [], ['sent']),
  },
  { requiredKeys: [] },
);

/** The outcome of a validation: its result, or the message it refused with. */
function outcome(validate: () => unknown): unknown {
  try {
    return { valid: validate() };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

describe('fitValidInput', () => {
  it('gives what validating the fitted input in full gives', () => {
    fc.assert(
      fc.property(input, (generated) => {
        // Inputs come from outside the types (spans, headers, JSON): the fields hold anything.
        const value = generated as RecordInput;
        expect(outcome(() => fitValidInput(value))).toEqual(outcome(() => validateRecordInput(fitRecordInput(value))));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a valid input as validateRecordInput reads it', () => {
    const valid = { provider: 'openai', model: 'gpt-4o', agent: 'a', run: 'r', tags: { team: 't' }, durationMs: 5 };
    expect(fitValidInput(valid)).toEqual(validateRecordInput(valid));
  });
});
