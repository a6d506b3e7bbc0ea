/** Counting rules: what a trusted count is, unknown arithmetic, parts never above totals. */
import { describe, expect, it } from 'vitest';
import {
  addCounts,
  createCountProblems,
  finishUsage,
  normalizeResponse,
  readCount,
  sumParts,
} from '#src/usage/index.js';

describe('readCount', () => {
  it.each([
    [0, 0],
    [42, 42],
    [1e12, 1e12],
  ])('trusts %s', (value, expected) => {
    const problems = createCountProblems();
    expect(readCount(value, 'x', problems, undefined)).toBe(expected);
    expect(problems.untrusted).toEqual([]);
  });

  it.each([
    [-1],
    [1.5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [1e12 + 1],
    ['12abc'],
    ['1e3'],
    [' 12'],
    ['012'],
    ['-5'],
    [true],
    [{}],
    [[1]],
  ])('distrusts %s: undefined with a warning, never 0', (value) => {
    const problems = createCountProblems();
    expect(readCount(value, 'prompt_tokens', problems, 0)).toBeUndefined();
    expect(problems.untrusted).toEqual(['prompt_tokens']);
    expect(problems.warnings[0]).toMatch(/prompt_tokens/);
  });

  it('folds -0 into 0', () => {
    expect(Object.is(readCount(-0, 'x', createCountProblems(), undefined), 0)).toBe(true);
  });

  it('accepts canonical integer strings (proto3 JSON int64) with a warning', () => {
    const problems = createCountProblems();
    expect(readCount('123', 'x', problems, undefined)).toBe(123);
    expect(problems.warnings).toHaveLength(1);
    expect(problems.untrusted).toEqual([]);
  });

  it('absent or null reads as the caller says: 0 for sub-counters, undefined for totals', () => {
    const problems = createCountProblems();
    expect(readCount(undefined, 'x', problems, 0)).toBe(0);
    expect(readCount(null, 'x', problems, undefined)).toBeUndefined();
    expect(problems.warnings).toEqual([]);
  });
});

describe('unknown arithmetic', () => {
  it('addCounts: unknown + unknown = unknown; known + unknown = known', () => {
    expect(addCounts(undefined, undefined)).toBeUndefined();
    expect(addCounts(3, undefined)).toBe(3);
    expect(addCounts(undefined, 4)).toBe(4);
    expect(addCounts(3, 4)).toBe(7);
  });

  it('sumParts of one inclusive total: any unknown part makes it unknown', () => {
    expect(sumParts(1, 2, 3)).toBe(6);
    expect(sumParts(1, undefined, 3)).toBeUndefined();
  });
});

describe('finishUsage', () => {
  const base = { inputTokens: 100, outputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

  it('total = input + output only when both are known', () => {
    expect(finishUsage(base, createCountProblems())?.totalTokens).toBe(150);
    expect(finishUsage({ ...base, outputTokens: undefined }, createCountProblems())?.totalTokens).toBeUndefined();
  });

  it('no input and no output: unavailable', () => {
    expect(
      finishUsage({ ...base, inputTokens: undefined, outputTokens: undefined }, createCountProblems()),
    ).toBeUndefined();
  });

  it.each([
    ['cacheReadTokens', { cacheReadTokens: 101 }],
    ['cacheWriteTokens', { cacheWriteTokens: 101 }],
    ['reasoningTokens', { reasoningTokens: 51 }],
    ['inputAudioTokens', { inputAudioTokens: 101 }],
    ['outputAudioTokens', { outputAudioTokens: 51 }],
  ])('drops %s when it exceeds its total', (field, parts) => {
    const problems = createCountProblems();
    const usage = finishUsage({ ...base, ...parts }, problems);
    expect((usage as unknown as Record<string, unknown>)[field]).toBeUndefined();
    expect(problems.untrusted).toContain(field);
    expect(usage?.inputTokens).toBe(100);
  });

  it('drops both cache parts when together they exceed the input', () => {
    const usage = finishUsage({ ...base, cacheReadTokens: 60, cacheWriteTokens: 60 }, createCountProblems());
    expect(usage?.cacheReadTokens).toBeUndefined();
    expect(usage?.cacheWriteTokens).toBeUndefined();
  });

  it('warns when the provider total disagrees', () => {
    const problems = createCountProblems();
    finishUsage({ ...base, reportedTotal: 151 }, problems);
    expect(problems.warnings.join()).toMatch(/provider total 151/);
  });
});

describe('bad input through normalizeResponse never throws', () => {
  it.each([
    ['non-JSON text', 'hello'],
    ['truncated JSON', '{"usage":{"prompt_tokens":1'],
    ['empty text', ''],
    ['empty bytes', new Uint8Array()],
    ['null', null],
    ['number', 42],
    ['array', [1, 2]],
    ['empty object', {}],
  ])('%s: usage unavailable with a reason', (_name, body) => {
    const result = normalizeResponse(body);
    expect(result.usage).toBeUndefined();
    expect(result.usageUnavailableReason).toEqual(expect.any(String));
    expect(result.estimated).toBe(false);
  });

  it('reads JSON from an ArrayBuffer too', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ object: 'chat.completion', choices: [], usage: { prompt_tokens: 2, completion_tokens: 3 } }),
    );
    expect(normalizeResponse(bytes.buffer).usage?.totalTokens).toBe(5);
  });

  it('usage: null and usage: {} are unavailable, never zeros', () => {
    expect(normalizeResponse({ object: 'chat.completion', choices: [], usage: null }).usage).toBeUndefined();
    expect(normalizeResponse({ object: 'chat.completion', choices: [], usage: {} }).usage).toBeUndefined();
  });

  it('keeps the parts it can trust and says why', () => {
    const result = normalizeResponse({
      object: 'chat.completion',
      choices: [],
      usage: { prompt_tokens: 'lots', completion_tokens: 7 },
    });
    expect(result.usage).toMatchObject({ inputTokens: undefined, outputTokens: 7, totalTokens: undefined });
    expect(result.usageUnavailableReason).toMatch(/prompt_tokens/);
  });

  it('survives a throwing getter in a caller object', () => {
    const body = { object: 'chat.completion', choices: [] };
    Object.defineProperty(body, 'usage', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect(normalizeResponse(body).usage).toBeUndefined();
  });
});
