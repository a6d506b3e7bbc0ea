/**
 * Accessibility triage: a batch of accessibility issues analysed with a prompt template,
 * under a concurrency cap, with retries, every call metered in a ledger: the async batch of
 * the product notes (seed 001), in TypeScript.
 *
 *   npx tsx examples/accessibility-triage/run.ts
 *
 * It starts the mock provider itself (real HTTP on 127.0.0.1, OpenRouter's API shape) so it
 * runs without a key; the mock answers every issue with the same canned triage, and its first
 * answer is a 429 with Retry-After: 1 to show a retry that does not fail the batch. Point the `openrouter` provider at the
 * real OpenRouter (OPENROUTER_API_KEY) to run it for real.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type GenerateRequest } from '../../src/client/index.js';
import { parseConfig } from '../../src/config/index.js';
import { createRecordingLedger } from '../../src/ledger/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { startMockProvider } from '../../test/helpers/mock-provider.js';

const here = dirname(fileURLToPath(import.meta.url));
const template = await readFile(join(here, 'prompt.txt'), 'utf8');
const issues = (await readFile(join(here, 'issues.jsonl'), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, string>);

const mock = await startMockProvider({ latencyMs: 200 });
const triage = {
  severity: 'serious',
  who_is_affected: 'screen reader and keyboard users',
  fix: 'see WCAG technique',
  effort: 'S',
};
const triageBody = {
  id: 'gen-mock',
  object: 'chat.completion',
  model: 'google/gemini-2.5-flash',
  choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(triage) }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 142, completion_tokens: 48, total_tokens: 190 },
};
mock.setDefault({ kind: 'json', body: triageBody });

// The config a team would keep in tokenledger.config.yaml, inline here.
const config = parseConfig(
  {
    providers: {
      openrouter: {
        baseURL: `${mock.url}/v1`,
        apiKey: 'env:OPENROUTER_API_KEY',
        headers: { 'X-Title': 'a11y-triage' },
      },
    },
    agents: { a11y_triage: 'google/gemini-2.5-flash' },
    rateLimits: [{ provider: 'openrouter', rpm: 600 }],
    retry: { maxAttempts: 3 },
  },
  'example',
  { OPENROUTER_API_KEY: 'sk-or-example-not-a-real-key' },
);
const ledger = createRecordingLedger({ store: new MemoryStore() });
const client = createClient({ ledger, config });

const fill = (issue: Record<string, string>): string =>
  template.replace(/\{\{(\w+)\}\}/g, (_match, field: string) => issue[field] ?? '');
const requests: GenerateRequest[] = issues.map((issue) => ({
  agent: 'a11y_triage',
  run: 'a11y-audit-demo',
  tags: { issue: issue.id ?? '' },
  prompt: fill(issue),
  json: true,
  maxTokens: 300,
}));

// One rate-limited answer shows the retry (Retry-After: 1 s) without failing the batch.
mock.enqueue({
  kind: 'status',
  status: 429,
  headers: { 'retry-after': '1' },
  body: { error: { message: 'rate limited' } },
});

const started = Date.now();
const { results, summary } = await client.batch(requests, {
  concurrency: 5, // the seed's max_concurrent
  onProgress: (progress) =>
    process.stderr.write(`\r${progress.done}/${progress.total ?? '?'} done, ${progress.failed} failed`),
});
process.stderr.write('\n');
for (const result of results) {
  const issue = issues[result.index];
  const answer = result.text === undefined ? result.error?.message : result.text;
  console.log(`${issue?.id} ${result.status} (attempts ${result.attempts}): ${answer}`);
}
console.log(
  JSON.stringify(
    {
      total_requests: summary.total,
      successful_requests: summary.successful,
      failed_requests: summary.failed,
      total_tokens: summary.totalTokens,
      estimated_cost_usd: summary.costUsd,
      success_rate: summary.successRate,
      attempts: summary.attempts,
      elapsed_s: (Date.now() - started) / 1000,
    },
    null,
    2,
  ),
);
await client.close();
await ledger.close();
await mock.close();
