/**
 * `{{field}}` templates for `tokenledger batch --template`: each input line's fields fill the
 * placeholders (`{{issue.title}}` reaches into nested objects).
 *
 * @module
 */
import { ValidationError } from '../../errors/index.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

function lookup(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Fills `template` from `record`; a placeholder with no value is an error naming it. */
export function renderTemplate(template: string, record: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const value = lookup(record, path);
    if (value === undefined || value === null)
      throw new ValidationError(`template field {{${path}}} is missing`, { field: path });
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
