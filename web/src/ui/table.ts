/**
 * A sortable table. Sorting is a button in each header (keyboard: Tab + Enter), the column
 * says `aria-sort`, and the choice is kept in the URL (`sort.models=cost:desc`) so a shared
 * link opens sorted the same way. Sorting re-renders the body only.
 */
import { h, type Child } from '../dom.js';

export interface Column<Row> {
  key: string;
  label: string;
  /** Sort value; `null` sorts last either way. Columns without one are not sortable. */
  value?: (row: Row) => number | string | null;
  cell: (row: Row) => Child;
  /** Numbers are right-aligned. @default true when `value` gives numbers */
  numeric?: boolean;
  /** Hover help for the header. */
  help?: string;
}

export interface TableOptions<Row> {
  /** Names the table in the URL and in tests (`data-table`). */
  id: string;
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  /** `key:dir` from the URL, else the default. */
  sort: string | undefined;
  defaultSort: string;
  onSort: (sort: string) => void;
  rowKey: (row: Row) => string;
  empty?: string;
  /** Most rows drawn (after sorting); the rest are counted in a footer. @default 500 */
  limit?: number;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function sortRows<Row>(rows: Row[], columns: Column<Row>[], sort: string): Row[] {
  const [key, dir] = sort.split(':');
  const column = columns.find((candidate) => candidate.key === key);
  if (column?.value === undefined) return rows;
  const value = column.value;
  const sign = dir === 'asc' ? 1 : -1;
  // Nulls stay last in both directions.
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return compare(va, vb);
    return sign * compare(va, vb);
  });
}

export function table<Row>(options: TableOptions<Row>): HTMLElement {
  const { columns } = options;
  let sort =
    options.sort !== undefined && columns.some((column) => column.key === options.sort?.split(':')[0])
      ? options.sort
      : options.defaultSort;
  const body = h('tbody');
  const foot = h('tfoot');
  const limit = options.limit ?? 500;
  const head = h('tr');

  const fillBody = (): void => {
    const rows = sortRows(options.rows, columns, sort).slice(0, limit);
    foot.replaceChildren(
      ...(options.rows.length > limit
        ? [
            h(
              'tr',
              {},
              h(
                'td',
                { colspan: columns.length, class: 'muted' },
                `Showing the first ${limit} of ${options.rows.length} rows in this order; narrow the filters to see the rest.`,
              ),
            ),
          ]
        : []),
    );
    body.replaceChildren(
      ...(rows.length === 0
        ? [
            h(
              'tr',
              {},
              h('td', { colspan: columns.length, class: 'empty' }, options.empty ?? 'No calls match these filters.'),
            ),
          ]
        : rows.map((row) =>
            h(
              'tr',
              { 'data-key': options.rowKey(row) },
              ...columns.map((column) =>
                h('td', { class: isNumeric(column, row) ? 'n' : undefined, 'data-col': column.key }, column.cell(row)),
              ),
            ),
          )),
    );
  };

  const isNumeric = (column: Column<Row>, row: Row | undefined): boolean =>
    column.numeric ?? (column.value !== undefined && row !== undefined && typeof column.value(row) === 'number');
  const sample = options.rows[0];

  const fillHead = (): void => {
    const [key, dir] = sort.split(':');
    head.replaceChildren(
      ...columns.map((column) => {
        const active = column.key === key;
        const ariaSort = active ? (dir === 'asc' ? 'ascending' : 'descending') : undefined;
        const label =
          column.value === undefined
            ? column.label
            : h(
                'button',
                {
                  type: 'button',
                  class: 'sort',
                  id: `sort-${options.id}-${column.key}`,
                  title: column.help ?? `Sort by ${column.label}`,
                  onclick: () => {
                    // First click sorts big numbers first (what people look for), names A-Z.
                    const numericFirst = sample !== undefined && typeof column.value?.(sample) === 'number';
                    sort = active
                      ? `${column.key}:${dir === 'asc' ? 'desc' : 'asc'}`
                      : `${column.key}:${numericFirst ? 'desc' : 'asc'}`;
                    fillHead();
                    fillBody();
                    options.onSort(sort);
                    document.getElementById(`sort-${options.id}-${column.key}`)?.focus();
                  },
                },
                column.label,
                h('span', { class: 'arrow', 'aria-hidden': 'true' }, active ? (dir === 'asc' ? '▲' : '▼') : ''),
              );
        return h(
          'th',
          {
            scope: 'col',
            'aria-sort': ariaSort,
            class: isNumeric(column, sample) ? 'n' : undefined,
            title: column.value === undefined ? column.help : undefined,
          },
          label,
        );
      }),
    );
  };

  fillHead();
  fillBody();
  return h(
    'div',
    // Focusable so a wide table scrolls by keyboard on a narrow screen.
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': options.caption },
    h('table', { 'data-table': options.id }, h('caption', {}, options.caption), h('thead', {}, head), body, foot),
  );
}
