/**
 * Issue 14, "tiers": a call served at a service tier (OpenAI `service_tier` flex or priority) or
 * made through a batch API (OpenAI Batch, Anthropic Message Batches) is priced at that tier where
 * the catalog has it, and flagged where it does not. The catalog (genai-prices 0.1.8) has no tier
 * prices: batch is half the standard price of every part (the providers' published discount),
 * flagged as derived; flex and priority are the standard price, flagged.
 *
 * Bodies are recorded responses from test/fixtures (sources in each folder's SOURCES.md), with
 * only their tier field set to the tier under test, where each API names it:
 * top-level `service_tier` (OpenAI), `usage.service_tier` (Anthropic).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '#src/errors/index.js';
import { createRecordingLedger } from '#src/ledger/index.js';
import { openStore, type Store } from '#src/store/index.js';
import type { RecordInput, UsageEvent } from '#src/types/index.js';
import { nanos } from './helpers.js';

type Body = Record<string, unknown>;
const fixture = (path: string): Body =>
  (JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as { body: Body }).body;

// gpt-4.1-nano-2025-04-14: 16 input, 363 output tokens; list price $0.10 / $0.40 per 1M.
const OPENAI = fixture('openai/openai-01-chat-plain.json');
const openai = (tier: string): Body => ({ ...OPENAI, service_tier: tier });
const OPENAI_STANDARD = nanos(16, 0.1) + nanos(363, 0.4);
const OPENAI_BATCH = nanos(16, 0.05) + nanos(363, 0.2);

// claude-sonnet-4-5-20250929: 3 uncached input, 418 5-minute cache writes, 1,111 cache reads,
// 33 output; list price $3 input, $3.75 cache write, $0.30 cache read, $15 output per 1M.
const ANTHROPIC = fixture('anthropic/anthropic-02-cache-read-write.json');
const anthropic = (tier: string): Body => ({
  ...ANTHROPIC,
  usage: { ...(ANTHROPIC['usage'] as Body), service_tier: tier },
});
const ANTHROPIC_STANDARD = nanos(3, 3) + nanos(418, 3.75) + nanos(1_111, 0.3) + nanos(33, 15);
const ANTHROPIC_BATCH = nanos(3, 1.5) + nanos(418, 1.875) + nanos(1_111, 0.15) + nanos(33, 7.5);

const BATCH_WARNING =
  'service tier batch: the price catalog has no batch price; priced at 50% of the standard price, the batch discount OpenAI and Anthropic publish (a derived price)';
const unpriced = (tier: string) =>
  `service tier ${tier}: the price catalog has no ${tier} price; priced at the standard price`;

const dir = mkdtempSync(join(tmpdir(), 'tl-tiers-'));
const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function recordAll(inputs: RecordInput[]): Promise<{ recorded: UsageEvent[]; stored: UsageEvent[] }> {
  const store = await openStore(`sqlite:${join(dir, `t${stores.length}.db`)}`);
  stores.push(store);
  const ledger = createRecordingLedger({ store, clock: () => Date.parse('2026-11-30T12:00:00Z') });
  const recorded: UsageEvent[] = [];
  for (const input of inputs) recorded.push(await ledger.record(input, { failOpen: false }));
  await ledger.flush();
  const stored = await Promise.all(recorded.map(async (event) => (await store.event(event.id)) as UsageEvent));
  return { recorded, stored };
}

const summary = (event: UsageEvent) => [event.cost?.totalNanos, event.tags['service_tier'], event.warnings];

describe('service tiers', () => {
  it('prices OpenAI flex, priority and batch calls from the tier the response names or the caller gives', async () => {
    const { recorded, stored } = await recordAll([
      { provider: 'openai', response: OPENAI },
      { provider: 'openai', response: openai('flex') },
      { provider: 'openai', response: openai('priority') },
      // A Batch API output line's body says `default`: only the recorder knows it was a batch.
      { provider: 'openai', response: OPENAI, serviceTier: 'batch' },
    ]);
    expect(OPENAI_STANDARD).toBe(146_800);
    expect(OPENAI_BATCH).toBe(73_400);
    const expected = [
      [146_800, undefined, undefined],
      [146_800, 'flex', [unpriced('flex')]],
      [146_800, 'priority', [unpriced('priority')]],
      [73_400, 'batch', [BATCH_WARNING]],
    ];
    expect(recorded.map(summary)).toEqual(expected);
    // The tier is kept (as the reserved tag) with the price and the flag, read back from SQLite.
    expect(stored.map(summary)).toEqual(expected);
    expect(stored[3]?.cost).toMatchObject({ input: 0.0000008, output: 0.0000726 });
  });

  it('prices Anthropic batch and priority calls from usage.service_tier, every part at the tier', async () => {
    const { stored } = await recordAll([
      { provider: 'anthropic', response: ANTHROPIC },
      { provider: 'anthropic', response: anthropic('batch') },
      { provider: 'anthropic', response: anthropic('priority') },
    ]);
    expect(ANTHROPIC_STANDARD).toBe(2_404_800);
    expect(ANTHROPIC_BATCH).toBe(1_202_400);
    expect(stored.map(summary)).toEqual([
      [2_404_800, undefined, undefined],
      [1_202_400, 'batch', [BATCH_WARNING]],
      [2_404_800, 'priority', [unpriced('priority')]],
    ]);
    expect(stored[1]?.cost).toMatchObject({
      input: 0.0000045,
      cacheWrite: 0.00078375,
      cacheRead: 0.00016665,
      output: 0.0002475,
    });
  });

  it('the tier a response names wins over the one requested, except batch; the standard names are no tier', async () => {
    const { stored } = await recordAll([
      // Asked for flex, served at the default tier (OpenAI answers with the tier it used).
      { provider: 'openai', response: openai('default'), serviceTier: 'flex' },
      { provider: 'openai', response: openai('priority'), serviceTier: 'auto' },
      { provider: 'openai', response: openai('Flex') },
      { provider: 'anthropic', response: anthropic('standard') },
      // No response body: the caller's tier prices the counts.
      {
        provider: 'openai',
        model: 'gpt-4.1-nano',
        usage: { inputTokens: 16, outputTokens: 363 },
        serviceTier: 'scale',
      },
    ]);
    expect(stored.map(summary)).toEqual([
      [146_800, undefined, undefined],
      [146_800, 'priority', [unpriced('priority')]],
      [146_800, 'flex', [unpriced('flex')]],
      [2_404_800, undefined, undefined],
      [146_800, 'scale', [unpriced('scale')]],
    ]);
  });

  it('a model without a price stays unpriced at any tier, never $0; a bad tier is refused naming the field', async () => {
    const { stored } = await recordAll([
      {
        provider: 'openai',
        model: 'no-such-model-x',
        usage: { inputTokens: 10, outputTokens: 1 },
        serviceTier: 'batch',
      },
    ]);
    expect(stored[0]?.cost).toBeNull();
    expect(stored[0]?.costUnavailableReason).toMatch(/no price/);
    const store = await openStore('memory:');
    const ledger = createRecordingLedger({ store });
    const refused = ledger.record(
      { provider: 'openai', model: 'gpt-4.1-nano', usage: { inputTokens: 1, outputTokens: 1 }, serviceTier: 'fl ex' },
      { failOpen: false },
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ field: 'serviceTier' });
    await store.close();
  });
});
