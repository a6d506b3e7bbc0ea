/**
 * `createBudgetGuard()`: the one place a call meets its budgets. `admit` finds the budgets that
 * apply, computes each one's worst-case hold, and reserves them all at once on the counters;
 * a refusal throws `BudgetExceededError` before anything is sent. The `Admission` it returns
 * renews the holds' lease while the call runs and settles them to the real amounts when it ends.
 *
 * @module
 */
import { BudgetExceededError, BudgetUnavailableError, StoreError } from '../errors/index.js';
import { loadCrypto } from '../lazy/index.js';
import type { Pricer } from '../pricing/index.js';
import { nanosToUsd } from '../units/index.js';
import type { BudgetSpec, Logger, Usage } from '../types/index.js';
import type { BudgetCounters, CounterState, ReserveLine, ReserveOutcome } from './counters.js';
import { type BudgetAlert, claimDueAlerts } from './alerts.js';
import { holdFor, type Hold } from './hold.js';
import { inputTokenBound } from './input-bound.js';
import { ObservedOutput } from './observed-output.js';
import { applicableBudgets, type BudgetCall } from './scope.js';
import { counterOf, windowSpan, type WindowSpan } from './window.js';

export interface BudgetGuardOptions {
  /** The budgets in force (a function when they change at run time, as through the admin API). */
  budgets: readonly BudgetSpec[] | (() => readonly BudgetSpec[]);
  counters: BudgetCounters;
  pricer: Pricer;
  /** @default Date.now */
  now?: () => number;
  logger?: Logger;
  /** Told each budget alert due (once per threshold and window, across processes): src/budgets/alerts.ts. */
  onAlert?: (alert: BudgetAlert, budget: BudgetSpec) => void;
  /** Told each call a budget refused (the first budget that could not take it). */
  onRefusal?: (budget: BudgetSpec) => void;
  /**
   * Told each call that settled above its hold on a budget (an adaptive hold outrun, or a call
   * without `max_tokens` that outran the default): by how much, and how far the window's settled
   * spend now is above the cap (0 when within it). Amounts in the budget's unit.
   */
  onAboveHold?: (budget: BudgetSpec, excess: { aboveHold: number; overCap: number }) => void;
  /** The output adaptive budgets observed (observed-output.ts). @default a new one for this guard */
  observedOutput?: ObservedOutput;
}

/** What `admit` needs to know of a call before it is sent. */
export interface AdmitInput {
  call: BudgetCall;
  /** The request body as sent: the input-token bound is derived from it. */
  body?: string | Uint8Array;
  /** An input-token bound the caller already has (wins over `body`). */
  inputTokens?: number;
  /** The request's own output cap, when it names one. */
  maxOutputTokens?: number | undefined;
  /** False for routes that bill nothing. @default true */
  bills?: boolean;
}

/** What a call really cost when it ended. */
export interface CallOutcome {
  /** Nano-dollars billed; `undefined` when the call succeeded but cannot be priced (settled at the hold, flagged). */
  costNanos: number | undefined;
  /** Input + output tokens billed; `undefined` when unknown (settled at the hold). */
  tokens: number | undefined;
  /**
   * The usage billed when its output is unknown (a stream cut before the provider's final
   * count; a cancelled one is counted to what was streamed): settled to that input plus the
   * output held, at most the hold.
   */
  inputOnly?: Usage | undefined;
  /** The output tokens of a call that completed: what adaptive budgets learn their holds from. */
  completedOutput?: number | undefined;
}

/** One budget's view of an admitted call. */
export interface AdmittedBudget {
  budget: BudgetSpec;
  counter: string;
  hold: Hold;
  /** Settled spend and other live holds before this call's hold. */
  spent: number;
  held: number;
  resetsAt: number | undefined;
  /** The window the call is charged to. */
  span: WindowSpan;
}

