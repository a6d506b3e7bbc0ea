/** The figure columns every breakdown table shares (per model, per agent, per run, matrix). */
import { num } from '../dom.js';
import { approx, compact, duration, grouped, percent, usd, usdExact } from '../format.js';
import type { CostShare, UsageStats } from '../types.js';
import { rowFlags } from './cards.js';
import type { Column } from './table.js';

export function statsColumns<Row extends UsageStats & CostShare>(): Column<Row>[] {
  return [
    {
      key: 'calls',
      label: 'Calls',
      value: (r) => r.calls,
      cell: (r) => num(compact(r.calls), r.calls, grouped(r.calls)),
    },
    {
      key: 'success',
      label: 'Success',
      value: (r) => r.successRate,
      cell: (r) => num(percent(r.successRate), r.successRate),
    },
    {
      key: 'input',
      label: 'Input',
      value: (r) => r.tokens.input,
      cell: (r) => num(compact(r.tokens.input), r.tokens.input, grouped(r.tokens.input)),
      help: 'Input tokens, cached included',
    },
    {
      key: 'output',
      label: 'Output',
      value: (r) => r.tokens.output,
      cell: (r) => num(compact(r.tokens.output), r.tokens.output, grouped(r.tokens.output)),
      help: 'Output tokens, reasoning included',
    },
    {
      key: 'cached',
      label: 'Cached',
      value: (r) => r.tokens.cacheRead,
      cell: (r) => num(compact(r.tokens.cacheRead), r.tokens.cacheRead, grouped(r.tokens.cacheRead)),
      help: 'Input tokens read from cache',
    },
    {
      key: 'reasoning',
      label: 'Reasoning',
      value: (r) => r.tokens.reasoning,
      cell: (r) => num(compact(r.tokens.reasoning), r.tokens.reasoning, grouped(r.tokens.reasoning)),
    },
    {
      key: 'tokens',
      label: 'Tokens',
      value: (r) => r.tokens.total,
      cell: (r) => num(compact(r.tokens.total), r.tokens.total, grouped(r.tokens.total)),
    },
    {
      key: 'avg',
      label: 'Tok/call',
      value: (r) => r.avgTokensPerCall,
      cell: (r) =>
        num(compact(r.avgTokensPerCall === null ? null : Math.round(r.avgTokensPerCall)), r.avgTokensPerCall),
      help: 'Average tokens per call',
    },
    {
      key: 'cost',
      label: 'Cost',
      value: (r) => r.cost.total,
      cell: (r) => num(usd(r.cost.total), r.cost.total, usdExact(r.cost.total)),
    },
    {
      key: 'share',
      label: 'Share',
      value: (r) => r.costShare,
      cell: (r) => num(percent(r.costShare), r.costShare),
      help: 'Share of the cost of everything the filter matches',
    },
    {
      key: 'p50',
      label: 'p50',
      value: (r) => r.latency.p50Ms,
      cell: (r) => num(approx(duration(r.latency.p50Ms), r.latency.percentilesApproximate), r.latency.p50Ms),
      help: 'Median latency (≈: from the latency histogram, within 4.5%)',
    },
    {
      key: 'p95',
      label: 'p95',
      value: (r) => r.latency.p95Ms,
      cell: (r) => num(approx(duration(r.latency.p95Ms), r.latency.percentilesApproximate), r.latency.p95Ms),
      help: '95th percentile latency (≈: from the latency histogram, within 4.5%)',
    },
    {
      key: 'flags',
      label: 'Flags',
      cell: (r) => rowFlags(r),
      numeric: false,
      help: 'Unpriced calls are not in the cost; estimated counts came from a local tokenizer',
    },
  ];
}
