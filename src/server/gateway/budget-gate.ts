/**
 * Budgets on the gateway: what a request asks for (its output cap, whether its route bills),
 * the `x-tokenledger-budget-*` headers every answer carries, and the refusal a call over a cap
 * gets before anything is sent: a 429 in the route's own error shape with `x-should-retry:
 * false` (the official SDKs then do not retry) and `retry-after` when the window resets.
 *
 * @module
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Admission } from '../../budgets/index.js';
import type { BudgetExceededError } from '../../errors/index.js';
import { nanosToUsd } from '../../units/index.js';
import { isTokenCountUrl } from '../../usage/index.js';

/**
 * Whether a request to `url` can bill: reads (GET) and token counts (`isTokenCountUrl`) hold $0,
 * and are still answered with the budget headers.
 */
export function routeBills(url: string, method: string | undefined): boolean {
  return method === 'POST' && !isTokenCountUrl(url);
}

/**
 * The output cap a request names: `max_tokens` (Chat Completions, Anthropic),
 * `max_completion_tokens` (OpenAI reasoning models), `max_output_tokens` (Responses API),
 * `generationConfig.maxOutputTokens` (Gemini). The smallest wins when several are given.
 */
export function requestedMaxOutputTokens(body: Uint8Array): number | undefined {
  if (body.byteLength === 0 || body[0] !== 123 /* { */) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString());
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const generation = fields['generationConfig'];
  const candidates = [
    fields['max_tokens'],
    fields['max_completion_tokens'],
    fields['max_output_tokens'],
    typeof generation === 'object' && generation !== null
      ? (generation as Record<string, unknown>)['maxOutputTokens']
      : undefined,
  ].filter((entry): entry is number => typeof entry === 'number' && Number.isInteger(entry) && entry >= 0);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}

function figure(unit: 'usd' | 'tokens', amount: number): string {
  return unit === 'usd' ? nanosToUsd(amount).toFixed(9).replace(/0+$/, '').replace(/\.$/, '') : String(amount);
}

/**
 * Headers naming the budget with the least room left after this call's hold: its name, unit,
 * cap, what remains, and when it resets; and `x-tokenledger-budget-admission-ms`, how long the
 * admission held this call back (`admissionMs`: from asking the guard to going on, the store's
 * round trip and the event loop's wait for it included), the part of
 * `x-tokenledger-overhead-ms` budgets add. None when no budget applies.
 */
export function budgetHeaders(admission: Admission | undefined, admissionMs?: number): OutgoingHttpHeaders {
  if (admission === undefined || admission.budgets.length === 0) return {};
  const room = (entry: Admission['budgets'][number]) =>
    (entry.budget.cap - entry.spent - entry.held - (entry.hold.amount ?? 0)) / Math.max(1, entry.budget.cap);
  const tightest = admission.budgets.reduce((best, entry) => (room(entry) < room(best) ? entry : best));
  const { budget } = tightest;
  const remaining = Math.max(0, budget.cap - tightest.spent - tightest.held - (tightest.hold.amount ?? 0));
  const headers: OutgoingHttpHeaders = {
    'x-tokenledger-budget-name': budget.name,
    'x-tokenledger-budget-unit': budget.unit,
    'x-tokenledger-budget-limit': figure(budget.unit, budget.cap),
    'x-tokenledger-budget-remaining': figure(budget.unit, remaining),
    'x-tokenledger-budget-held': figure(budget.unit, tightest.hold.amount ?? 0),
  };
  if (tightest.resetsAt !== undefined)
    headers['x-tokenledger-budget-reset'] = new Date(tightest.resetsAt).toISOString();
  if (admissionMs !== undefined) headers['x-tokenledger-budget-admission-ms'] = admissionMs.toFixed(3);
  return headers;
}

/** The error body in the route's own shape, so the provider's SDK surfaces the message. */
function refusalBody(label: string, error: BudgetExceededError): unknown {
  const { message } = error;
  const style = label.split('.')[0];
  if (style === 'anthropic') return { type: 'error', error: { type: 'rate_limit_error', message } };
  if (style === 'gemini') return { error: { code: 429, message, status: 'RESOURCE_EXHAUSTED' } };
  return { error: { message, type: 'budget_exceeded', param: null, code: 'budget_exceeded' } };
}

/** Answers a call refused by a budget; nothing was sent upstream. */
export function sendBudgetRefusal(
  res: ServerResponse,
  label: string,
  error: BudgetExceededError,
  extra: { startedAt: number; now: number },
): void {
  if (res.destroyed || res.writableEnded) return;
  const { facts } = error;
  const text = JSON.stringify(refusalBody(label, error));
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-should-retry': 'false',
    'x-tokenledger-budget-name': facts.budget,
    'x-tokenledger-budget-unit': facts.unit,
    'x-tokenledger-budget-limit': String(facts.cap),
    // Facts are USD figures made from nanos: round the difference back to the nano.
    'x-tokenledger-budget-remaining': String(
      Math.max(0, Math.round((facts.cap - facts.spent - facts.held) * 1e9) / 1e9),
    ),
    'x-tokenledger-budget-refused': facts.reason,
    'x-tokenledger-overhead-ms': (performance.now() - extra.startedAt).toFixed(3),
  };
  if (facts.resetsAt !== undefined) {
    headers['x-tokenledger-budget-reset'] = facts.resetsAt;
    headers['retry-after'] = String(Math.max(1, Math.ceil((Date.parse(facts.resetsAt) - extra.now) / 1000)));
  }
  res.writeHead(429, headers);
  res.end(text);
}
