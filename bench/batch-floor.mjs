/**
 * The floor under `tokenledger batch` in bench/startup.ts: the same items sent to the same mock
 * provider at the same concurrency through node:http with a keep-alive agent (the transport the
 * client uses), each answer parsed and written out as a line, and nothing else: no metering, no
 * pricing, no ledger, no retries. Plain JavaScript so that it starts as fast as Node does.
 *
 *   node bench/batch-floor.mjs ITEMS.jsonl OUT.jsonl BASE_URL CONCURRENCY
 */
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const [input, output, baseUrl, concurrencyText] = process.argv.slice(2);
const url = new URL(`${baseUrl}/chat/completions`);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const items = readFileSync(input, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line));

function send(item) {
  const body = Buffer.from(
    JSON.stringify({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: item.prompt }] }),
  );
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${process.env.OPENAI_API_KEY}`,
          'content-length': String(body.length),
        },
      },
      (answer) => {
        const parts = [];
        answer.on('data', (chunk) => parts.push(chunk));
        answer.once('end', () => resolve(JSON.parse(Buffer.concat(parts).toString('utf8'))));
        answer.once('error', reject);
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

const lines = [];
let next = 0;
await Promise.all(
  Array.from({ length: Number(concurrencyText) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      const answer = await send(item);
      lines.push(JSON.stringify({ id: item.id, text: answer.choices[0].message.content }));
    }
  }),
);
writeFileSync(output, `${lines.join('\n')}\n`);
agent.destroy();
