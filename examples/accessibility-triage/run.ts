/**
 * Accessibility triage: a batch of accessibility issues analysed with a prompt template,
 * under a concurrency cap, with retries, every call metered in a ledger: the async batch of
 * the product notes (seed 001), in TypeScript.
 *
 *   npm run example:triage            # ledger: TOKENLEDGER_DB, else sqlite:./tokenledger.db
 *   tokenledger report --run a11y-audit-demo --by agent-model
 *
 * It starts a stand-in for OpenRouter itself (real HTTP on 127.0.0.1, OpenRouter's API shape)
 * so it runs without a key; the stand-in answers every issue with the same canned triage, and
 * its first answer is a 429 with Retry-After: 1 to show a retry that does not fail the batch.
 * Point the `openrouter` provider at the real OpenRouter (OPENROUTER_API_KEY) to run it for real.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, createLedger, openStore, parseConfig, type GenerateRequest } from 'tokenledger';

const here = dirname(fileURLToPath(import.meta.url));
const template = await readFile(join(here, 'prompt.txt'), 'utf8');
const issues = (await readFile(join(here, 'issues.jsonl'), 'utf8'))
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Record<string, string>);

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

// The stand-in for OpenRouter: the first call is rate limited (Retry-After: 1 s, retried
// without failing the batch), every other gets the canned triage after 200 ms.
let calls = 0;
const openrouter = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    calls++;
    if (calls === 1) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      response.end(JSON.stringify({ error: { message: 'rate limited' } }));
      return;
    }
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(triageBody));
    }, 200);
  });
});
await new Promise<void>((resolve) => openrouter.listen(0, '127.0.0.1', resolve));
const openrouterURL = `http://127.0.0.1:${(openrouter.address() as AddressInfo).port}`;

// The config a team would keep in tokenledger.config.yaml, inline here.
const config = parseConfig(
  {
    providers: {
      openrouter: {
        baseURL: `${openrouterURL}/v1`,
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
// A SQLite file, so that `tokenledger report` and `tokenledger serve` show the batch afterwards.
const storeUrl = process.env.TOKENLEDGER_DB ?? 'sqlite:./tokenledger.db';
const ledger = createLedger({ store: await openStore(storeUrl) });
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

const started = Date.now();
const { results, summary } = await client.batch(requests, {
  concurrency: 5, // the seed's max_concurrent
  // Redrawn in place on a terminal; one line per call in a log (no `\r` there).
  onProgress: (progress) => {
    const line = `${progress.done}/${progress.total ?? '?'} done, ${progress.failed} failed`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}`);
    else if (progress.done > 0) process.stderr.write(`${line}\n`);
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
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
console.log(`ledger: ${storeUrl} (tokenledger report --run a11y-audit-demo --db ${storeUrl})`);
await client.close();
await ledger.close();
await ledger.store.close();
await new Promise<void>((resolve) => openrouter.close(() => resolve()));
