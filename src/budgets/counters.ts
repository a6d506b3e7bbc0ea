/**
 * The counter store contract: exact admission by construction. A reservation holds an amount
 * on several counters at once, all or none, checked against each counter's cap; settling
 * replaces the holds with the real amounts, once; a hold nobody renews lapses after its lease
 * (the holder crashed) and stops counting. Implementations: memory, SQLite (one transaction),
 * PostgreSQL (one statement), Redis (one script). Amounts are integers (nano-dollars or tokens:
 * the counters do not care which).
 *
 * @module
 */

/** One counter of a reservation: a budget's window at the instant of the call. */
export interface CounterWindow {
  /** The counter's id: the budget's name and window (`name|day@UTC`). */
  counter: string;
  /** The bucket the call is charged to (its start, UTC ms). */
  bucket: number;
  /** The first bucket summed for the check (== `bucket` except for rolling windows). */
  fromBucket: number;
  /** Distance between the summed buckets. */
  stepMs: number;
}

export interface ReserveLine extends CounterWindow {
  /** Spent + held + amount may not exceed this. */
  cap: number;
  /** The worst case held; > 0. */
  amount: number;
}

export interface ReserveRequest {
  /** Unique per call; settle, release and renew name it. */
  reservationId: string;
  lines: readonly ReserveLine[];
  /** The caller's clock (ms): holds whose lease ended before it do not count. */
  now: number;
  leaseMs: number;
}

/** Why a reservation was refused: the first counter that could not take it. */
export interface CounterRefusal {
  counter: string;
  cap: number;
  /** Settled spend in the window. */
  spent: number;
  /** Live holds in the window. */
  held: number;
  /** What this call asked to hold. */
  amount: number;
}

/**
 * Admitted: each line's spent and live holds as the check saw them (before this call's hold),
 * in line order, so callers can report what remains without another round trip.
 */
export type ReserveOutcome = { admitted: true; states: CounterState[] } | { admitted: false; refusal: CounterRefusal };

export interface CounterState {
  spent: number;
  held: number;
}

export interface BudgetCounters {
  /** Holds every line or none. */
  reserve(request: ReserveRequest): Promise<ReserveOutcome>;
  /**
   * Replaces the reservation's holds with the real amounts (counter -> amount; absent = 0),
   * charged to the bucket each hold was taken in. A lapsed hold is still settled (the call did
   * happen). Returns false when the reservation is unknown or already settled: nothing is
   * settled twice.
   *
   * `buckets` (counter -> the bucket its hold was taken in) is for a store whose reserves may be
   * lost while the call runs (PostgreSQL's commit asynchronously): it charges a reservation whose
   * holds are gone, but never settled, there. The others know their holds and ignore it.
   */
  settle(
    reservationId: string,
    amounts: Readonly<Record<string, number>>,
    buckets?: Readonly<Record<string, number>>,
  ): Promise<boolean>;
  /** Extends the lease of the reservation's live holds to `now + leaseMs`; false when they lapsed or were settled. */
  renew(reservationId: string, now: number, leaseMs: number): Promise<boolean>;
  /** Spent and live holds over each window, at `now`. */
  state(windows: readonly CounterWindow[], now: number): Promise<CounterState[]>;
  /**
   * True exactly once per (counter, bucket, threshold) among every process sharing these
   * counters: whoever claims an alert first sends it. `keepUntil` (ms) is when the claim may be
   * forgotten (the window's end); undefined keeps it for good (lifetime budgets).
   */
  claimAlert(counter: string, bucket: number, threshold: number, keepUntil: number | undefined): Promise<boolean>;
  /** Counts one call this counter refused, in the bucket it would have been charged to. */
  countRefusal(counter: string, bucket: number): Promise<void>;
  /** Calls refused over each window (its buckets from `fromBucket` to `bucket`). */
  refusals(windows: readonly CounterWindow[]): Promise<number[]>;
  /** The thresholds whose alert was claimed (sent) in each window, ascending. */
  alertsSent(windows: readonly CounterWindow[]): Promise<number[][]>;
  close(): Promise<void>;
}

/** The buckets a window sums, oldest first. */
export function bucketsOf(window: CounterWindow): number[] {
  const out: number[] = [];
  for (let bucket = window.fromBucket; bucket <= window.bucket; bucket += window.stepMs) out.push(bucket);
  return out;
}

/** Lapsed holds are kept this long after their lease so that a late settle still charges them; then purged. */
export const LAPSED_HOLD_KEEP_MS = 24 * 3_600_000;

/**
 * Lapsed holds are purged at most this often (by the callers' clock), not on every reserve: a
 * purge is a write of its own inside the admission's transaction, and holds a day past their
 * lease are rare (a crash's), so once a minute keeps the tables as small.
 */
export const PURGE_EVERY_MS = 60_000;

/**
 * Says when lapsed holds are due to be purged: at most once per PURGE_EVERY_MS of the callers'
 * clock (at once when it went back). The checks never count a lapsed hold, so purging late
 * changes no admission; it keeps the tables small.
 */
export function purgeSchedule(): (now: number) => boolean {
  let purgedAt = Number.NEGATIVE_INFINITY;
  return (now) => {
    if (now >= purgedAt && now < purgedAt + PURGE_EVERY_MS) return false;
    purgedAt = now;
    return true;
  };
}
