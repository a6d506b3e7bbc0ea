/**
 * The orders a page of events (calls) can be sorted in (Store.events `orderBy`), in one place for
 * every store: the column each sorts on, the order over rows (the memory store sorts with it) and
 * where a keyset cursor's position falls. The SQL stores spell the same order in SQL
 * (eventsPageSql); the contract suite checks that they agree.
 *
 * @module
 */
import { ValidationError } from '../errors/index.js';
import type { EventRow } from './row.js';
import type { CallOrder } from './store.js';

export const CALL_ORDERS: readonly CallOrder[] = ['time', 'cost', 'latency', 'tokens'];

/** The column an order sorts on before time and id (`time`: none, time is the order). */
export const CALL_ORDER_COLUMNS = {
  cost: 'cost_total_nanos',
  latency: 'duration_us',
  tokens: 'total_tokens',
} as const satisfies Record<Exclude<CallOrder, 'time'>, keyof EventRow>;

/** Where a page ended: the last row's sort value (not for `time`), time and id. */
export interface CallPosition {
  /** The order's column on the last row (`null`: it had none); absent for `time`. */
  value?: number | null;
  timeMs: number;
  id: string;
}

/** Checks an order as every store does (undefined: `time`). */
export function checkCallOrder(order: CallOrder | undefined): CallOrder {
  if (order === undefined) return 'time';
  if (!CALL_ORDERS.includes(order))
    throw new ValidationError(`orderBy: must be one of ${CALL_ORDERS.join(', ')}`, { field: 'orderBy' });
  return order;
}

/** The row's value in the order's column (`time`: undefined, the time itself orders). */
export function callOrderValue(row: EventRow, order: CallOrder): number | null | undefined {
  return order === 'time' ? undefined : row[CALL_ORDER_COLUMNS[order]];
}

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compares a row with a position in the order: negative when the row comes first. */
function compareToPosition(row: EventRow, position: CallPosition, order: CallOrder): number {
  if (order !== 'time') {
    const x = row[CALL_ORDER_COLUMNS[order]];
    const y = position.value ?? null;
    if (x !== y) {
      // Largest first, rows without a value last.
      if (x === null) return 1;
      if (y === null) return -1;
      return y - x;
    }
  }
  return position.timeMs - row.time_ms || compareIds(position.id, row.id);
}

/** The order over rows (see CallOrder). */
export function compareCallRows(order: CallOrder): (a: EventRow, b: EventRow) => number {
  return (a, b) =>
    compareToPosition(a, { value: callOrderValue(b, order) ?? null, timeMs: b.time_ms, id: b.id }, order);
}

/** True when the row comes after the position (on a later page). */
export function isAfterPosition(row: EventRow, position: CallPosition, order: CallOrder): boolean {
  return compareToPosition(row, position, order) > 0;
}
