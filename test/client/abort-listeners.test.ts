import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from '../../src/client/abort-listeners.js';

describe('onAbort', () => {
  it('keeps one EventTarget listener on a shared signal however many calls join', () => {
    const controller = new AbortController();
    const leave = Array.from({ length: 500 }, () => onAbort(controller.signal, () => undefined));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    for (const each of leave) each();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  });

  it('calls each listener still joined exactly once, and none that left', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('a'));
    const leaveB = onAbort(controller.signal, () => calls.push('b'));
    onAbort(controller.signal, () => calls.push('c'));
    leaveB();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['a', 'c']);
  });

  it('a listener that joins during the abort, or after it, is not called (as addEventListener)', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => {
      calls.push('first');
      onAbort(controller.signal, () => calls.push('joined during'));
    });
    controller.abort();
    onAbort(controller.signal, () => calls.push('joined after'));
    expect(calls).toEqual(['first']);
  });

  it('keeps signals apart', () => {
    const one = new AbortController();
    const two = new AbortController();
    const calls: string[] = [];
    onAbort(one.signal, () => calls.push('one'));
    onAbort(two.signal, () => calls.push('two'));
    two.abort();
    expect(calls).toEqual(['two']);
  });
});
