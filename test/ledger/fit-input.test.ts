import { describe, expect, it } from 'vitest';
import { fitRecordInput, validateRecordInput } from '#src/ledger/index.js';

const OK = { provider: 'openai', model: 'gpt-4o' };

describe('fitRecordInput: fail-open recording', () => {
  it('cuts names and tag values, drops tags past the limits, with one warning each', () => {
    const fitted = fitRecordInput({
      ...OK,
      agent: 'a'.repeat(300),
      run: 'r\u0000un',
      tags: {
        ['k'.repeat(65)]: 'v',
        team: 't'.repeat(300),
        ...Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'])),
      },
    });
    expect(fitted.agent).toBe('a'.repeat(256));
    expect(fitted.run).toBe('run');
    expect(fitted.tags?.['team']).toBe('t'.repeat(256));
    expect(Object.keys(fitted.tags ?? {})).toHaveLength(64);
    expect(fitted.warnings).toEqual([
      'agent was 300 characters; cut to 256',
      'run: NUL characters or broken Unicode removed',
      `tag ${'k'.repeat(40)}... dropped: its key must be 1 to 64 characters`,
      'tags.team was 300 characters; cut to 256',
      '1 tags beyond 64 dropped',
    ]);
    expect(() => validateRecordInput(fitted)).not.toThrow();
  });

  it('never splits a surrogate pair when cutting', () => {
    const fitted = fitRecordInput({ ...OK, agent: `${'a'.repeat(255)}😀` });
    expect(fitted.agent).toBe('a'.repeat(255));
  });

  it('drops any other field validation refuses, saying why, and keeps the call', () => {
    const fitted = fitRecordInput({ ...OK, durationMs: 1e308, usage: { inputTokens: -1 }, providerCost: 1e12 });
    expect(fitted.durationMs).toBeUndefined();
    expect(fitted.usage).toBeUndefined();
    expect(fitted.providerCost).toBeUndefined();
    expect(fitted.warnings).toHaveLength(3);
    expect(fitted.warnings?.[0]).toBe('usage dropped: usage.inputTokens: must be an integer from 0 to 1000000000000');
    expect(() => validateRecordInput(fitted)).not.toThrow();
  });

  it('leaves a valid input as it is', () => {
    const input = { ...OK, agent: 'a', tags: { team: 'x' }, durationMs: 5 };
    expect(fitRecordInput(input)).toEqual(input);
  });

  it('copies tags that fit as they are, a `__proto__` key kept as a key, the input untouched', () => {
    const tags = JSON.parse('{"__proto__":"x","team":"t"}') as Record<string, string>;
    const input = { ...OK, tags, warnings: ['sent'] };
    const fitted = fitRecordInput(input);
    expect(fitted.tags).not.toBe(tags);
    expect(Object.entries(fitted.tags ?? {})).toEqual([
      ['__proto__', 'x'],
      ['team', 't'],
    ]);
    expect(fitted.warnings).toEqual(['sent']);
    expect(input).toEqual({ ...OK, tags, warnings: ['sent'] });
  });
});
