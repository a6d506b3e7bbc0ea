/**
 * One CSV cell (RFC 4180 quoting), safe to open in a spreadsheet. A text cell that begins
 * with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice and
 * Google Sheets as a formula (CSV injection, OWASP), and agent, model and tag names come from
 * clients; such a cell gets a leading `'`, which spreadsheets take as "this is text" and do
 * not show. Numbers and booleans are written as they are (a number is never a formula).
 *
 * @module
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\n\r]/;

/** A cell's text: empty for null/undefined, text defused and quoted as needed. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
