import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binValueMicros, HISTOGRAM_RELATIVE_ERROR, latencyBin } from '#src/store/index.js';

describe('latency histogram bins', () => {
  it('represents every value within the documented relative error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3_600_000_000 }), (micros) => {
        const represented = binValueMicros(latencyBin(micros));
        // +1 µs: the representative is rounded to a whole microsecond.
        expect(Math.abs(represented - micros)).toBeLessThanOrEqual(micros * HISTOGRAM_RELATIVE_ERROR + 1);
      }),
      { numRuns: 5000 },
    );
  });

  it('orders bins like values, and puts zero in bin 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (a, b) => {
        if (a <= b) expect(latencyBin(a)).toBeLessThanOrEqual(latencyBin(b));
      }),
    );
    expect(latencyBin(0)).toBe(0);
    expect(binValueMicros(0)).toBe(0);
    expect(HISTOGRAM_RELATIVE_ERROR).toBeCloseTo(0.0443, 3);
  });
});
