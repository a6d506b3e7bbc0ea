/**
 * The record input's rule is held two ways (src/ledger/validate.ts): zod's schema, which says
 * why an input is refused, and the predicate valid inputs take instead. They must say the
 * same yes or no on everything: here on a valid input changed one field at a time, to the
 * edge of each bound and past it.
 */
import { describe, expect, it } from 'vitest';
import { inputRuleVerdicts } from '#src/ledger/validate.js';
import { MAX_ATTEMPTS, MAX_DURATION_MS, MAX_TOKEN_COUNT, MAX_USD } from '#src/ledger/validate.js';

const TRACE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const BASE = {
  id: '01J00000000000000000000000',
  time: 1_767_225_600_000,
  provider: 'openai',
  model: 'gpt-4o-mini',
  requestedModel: 'gpt-4o-mini',
  agent: 'analyst',
  run: 'r1',
  tags: { team: 'core' },
  usage: { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 1000 },
  durationMs: 750,
  timeToFirstTokenMs: 120,
  status: 'ok',
  attempts: 1,
  providerCost: 0.001,
  estimated: false,
  usageUnavailableReason: 'none',
  warnings: ['a warning'],
  trace: TRACE,
};

const NAMES = [
  '',
  'a',
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(256),
  'x'.repeat(257),
  'a\u0000b',
  'gpt\uD800',
  '\uD83D\uDE00',
  3,
  null,
  undefined,
  {},
  ['a'],
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  1.5,
  99,
  100,
  599,
  600,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '1',
  null,
  undefined,
  true,
  2 ** 53,
  MAX_TOKEN_COUNT,
  MAX_TOKEN_COUNT + 1,
  MAX_DURATION_MS,
  MAX_DURATION_MS + 0.5,
  MAX_USD,
  MAX_USD + 1e-9,
  MAX_ATTEMPTS,
  MAX_ATTEMPTS + 1,
];
const OTHERS = [
  null,
  undefined,
  true,
  'ok',
  'error',
  'maybe',
  [],
  ['a', 3],
  // A hole: zod reads it as undefined (and refuses a warnings list with one).
  new Array<string>(2).fill('a', 1),
  { a: 1 },
  'x'.repeat(1000),
  'x'.repeat(1001),
  'a\u0000',
];
const HEX = [
  '4BF92F3577B34DA6A3CE929D0E0E4736',
  '0'.repeat(32),
  '0'.repeat(16),
  'abc',
  'zz'.repeat(8),
  'ab'.repeat(8),
  3,
  null,
];

/** Every top-level field set to each candidate, and the nested objects' fields likewise. */
function variants(): [string, unknown][] {
  const out: [string, unknown][] = [['the base input', BASE]];
  const all = [...NAMES, ...NUMBERS, ...OTHERS];
  for (const key of Object.keys(BASE)) {
    for (const value of all) out.push([`${key} = ${String(value).slice(0, 20)}`, { ...BASE, [key]: value }]);
    const { [key]: _dropped, ...without } = BASE as Record<string, unknown>;
    out.push([`without ${key}`, without]);
  }
  for (const field of [
    'inputTokens',
    'outputTokens',
    'totalTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'cacheWrite5mTokens',
    'cacheWrite1hTokens',
    'reasoningTokens',
    'inputAudioTokens',
    'outputAudioTokens',
    'iterations',
  ])
    for (const value of [...NUMBERS, ...OTHERS])
      out.push([`usage.${field} = ${String(value)}`, { ...BASE, usage: { ...BASE.usage, [field]: value } }]);
  const step = { type: 'turn', model: 'gpt-4o', usage: { inputTokens: 1, outputTokens: 2 } };
  for (const value of [...NAMES, ...OTHERS]) {
    out.push([`iteration type = ${String(value)}`, { ...BASE, usage: { iterations: [{ ...step, type: value }] } }]);
    out.push([`iteration model = ${String(value)}`, { ...BASE, usage: { iterations: [{ ...step, model: value }] } }]);
    out.push([`iteration usage = ${String(value)}`, { ...BASE, usage: { iterations: [{ ...step, usage: value }] } }]);
  }
  out.push(['256 iterations', { ...BASE, usage: { iterations: Array.from({ length: 256 }, () => step) } }]);
  out.push(['257 iterations', { ...BASE, usage: { iterations: Array.from({ length: 257 }, () => step) } }]);
  const error = { type: 'RateLimit', status: 429, message: 'slow down' };
  for (const value of [...NAMES, ...NUMBERS, ...OTHERS])
    for (const field of ['type', 'status', 'message'])
      out.push([
        `error.${field} = ${String(value)}`,
        { ...BASE, status: 'error', error: { ...error, [field]: value } },
      ]);
  for (const value of HEX) {
    out.push([`trace.traceId = ${String(value)}`, { ...BASE, trace: { ...TRACE, traceId: value } }]);
    out.push([`trace.spanId = ${String(value)}`, { ...BASE, trace: { ...TRACE, spanId: value } }]);
  }
  for (const value of [null, undefined, 3, 'x', [], [BASE], new Date(0)])
    out.push([`the input = ${String(value)}`, value]);
  return out;
}

describe('the record input rule, both forms', () => {
  it('agree on every variant (and the variants include both verdicts)', () => {
    const cases = variants();
    const disagreements = cases
      .map(([label, value]) => ({ label, ...inputRuleVerdicts(value) }))
      .filter((verdict) => verdict.accepts !== verdict.schema);
    expect(disagreements).toEqual([]);
    const accepted = cases.filter(([, value]) => inputRuleVerdicts(value).accepts).length;
    expect(accepted).toBeGreaterThan(100);
    expect(cases.length - accepted).toBeGreaterThan(300);
  });
});
