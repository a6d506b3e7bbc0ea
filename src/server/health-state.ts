/**
 * What makes the server degraded, beside its store: named conditions, each raised with a
 * reason and cleared when it no longer holds. A part of the server either says so itself
 * (`set`) or is watched (`watch`: a probe read every few seconds and on each `/healthz`).
 * The log says when a condition is raised and when it clears, one line per change, never one
 * per event: a reason may carry a count that grows without logging again.
 *
 * Only server-wide states belong here (a limit reached, a route group refusing every call, a
 * spool refusing events). One client's bad request is that client's 4xx: counting it here
 * would let any client flip the server's health.
 *
 * @module
 */
import type { Logger } from '../types/index.js';

export interface HealthCondition {
  /** Stable name, e.g. `metrics_label_sets`. */
  condition: string;
  /** What is wrong and what to do, for an operator. Never a secret. */
  reason: string;
  /** ISO time the condition was raised. */
  since: string;
}

export interface HealthState {
  /** Raises `condition` with `reason`, or clears it (`undefined`). */
  set(condition: string, reason: string | undefined): void;
  /** Reads `probe` (a reason, or `undefined` when fine) every few seconds and on each `check()`. */
  watch(condition: string, probe: () => string | undefined): void;
  /** The raised conditions, oldest first, the watched ones read now. */
  check(): HealthCondition[];
  /** Stops the watch timer. */
  close(): void;
}

export interface HealthStateOptions {
  logger: Logger;
  /** How often watched probes are read. @default 5000 */
  watchIntervalMs?: number;
  now?: () => Date;
}

export function createHealthState({
  logger,
  watchIntervalMs = 5000,
  now = () => new Date(),
}: HealthStateOptions): HealthState {
  const raised = new Map<string, HealthCondition>();
  const probes = new Map<string, () => string | undefined>();
  let timer: ReturnType<typeof setInterval> | undefined;

  const set = (condition: string, reason: string | undefined): void => {
    const current = raised.get(condition);
    if (reason === undefined) {
      if (current === undefined) return;
      raised.delete(condition);
      logger.info('health: condition cleared', { condition, was: current.reason });
      return;
    }
    if (current !== undefined) {
      current.reason = reason;
      return;
    }
    raised.set(condition, { condition, reason, since: now().toISOString() });
    logger.warn(`health: degraded: ${reason}`, { condition });
  };

  const readProbes = (): void => {
    for (const [condition, probe] of probes) set(condition, probe());
  };

  return {
    set,
    watch(condition, probe) {
      probes.set(condition, probe);
      set(condition, probe());
      if (timer === undefined) {
        timer = setInterval(readProbes, watchIntervalMs);
        timer.unref();
      }
    },
    check() {
      readProbes();
      return [...raised.values()].map((entry) => ({ ...entry }));
    },
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
