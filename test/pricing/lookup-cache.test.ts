/** `lookup` builds a model's base-tier answer once when its prices do not depend on the time, and never caches one that does. */
import { describe, expect, it } from 'vitest';
import { createPricer } from '#src/pricing/index.js';

describe('pricer lookup cache', () => {
  it('answers a time-independent model with one frozen lookup; a dated override is looked up at each time', () => {
    const pricer = createPricer({
      overrides: [
        { model: 'dated', input: 1, output: 2 },
        { model: 'dated', input: 3, output: 4, from: '2026-09-01' },
      ],
    });
    const first = pricer.lookup({ provider: 'openai', model: 'gpt-4o-mini' });
    const again = pricer.lookup({ provider: 'openai', model: 'gpt-4o-mini', time: new Date('2020-01-01') });
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.prices)).toBe(true);
    expect(first?.prices).toMatchObject({ input: 0.15, output: 0.6 });
    // A size asks for its tier: computed, not the cached base tier.
    expect(pricer.lookup({ provider: 'openai', model: 'gpt-4o-mini', inputTokens: 10 })).not.toBe(first);
    const before = pricer.lookup({ model: 'dated', time: new Date('2026-08-31T23:59:59Z') });
    const after = pricer.lookup({ model: 'dated', time: new Date('2026-09-01T00:00:00Z') });
    expect([before?.prices.input, after?.prices.input]).toEqual([1, 3]);
  });
});
