/**
 * The worst case a budget holds is a bound: no call within its input and output bounds can be
 * billed more, whatever it turns out to be made of (cache reads and writes of either TTL, audio,
 * reasoning, any mix of them, fewer tokens). Checked against the pricer itself for every catalog
 * model and for overrides with every price apart, at a small and a long-context size.
 *
 * @module
 */
import { describe, expect, it } from 'vitest';
import { worstCaseNanos } from '#src/budgets/index.js';
import { createPricer } from '#src/pricing/index.js';
import type { Usage } from '#src/types/index.js';

/** How `input` tokens may be billed: each way's parts of the input, as usage fields. */
function inputWays(input: number): Partial<Usage>[] {
  const half = Math.floor(input / 2);
  const third = Math.floor(input / 3);
  return [
    {},
    { cacheReadTokens: input },
    { cacheWriteTokens: input },
    { cacheWriteTokens: input, cacheWrite5mTokens: input, cacheWrite1hTokens: 0 },
    { cacheWriteTokens: input, cacheWrite1hTokens: input },
    { inputAudioTokens: input },
    { cacheWriteTokens: half, cacheWrite1hTokens: half, inputAudioTokens: input - half },
    { cacheReadTokens: third, cacheWriteTokens: third, cacheWrite1hTokens: third - 1, inputAudioTokens: third },
  ];
}

/** How `output` tokens may be billed. */
function outputWays(output: number): Partial<Usage>[] {
  const half = Math.floor(output / 2);
  return [
    {},
    { reasoningTokens: output },
    { outputAudioTokens: output },
    { reasoningTokens: half, outputAudioTokens: output - half },
  ];
}

function usageOf(input: number, output: number, parts: Partial<Usage>): Usage {
  return {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    ...parts,
  };
}

describe('worst-case hold as a bound', () => {
  it('no call within the bounds is billed above the hold, for every catalog model, however its tokens are billed', async () => {
    const pricer = createPricer({
      overrides: [
        { model: 'own-cached', input: 1, output: 2, cacheRead: 0.1, cacheWrite: 1.25, cacheWrite1h: 2 },
        {
          model: 'own-odd',
          input: 0.0375,
          output: 0.15,
          cacheRead: 0.00375,
          cacheWrite: 0.046875,
          cacheWrite1h: 0.075,
        },
      ],
    });
    const time = new Date('2026-06-01T12:00:00Z');
    const models = await pricer.listPrices();
    expect(models.length).toBeGreaterThan(500);
    const above: string[] = [];
    let checked = 0;
    for (const { provider, modelId } of models) {
      const call = { provider, model: modelId, time };
      const prices = pricer.lookup(call);
      for (const [input, output] of [
        [1000, 500],
        [300_000, 8192],
      ] as const) {
        const worst = worstCaseNanos(pricer, call, input, output, prices);
        if (worst === undefined) continue;
        // Fewer tokens than the bounds too: a lower long-context tier, an odd count's rounding.
        for (const [usedIn, usedOut] of [
          [input, output],
          [input - 1, output - 1],
          [Math.floor(input / 3), output],
        ] as const) {
          for (const inWay of inputWays(usedIn)) {
            for (const outWay of outputWays(usedOut)) {
              const priced = pricer.price({
                ...(provider === undefined ? {} : { provider }),
                model: modelId,
                usage: usageOf(usedIn, usedOut, { ...inWay, ...outWay }),
                time,
              });
              if (priced.cost === null) continue;
              checked++;
              if (priced.cost.totalNanos > worst)
                above.push(
                  `${provider}/${modelId} ${usedIn}+${usedOut} ${JSON.stringify({ ...inWay, ...outWay })}: ${priced.cost.totalNanos} > ${worst}`,
                );
            }
          }
        }
      }
    }
    expect(above.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(models.length * 100);
  });
});
