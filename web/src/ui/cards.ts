/**
 * The headline figures of a filter: calls, success rate, tokens (in, out, cached, reasoning),
 * cost, latency p50/p95, with the flags that qualify them (unpriced calls are not in the
 * cost; estimated counts came from a local tokenizer; calls without usage are not in the
 * tokens). Each figure keeps its exact value in `data-value`.
 */
import { h, num, type Child } from '../dom.js';
import { approx, compact, duration, grouped, percent, usd, usdExact } from '../format.js';
import type { Summary } from '../types.js';

type Flags = Pick<Summary, 'unpricedCalls' | 'estimatedCalls' | 'usageUnavailableCalls'>;
type NoticeFlags = Flags & Partial<Pick<Summary, 'providerCostMismatch'>>;

/**
 * Calls whose model had no known price. The store counts every call without a cost as
 * unpriced, and a call without usage never has one (the ledger cannot price it), so those
 * are told apart here and flagged once, as "no usage".
 */
export function noPrice(stats: Flags): number {
  return Math.max(0, stats.unpricedCalls - stats.usageUnavailableCalls);
}

function card(id: string, label: string, value: Child, sub?: Child): HTMLElement {
  return h(
    'div',
    { class: 'card', 'data-testid': `h-${id}` },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    sub === undefined ? null : h('div', { class: 'sub' }, sub),
  );
}

export function headline(summary: Summary, extra: HTMLElement[] = []): HTMLElement {
  const { tokens, cost, latency } = summary;
  return h(
    'section',
    { class: 'cards', 'aria-label': 'Headline figures' },
    card(
      'calls',
      'Calls',
      num(compact(summary.calls), summary.calls, grouped(summary.calls)),
      summary.failures > 0 ? `${grouped(summary.failures)} failed` : 'none failed',
    ),
    card('success', 'Success rate', num(percent(summary.successRate), summary.successRate)),
    card(
      'input',
      'Input tokens',
      num(compact(tokens.input), tokens.input, grouped(tokens.input)),
      h('span', {}, 'cached ', num(compact(tokens.cacheRead), tokens.cacheRead, grouped(tokens.cacheRead))),
    ),
    card(
      'output',
      'Output tokens',
      num(compact(tokens.output), tokens.output, grouped(tokens.output)),
      h('span', {}, 'reasoning ', num(compact(tokens.reasoning), tokens.reasoning, grouped(tokens.reasoning))),
    ),
    card(
      'cached',
      'Cached tokens',
      num(compact(tokens.cacheRead), tokens.cacheRead, grouped(tokens.cacheRead)),
      cost.cacheSavings > 0 ? `saved ${usd(cost.cacheSavings)}` : `written ${compact(tokens.cacheWrite)}`,
    ),
    card(
      'reasoning',
      'Reasoning tokens',
      num(compact(tokens.reasoning), tokens.reasoning, grouped(tokens.reasoning)),
      tokens.output > 0 ? `${percent(tokens.reasoning / tokens.output)} of output` : undefined,
    ),
    card(
      'cost',
      'Cost',
      num(usd(cost.total), cost.total, usdExact(cost.total)),
      noPrice(summary) > 0
        ? h(
            'span',
            { class: 'flag warn', title: 'calls whose model has no known price are not in the cost' },
            `+ ${grouped(noPrice(summary))} unpriced`,
          )
        : summary.calls > 0
          ? `${usd(cost.total / summary.calls)} / call`
          : undefined,
    ),
    card(
      'p50',
      'Latency p50',
      num(approx(duration(latency.p50Ms), latency.percentilesApproximate), latency.p50Ms),
      latency.avgMs === null ? undefined : `avg ${duration(latency.avgMs)}`,
    ),
    card(
      'p95',
      'Latency p95',
      num(approx(duration(latency.p95Ms), latency.percentilesApproximate), latency.p95Ms),
      latency.p99Ms === null ? undefined : `p99 ${approx(duration(latency.p99Ms), latency.percentilesApproximate)}`,
    ),
    ...extra,
  );
}

/** A line saying which figures are incomplete, and why; nothing when all calls are priced and counted. */
export function flagsNotice(stats: NoticeFlags): HTMLElement | null {
  const parts: Child[] = [];
  if (noPrice(stats) > 0) {
    parts.push(
      h('span', { class: 'flag warn', 'data-testid': 'flag-unpriced' }, `${grouped(noPrice(stats))} unpriced`),
      ' calls are on models with no known price and are not in the cost. ',
    );
  }
  if (stats.estimatedCalls > 0) {
    parts.push(
      h('span', { class: 'flag est', 'data-testid': 'flag-estimated' }, `${grouped(stats.estimatedCalls)} estimated`),
      ' calls were counted by a local tokenizer. ',
    );
  }
  if (stats.usageUnavailableCalls > 0) {
    parts.push(
      h(
        'span',
        { class: 'flag', 'data-testid': 'flag-nousage' },
        `${grouped(stats.usageUnavailableCalls)} without usage`,
      ),
      ' (failed or cut short) are not in the tokens or the cost.',
    );
  }
  const mismatch = stats.providerCostMismatch;
  if (mismatch !== undefined && mismatch.calls > 0) {
    parts.push(
      ' ',
      h(
        'span',
        { class: 'flag warn', 'data-testid': 'flag-cost-mismatch' },
        `${grouped(mismatch.calls)} cost ${mismatch.calls === 1 ? 'mismatch' : 'mismatches'}`,
      ),
      ' calls where the provider reported its own cost and ours differs by more than 1%: ours ',
      num(usdExact(mismatch.ours), mismatch.ours),
      ', the provider ',
      num(usdExact(mismatch.provider), mismatch.provider),
      '.',
    );
  }
  return parts.length === 0 ? null : h('p', { class: 'notice', role: 'note' }, ...parts);
}

/** The per-row flags for a table: unpriced / estimated / no usage badges. */
export function rowFlags(stats: Flags): Child {
  const badges: Child[] = [];
  if (noPrice(stats) > 0)
    badges.push(
      h(
        'span',
        { class: 'flag warn', title: 'calls on a model with no known price; not in the cost' },
        `${compact(noPrice(stats))} unpriced`,
      ),
    );
  if (stats.estimatedCalls > 0)
    badges.push(
      h(
        'span',
        { class: 'flag est', title: 'token counts from a local tokenizer' },
        `${compact(stats.estimatedCalls)} est.`,
      ),
    );
  if (stats.usageUnavailableCalls > 0)
    badges.push(
      h(
        'span',
        { class: 'flag', title: 'calls without usage (not in the tokens)' },
        `${compact(stats.usageUnavailableCalls)} no usage`,
      ),
    );
  return badges.length === 0 ? '' : h('span', { class: 'flags' }, ...badges);
}
