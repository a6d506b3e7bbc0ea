/**
 * The OTLP receiver's 200 means durable: `tokenledger serve` (SQLite file and its spool, the
 * default) answers a real exporter's batch while another process holds the SQLite write lock,
 * so the spans' calls cannot be in the store yet; the server is then killed with SIGKILL. The
 * next start replays the spool, and every call the exporter was told was accepted is in the
 * ledger, once, with its tokens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createExportRun } from '../helpers/otel-exporter.js';
import { spawnServe, type ServeProcess } from './serve-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-otlp-sigkill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CALLS = 25;

async function storedEvents(serve: ServeProcess): Promise<{ id: string; usage: { inputTokens: number } }[]> {
  const text = await (await fetch(`${serve.url}/analytics/events?format=ndjson`)).text();
  return text
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { id: string; usage: { inputTokens: number } });
}

describe('tokenledger serve killed with SIGKILL right after acknowledging OTLP spans', () => {
  it('has every acknowledged call after the restart, though the store could not take them before the kill', async () => {
    const file = join(dir, 'ledger.db');
    const first = await spawnServe(['--port', '0', '--db', `sqlite:${file}`]);
    // Held by this process: the server's store cannot commit anything until the kill.
    const holder = new Database(file);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const run = createExportRun({ url: `${first.url}/v1/traces`, protocol: 'http/protobuf' });
      await run.tracer.startActiveSpan(
        'invoke_agent analyst',
        { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'analyst' } },
        async (agent) => {
          for (let n = 0; n < CALLS; n++) {
            run.tracer
              .startSpan('chat gpt-4o-mini', {
                kind: SpanKind.CLIENT,
                attributes: {
                  'gen_ai.operation.name': 'chat',
                  'gen_ai.provider.name': 'openai',
                  'gen_ai.request.model': 'gpt-4o-mini',
                  'gen_ai.usage.input_tokens': 100 + n,
                  'gen_ai.usage.output_tokens': 10,
                },
              })
              .end();
          }
          agent.end();
        },
      );
      await run.finish();
      // 0: the exporter got its 200.
      expect(run.results.map((result) => result.code)).toEqual([0]);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      expect((holder.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n).toBe(0);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }

    const second = await spawnServe(['--port', '0', '--db', `sqlite:${file}`]);
    try {
      let events = await storedEvents(second);
      for (let tries = 0; events.length < CALLS && tries < 100; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        events = await storedEvents(second);
      }
      expect(events).toHaveLength(CALLS);
      expect(new Set(events.map((event) => event.id)).size).toBe(CALLS);
      const input = events.reduce((sum, event) => sum + event.usage.inputTokens, 0);
      expect(input).toBe(Array.from({ length: CALLS }, (_, n) => 100 + n).reduce((a, b) => a + b, 0));
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });
});
