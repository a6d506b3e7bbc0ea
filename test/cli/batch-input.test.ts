import { describe, expect, it } from 'vitest';
import { parseInputLine } from '#src/cli/batch/input.js';
import { renderTemplate } from '#src/cli/batch/template.js';
import { createProgressView, formatProgress } from '#src/cli/batch/progress.js';

describe('batch input lines', () => {
  it('reads prompt and messages lines, the id defaulting to the line number', () => {
    expect(parseInputLine('{"id":"a","prompt":"hi"}', 1, undefined)).toEqual({
      ok: true,
      call: { id: 'a', prompt: 'hi' },
    });
    expect(parseInputLine('{"id":7,"prompt":"hi","system":"s"}', 2, undefined)).toEqual({
      ok: true,
      call: { id: '7', prompt: 'hi', system: 's' },
    });
    expect(parseInputLine('{"messages":[{"role":"user","content":"x"}]}', 3, undefined)).toEqual({
      ok: true,
      call: { id: '3', messages: [{ role: 'user', content: 'x' }] },
    });
  });
  it('names the line of a malformed one', () => {
    expect(parseInputLine('{nope', 4, undefined)).toMatchObject({
      ok: false,
      id: '4',
      reason: expect.stringMatching(/^line 4: not valid JSON/),
    });
    expect(parseInputLine('[1]', 5, undefined)).toMatchObject({ ok: false, reason: 'line 5: expected a JSON object' });
    expect(parseInputLine('{"id":"q","messages":[{"role":"robot","content":"x"}]}', 6, undefined)).toMatchObject({
      ok: false,
      id: 'q',
      reason: expect.stringContaining('line 6: messages'),
    });
    expect(parseInputLine('{"text":"x"}', 7, undefined)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('needs "prompt" or "messages"'),
    });
  });
  it('fills a template from any object', () => {
    expect(parseInputLine('{"id":"t","issue":{"title":"x"},"n":3}', 1, 'T={{issue.title}} N={{ n }}')).toEqual({
      ok: true,
      call: { id: 't', prompt: 'T=x N=3' },
    });
    expect(renderTemplate('{{a}}', { a: { b: 1 } })).toBe('{"b":1}');
    expect(() => renderTemplate('{{missing}}', {})).toThrow(/\{\{missing\}\} is missing/);
  });
});

describe('batch progress', () => {
  const state = {
    done: 50,
    failed: 2,
    inFlight: 5,
    total: 200,
    elapsedMs: 10_000,
    totalTokens: 12_345,
    costUsd: 0.01234,
  };
  it('says done/failed, rate, ETA, tokens and cost', () => {
    expect(formatProgress(state)).toBe('50/200 done, 2 failed | 5.0/s | ETA 30s | 12,345 tok | $0.0123');
  });
  it('redraws one line on a terminal, prints plain lines elsewhere', () => {
    const written: string[] = [];
    let now = 0;
    const tty = createProgressView({
      stream: Object.assign({ write: (text: string) => written.push(text) }, { isTTY: true, columns: 200 }) as never,
      now: () => now,
    });
    tty.update(state);
    now = 50;
    tty.update({ ...state, done: 51 });
    tty.finish();
    expect(written[0]).toMatch(/^\r\[######\.+\] 50\/200 done/);
    expect(written).toHaveLength(3);
    expect(written.at(-1)).toBe('\n');
    const plain: string[] = [];
    const log = createProgressView({
      stream: { write: (text: string) => plain.push(text) } as never,
      intervalMs: 1000,
      now: () => now,
    });
    now = 5000;
    log.update(state);
    log.finish();
    expect(plain).toEqual([`${formatProgress(state)}\n`, `${formatProgress(state)}\n`]);
  });
});