export interface SettleReport {
  /** False when the holds were already settled (nothing is settled twice). */
  settled: boolean;
  /** Budgets settled at the hold because the real amount was unknown. */
  atHold: string[];
  /** Budgets settled to the known input plus the held output (the output count never came). */
  outputUnknown: string[];
  /** Budgets whose real amount came out above the hold (an adaptive hold outrun, or a call with no output cap that outran the default). */
  overshoot: string[];
  /** By how much each of those settled above its hold, in the budget's unit. */
  aboveHold: Record<string, number>;
}

export interface Admission {
  reservationId: string;
  budgets: readonly AdmittedBudget[];
  /** True when the counters were unreachable and every budget fails open: nothing was held. */
  unguarded: boolean;
  settle(outcome: CallOutcome): Promise<SettleReport>;
  /** Settles to nothing billed (a call that never reached the provider). */
  release(): Promise<SettleReport>;
}

export interface BudgetGuard {
  admit(input: AdmitInput): Promise<Admission>;
  readonly counters: BudgetCounters;
  readonly observedOutput: ObservedOutput;
}

export function createBudgetGuard(options: BudgetGuardOptions): BudgetGuard {
  const now = options.now ?? Date.now;
  const { counters, pricer } = options;
  const observed = options.observedOutput ?? new ObservedOutput();
  const budgetsNow = typeof options.budgets === 'function' ? options.budgets : () => options.budgets as BudgetSpec[];

  /** Each applicable budget with its window now and the call's worst case on it. */
  function plan(input: AdmitInput, applying: readonly BudgetSpec[], at: number): Planned[] {
    const { provider, model } = input.call;
    const found = model === undefined ? undefined : pricer.lookup({ provider, model, time: new Date(at) });
    const contextWindow = found?.contextWindow;
    const inputTokens =
      input.inputTokens ?? (input.body === undefined ? 0 : inputTokenBound(input.body, { contextWindow }));
    const holdInput = {
      provider,
      model,
      inputTokens,
      maxOutputTokens: input.maxOutputTokens,
      contextWindow,
      bills: input.bills ?? true,
      time: new Date(at),
      prices: found,
    };
    // Budgets that hold alike (unit, output default, unpriced hold, observed output) share one pricing: it is most of a plan's CPU.
    const holds = new Map<string, Hold>();
    return applying.map((budget): Planned => {
      const span = windowSpan(budget.window, at);
      const { mode } = budget;
      const learned =
        mode?.kind === 'adaptive' && model !== undefined
          ? observed.held(budget.name, model, mode.percentile, mode.minObservations)
          : undefined;
      const key = `${budget.unit}|${budget.defaultMaxOutputTokens}|${budget.unpricedHoldNanos}|${learned}`;
      let hold = holds.get(key);
      if (hold === undefined) {
        hold = holdFor(pricer, holdInput, budget, learned);
        holds.set(key, hold);
      }
      return { budget, span, counter: counterOf(budget), hold };
    });
  }

  async function admit(input: AdmitInput): Promise<Admission> {
    const applying = applicableBudgets(budgetsNow(), input.call);
    const reservationId = loadCrypto().randomUUID();
    if (applying.length === 0) return admission({ call: input.call, reservationId, budgets: [], unguarded: false });
    const at = now();
    const planned = plan(input, applying, at);
    for (const entry of planned) {
      if (entry.hold.amount === undefined)
        throw counted(entry, refusal(entry.budget, entry.span.resetsAt, 0, 0, 0, 'unpriced'));
    }
    const holding = planned.filter((entry) => (entry.hold.amount ?? 0) > 0);
    const lines: ReserveLine[] = holding.map(({ budget, span, counter, hold }) => ({
      counter,
      bucket: span.bucket,
      fromBucket: span.fromBucket,
      stepMs: span.stepMs,
      cap: budget.cap,
      amount: hold.amount ?? 0,
    }));
    const leaseMs = Math.min(...applying.map((budget) => budget.leaseMs));
    if (lines.length === 0)
      return admission({ call: input.call, reservationId, budgets: admitted(planned, [], []), unguarded: false });
    let outcome: ReserveOutcome;
    try {
      outcome = await counters.reserve({ reservationId, lines, now: at, leaseMs });
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      const closed = holding.find((entry) => entry.budget.failureMode === 'closed');
      if (closed !== undefined) throw new BudgetUnavailableError(closed.budget.name, { cause: error });
      options.logger?.warn('budget counters unavailable; admitted without holds (failureMode: open)', {
        error: error.message,
      });
      return admission({ call: input.call, reservationId, budgets: [], unguarded: true });
    }
    if (!outcome.admitted) {
      const { refusal: refused } = outcome;
      const entry = holding.find((candidate) => candidate.counter === refused.counter);
      if (entry === undefined) throw new Error(`counters refused an unknown counter ${refused.counter}`);
      throw counted(
        entry,
        refusal(entry.budget, entry.span.resetsAt, refused.spent, refused.held, refused.amount, 'cap'),
      );
    }
    const budgets = admitted(planned, holding, outcome.states);
    return admission({ call: input.call, reservationId, budgets, unguarded: false, leaseMs, held: true });
  }

  /** Known input plus the output held, in the budget's unit; `undefined` when it cannot be priced. */
  function partialAmount(entry: AdmittedBudget, call: BudgetCall, usage: Usage): number | undefined {
    const output = entry.hold.outputTokens;
    const input = usage.inputTokens ?? entry.hold.inputTokens;
    if (entry.budget.unit === 'tokens') return input + output;
    if (call.model === undefined) return undefined;
    const priced = pricer.price({
      ...(call.provider === undefined ? {} : { provider: call.provider }),
      model: call.model,
      usage: { ...usage, inputTokens: input, outputTokens: output, totalTokens: input + output },
    });
    return priced.cost?.totalNanos;
  }

  /**
   * A refusal, counted on the budget that refused (in the counters, for `tokenledger budgets`,
   * and told to onRefusal) without making the caller wait for the count.
   */
  function counted(entry: Planned, error: BudgetExceededError): BudgetExceededError {
    options.onRefusal?.(entry.budget);
    counters.countRefusal(entry.counter, entry.span.bucket).catch((failure: unknown) => {
      options.logger?.warn('budget refusal not counted', { error: (failure as Error).message });
    });
    return error;
  }

  /**
   * After a settle, from one read of the new spend: the alert thresholds it reached, each
   * claimed once, told to onAlert; and for budgets settled above their hold, onAboveHold.
   */
  async function afterSettle(budgets: readonly AdmittedBudget[], report: SettleReport): Promise<void> {
    const alerting = (entry: AdmittedBudget) =>
      options.onAlert !== undefined && (entry.budget.alerts?.thresholds.length ?? 0) > 0;
    const above = (entry: AdmittedBudget) =>
      options.onAboveHold !== undefined && report.aboveHold[entry.budget.name] !== undefined;
    const reading = budgets.filter((entry) => alerting(entry) || above(entry));
    if (reading.length === 0) return;
    const at = now();
    try {
      const states = await counters.state(
        reading.map(({ counter, span }) => ({
          counter,
          bucket: span.bucket,
          fromBucket: span.fromBucket,
          stepMs: span.stepMs,
        })),
        at,
      );
      for (const [index, entry] of reading.entries()) {
        const spent = states[index]?.spent ?? 0;
        const aboveHold = report.aboveHold[entry.budget.name];
        if (above(entry) && aboveHold !== undefined)
          options.onAboveHold?.(entry.budget, { aboveHold, overCap: Math.max(0, spent - entry.budget.cap) });
        if (!alerting(entry)) continue;
        for (const alert of await claimDueAlerts(counters, entry.budget, entry.counter, entry.span, spent, at))
          options.onAlert?.(alert, entry.budget);
      }
    } catch (error) {
      // Alerts and reports are advice: a store that cannot answer now must not fail the settle they follow.
      options.logger?.warn('budget alerts could not be checked', { error: (error as Error).message });
    }
  }

  function admission(setup: {
    call: BudgetCall;
    reservationId: string;
    budgets: AdmittedBudget[];
    unguarded: boolean;
    leaseMs?: number;
    held?: boolean;
  }): Admission {
    const { reservationId, budgets } = setup;
    let timer: NodeJS.Timeout | undefined;
    if (setup.held === true && setup.leaseMs !== undefined) {
      const leaseMs = setup.leaseMs;
      // Renew well before the lease ends; a crashed process stops renewing and its holds lapse.
      timer = setInterval(
        () => {
          counters.renew(reservationId, now(), leaseMs).catch((error: unknown) => {
            options.logger?.warn('budget lease renewal failed', { error: (error as Error).message });
          });
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      timer.unref();
    }
    let done: Promise<SettleReport> | undefined;
    async function settleOnce(outcome: CallOutcome): Promise<SettleReport> {
      if (timer !== undefined) clearInterval(timer);
      const report: SettleReport = { settled: false, atHold: [], outputUnknown: [], overshoot: [], aboveHold: {} };
      const amounts: Record<string, number> = {};
      const buckets: Record<string, number> = {};
      for (const entry of budgets) {
        if ((entry.hold.amount ?? 0) > 0) buckets[entry.counter] = entry.span.bucket;
        const heldAmount = entry.hold.amount ?? 0;
        let real = entry.budget.unit === 'usd' ? outcome.costNanos : outcome.tokens;
        if (real === undefined && outcome.inputOnly !== undefined) {
          real = Math.min(heldAmount, partialAmount(entry, setup.call, outcome.inputOnly) ?? heldAmount);
          report.outputUnknown.push(entry.budget.name);
        }
        // Unknown real amount (an unpriced success): the hold stands, never $0.
        if (real === undefined) report.atHold.push(entry.budget.name);
        else if (real > heldAmount) {
          report.overshoot.push(entry.budget.name);
          report.aboveHold[entry.budget.name] = real - heldAmount;
        }
        amounts[entry.counter] = real ?? heldAmount;
        const model = setup.call.model;
        if (entry.budget.mode?.kind === 'adaptive' && outcome.completedOutput !== undefined && model !== undefined)
          observed.observe(entry.budget.name, model, outcome.completedOutput);
      }
      if (setup.held !== true) return report;
      report.settled = await counters.settle(reservationId, amounts, buckets);
      if (report.overshoot.length > 0)
        options.logger?.warn('budget settled above its hold', { budgets: report.overshoot });
      if (report.settled) await afterSettle(budgets, report);
      return report;
    }
    return {
      reservationId,
      budgets,
      unguarded: setup.unguarded,
      settle(outcome) {
        done ??= settleOnce(outcome);
        return done;
      },
      release() {
        done ??= settleOnce({ costNanos: 0, tokens: 0 });
        return done;
      },
    };
  }

  return { admit, counters, observedOutput: observed };
}

interface Planned {
  budget: BudgetSpec;
  span: WindowSpan;
  counter: string;
  hold: Hold;
}

/** Each budget's view of the admitted call; `states` are the counters' answers for `holding`, in order. */
function admitted(planned: readonly Planned[], holding: readonly Planned[], states: readonly CounterState[]) {
  return planned.map((entry): AdmittedBudget => {
    const state = states[holding.indexOf(entry)];
    return {
      budget: entry.budget,
      counter: entry.counter,
      hold: entry.hold,
      spent: state?.spent ?? 0,
      held: state?.held ?? 0,
      resetsAt: entry.span.resetsAt,
      span: entry.span,
    };
  });
}

function refusal(
  budget: BudgetSpec,
  resetsAt: number | undefined,
  spent: number,
  held: number,
  requested: number,
  reason: 'cap' | 'unpriced',
): BudgetExceededError {
  const figure = (value: number) => (budget.unit === 'usd' ? nanosToUsd(value) : value);
  return new BudgetExceededError({
    budget: budget.name,
    unit: budget.unit,
    cap: figure(budget.cap),
    spent: figure(spent),
    held: figure(held),
    requested: figure(requested),
    ...(resetsAt === undefined ? {} : { resetsAt: new Date(resetsAt).toISOString() }),
    reason,
  });
}
