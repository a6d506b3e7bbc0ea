/**
 * One line of a `tokenledger batch` input file -> a call, or a reason it cannot be one.
 * Lines are `{ id?, prompt }`, `{ id?, messages }`, or (with a template) any object.
 *
 * @module
 */
import type { ChatMessage } from '../../client/index.js';
import { renderTemplate } from './template.js';

export interface InputCall {
  id: string;
  prompt?: string;
  messages?: ChatMessage[];
  system?: string;
}

export type ParsedLine = { ok: true; call: InputCall } | { ok: false; id: string; reason: string };

const ROLES = new Set(['system', 'user', 'assistant']);

function isMessages(value: unknown): value is ChatMessage[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (message) =>
        typeof message === 'object' &&
        message !== null &&
        ROLES.has((message as Record<string, unknown>)['role'] as string) &&
        typeof (message as Record<string, unknown>)['content'] === 'string',
    )
  );
}

/** Parses line `lineNumber` (1-based); the id is the line's `id`, else its line number. */
export function parseInputLine(text: string, lineNumber: number, template: string | undefined): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      id: String(lineNumber),
      reason: `line ${lineNumber}: not valid JSON (${(error as Error).message})`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: String(lineNumber), reason: `line ${lineNumber}: expected a JSON object` };
  }
  const record = value as Record<string, unknown>;
  const rawId = record['id'];
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : String(lineNumber);
  const system = typeof record['system'] === 'string' ? record['system'] : undefined;
  const base = { id, ...(system === undefined ? {} : { system }) };
  if (template !== undefined) {
    try {
      return { ok: true, call: { ...base, prompt: renderTemplate(template, record) } };
    } catch (error) {
      return { ok: false, id, reason: `line ${lineNumber}: ${(error as Error).message}` };
    }
  }
  if (typeof record['prompt'] === 'string' && record['prompt'] !== '')
    return { ok: true, call: { ...base, prompt: record['prompt'] } };
  if (record['messages'] !== undefined) {
    if (isMessages(record['messages'])) return { ok: true, call: { ...base, messages: record['messages'] } };
    return { ok: false, id, reason: `line ${lineNumber}: messages must be a non-empty array of { role, content }` };
  }
  return { ok: false, id, reason: `line ${lineNumber}: needs "prompt" or "messages" (or use --template)` };
}
