/**
 * The budget definitions contract, run against every counters store beside the counter
 * contract (counters-contract.test.ts): compare-and-set writes, one audit entry per write, a
 * version that moves with every write, definitions kept exactly as written.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BudgetCountersStore } from '#src/budgets/index.js';
import type { BudgetConfig } from '#src/config/index.js';

const T0 = Date.parse('2026-12-01T10:00:00Z');

/** `shared`: two opens reach the same definitions (every store but memory). */
export function definitionsContract(
  name: string,
  open: () => Promise<BudgetCountersStore>,
  { shared = true }: { shared?: boolean } = {},
): void {
  describe(`budget definitions: ${name}`, () => {
    const fresh = () => `b-${randomUUID().slice(0, 8)}`;
    const prepaid = (budget: string, capUsd = 10): BudgetConfig => ({
      name: budget,
      capUsd,
      window: 'lifetime',
      scope: { tags: { team: 'quant' } },
      alerts: { at: [50, 100], webhook: 'env:HOOK' },
    });

    it('writes, changes and deletes by revision, one audit entry each, the version moving each time', async () => {
      const store = await open();
      const budget = fresh();
      const v0 = await store.definitionsVersion();
      const created = await store.writeDefinition({
        budget,
        expectedRevision: 0,
        next: prepaid(budget),
        audit: { at: T0, actor: 'ADMIN_KEY', action: 'create', before: null },
      });
      expect(created).toEqual({
        written: true,
        entry: {
          id: expect.any(Number),
          at: T0,
          actor: 'ADMIN_KEY',
          action: 'create',
          budget,
          before: null,
          after: prepaid(budget),
        },
      });
      if (!created.written) throw new Error('not written');
      expect(created.entry.id).toBeGreaterThan(v0);
      expect(await store.definitionsVersion()).toBe(created.entry.id);
      const listed = await store.listDefinitions();
      expect(listed.version).toBe(created.entry.id);
      expect(listed.budgets.find((entry) => entry.definition.name === budget)).toEqual({
        definition: prepaid(budget),
        revision: created.entry.id,
      });
      // A second create, or a change from a stale revision, loses: nothing written, nothing audited.
      const again = { budget, next: prepaid(budget, 1), audit: created.entry };
      expect(
        await store.writeDefinition({ ...again, expectedRevision: 0, audit: { ...created.entry, before: null } }),
      ).toEqual({ written: false });
      expect(
        await store.writeDefinition({ ...again, expectedRevision: created.entry.id - 1, audit: created.entry }),
      ).toEqual({ written: false });
      expect(await store.definitionsVersion()).toBe(created.entry.id);
      const topped = await store.writeDefinition({
        budget,
        expectedRevision: created.entry.id,
        next: prepaid(budget, 25.5),
        audit: { at: T0 + 1, actor: 'ADMIN_KEY', action: 'top-up', before: prepaid(budget) },
      });
      if (!topped.written) throw new Error('not written');
      expect(topped.entry.id).toBeGreaterThan(created.entry.id);
      const removed = await store.writeDefinition({
        budget,
        expectedRevision: topped.entry.id,
        next: null,
        audit: { at: T0 + 2, actor: 'OTHER_KEY', action: 'delete', before: prepaid(budget, 25.5) },
      });
      if (!removed.written) throw new Error('not written');
      expect((await store.listDefinitions()).budgets.some((entry) => entry.definition.name === budget)).toBe(false);
      expect(await store.definitionsVersion()).toBe(removed.entry.id);
      const audit = await store.auditLog({ budget, limit: 10 });
      expect(
        audit.map((entry) => [entry.action, entry.actor, entry.before?.capUsd ?? null, entry.after?.capUsd ?? null]),
      ).toEqual([
        ['delete', 'OTHER_KEY', 25.5, null],
        ['top-up', 'ADMIN_KEY', 10, 25.5],
        ['create', 'ADMIN_KEY', null, 10],
      ]);
      expect(await store.auditLog({ budget, limit: 1, beforeId: removed.entry.id })).toEqual([topped.entry]);
      await store.close();
    });

    it('20 writers racing on one revision: exactly one wins', async () => {
      const store = await open();
      const budget = fresh();
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          store.writeDefinition({
            budget,
            expectedRevision: 0,
            next: prepaid(budget, index + 1),
            audit: { at: T0, actor: `K${index}`, action: 'create', before: null },
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.written)).toHaveLength(1);
      expect(await store.auditLog({ budget, limit: 100 })).toHaveLength(1);
      await store.close();
    });

    // Only where two connections can share one store (not memory): registered, not skipped.
    if (shared)
      it("a second connection to the same store sees the first one's writes", async () => {
        const [writer, reader] = [await open(), await open()];
        const budget = fresh();
        const written = await writer.writeDefinition({
          budget,
          expectedRevision: 0,
          next: { name: budget, capTokens: 123_456_789_012, window: { rollingHours: 6 } },
          audit: { at: T0, actor: 'ADMIN_KEY', action: 'create', before: null },
        });
        if (!written.written) throw new Error('not written');
        expect(await reader.definitionsVersion()).toBeGreaterThanOrEqual(written.entry.id);
        expect((await reader.listDefinitions()).budgets.find((entry) => entry.definition.name === budget)).toEqual({
          definition: { name: budget, capTokens: 123_456_789_012, window: { rollingHours: 6 } },
          revision: written.entry.id,
        });
        await Promise.all([writer.close(), reader.close()]);
      });
  });
}
