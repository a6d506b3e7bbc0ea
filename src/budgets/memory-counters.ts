/**
 * Counters in this process's memory: for a library user with no shared store, and the
 * reference the other stores are tested against. JavaScript runs one reserve at a time, so
 * the check and the holds are atomic without a lock.
 *
 * @module
 */
import {
  bucketsOf,
  LAPSED_HOLD_KEEP_MS,
  type BudgetCounters,
  type CounterState,
  type CounterWindow,
  type ReserveOutcome,
  type ReserveRequest,
} from './counters.js';
import type {
  AuditQuery,
  BudgetAuditEntry,
  BudgetDefinitionStore,
  DefinitionWrite,
  DefinitionWriteOutcome,
  StoredBudget,
} from './definitions.js';
import { MemoryBudgetDefinitions } from './memory-definitions.js';

interface HeldLine {
  counter: string;
  bucket: number;
  amount: number;
  expiresAt: number;
}

export class MemoryBudgetCounters implements BudgetCounters, BudgetDefinitionStore {
  private readonly spent = new Map<string, number>();
  private readonly holds = new Map<string, HeldLine[]>();
  private readonly alerts = new Set<string>();
  private readonly definitions = new MemoryBudgetDefinitions();
  /** counter -> bucket -> refused calls. */
  private readonly refused = new Map<string, Map<number, number>>();

  async reserve(request: ReserveRequest): Promise<ReserveOutcome> {
    this.purge(request.now);
    const states = this.stateNow(request.lines, request.now);
    for (const [index, line] of request.lines.entries()) {
      const { spent, held } = states[index] ?? { spent: 0, held: 0 };
      if (spent + held + line.amount > line.cap) {
        return { admitted: false, refusal: { counter: line.counter, cap: line.cap, spent, held, amount: line.amount } };
      }
    }
    const expiresAt = request.now + request.leaseMs;
    this.holds.set(
      request.reservationId,
      request.lines.map((line) => ({ counter: line.counter, bucket: line.bucket, amount: line.amount, expiresAt })),
    );
    return { admitted: true, states };
  }

  async settle(reservationId: string, amounts: Readonly<Record<string, number>>): Promise<boolean> {
    const lines = this.holds.get(reservationId);
    if (lines === undefined) return false;
    this.holds.delete(reservationId);
    for (const line of lines) {
      const key = spentKey(line.counter, line.bucket);
      this.spent.set(key, (this.spent.get(key) ?? 0) + (amounts[line.counter] ?? 0));
    }
    return true;
  }

  async renew(reservationId: string, now: number, leaseMs: number): Promise<boolean> {
    const lines = this.holds.get(reservationId);
    if (lines === undefined || lines.every((line) => line.expiresAt <= now)) return false;
    for (const line of lines) if (line.expiresAt > now) line.expiresAt = now + leaseMs;
    return true;
  }

  async state(windows: readonly CounterWindow[], now: number): Promise<CounterState[]> {
    return this.stateNow(windows, now);
  }

  async claimAlert(counter: string, bucket: number, threshold: number): Promise<boolean> {
    const key = `${counter}\u0000${bucket}\u0000${threshold}`;
    if (this.alerts.has(key)) return false;
    this.alerts.add(key);
    return true;
  }

  async countRefusal(counter: string, bucket: number): Promise<void> {
    const buckets = this.refused.get(counter) ?? new Map<number, number>();
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
    this.refused.set(counter, buckets);
  }

  async refusals(windows: readonly CounterWindow[]): Promise<number[]> {
    return windows.map((window) => {
      let total = 0;
      for (const [bucket, n] of this.refused.get(window.counter) ?? [])
        if (bucket >= window.fromBucket && bucket <= window.bucket) total += n;
      return total;
    });
  }

  async alertsSent(windows: readonly CounterWindow[]): Promise<number[][]> {
    return windows.map((window) => {
      const sent = new Set<number>();
      for (const key of this.alerts) {
        const [counter, bucket, threshold] = key.split('\u0000');
        const at = Number(bucket);
        if (counter === window.counter && at >= window.fromBucket && at <= window.bucket) sent.add(Number(threshold));
      }
      return [...sent].sort((a, b) => a - b);
    });
  }

  definitionsVersion(): Promise<number> {
    return this.definitions.definitionsVersion();
  }

  listDefinitions(): Promise<{ version: number; budgets: StoredBudget[] }> {
    return this.definitions.listDefinitions();
  }

  writeDefinition(write: DefinitionWrite): Promise<DefinitionWriteOutcome> {
    return this.definitions.writeDefinition(write);
  }

  auditLog(query: AuditQuery): Promise<BudgetAuditEntry[]> {
    return this.definitions.auditLog(query);
  }

  async close(): Promise<void> {}

  private stateNow(windows: readonly CounterWindow[], now: number): CounterState[] {
    return windows.map((window) => {
      const buckets = new Set(bucketsOf(window));
      let spent = 0;
      for (const bucket of buckets) spent += this.spent.get(spentKey(window.counter, bucket)) ?? 0;
      let held = 0;
      for (const lines of this.holds.values()) {
        for (const line of lines) {
          if (line.counter === window.counter && buckets.has(line.bucket) && line.expiresAt > now) held += line.amount;
        }
      }
      return { spent, held };
    });
  }

  private purge(now: number): void {
    for (const [id, lines] of this.holds) {
      if (lines.every((line) => line.expiresAt + LAPSED_HOLD_KEEP_MS < now)) this.holds.delete(id);
    }
  }
}

function spentKey(counter: string, bucket: number): string {
  return `${counter}\u0000${bucket}`;
}
