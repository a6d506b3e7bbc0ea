/**
 * Honest health: `/healthz` says `degraded`, with the reason, while a server-wide limit or
 * refusal state holds (metrics label sets past their budget, a gateway locked for want of a
 * key), and the log says so once per change, not once per event.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer } from '#src/server/index.js';
import { createHealthState } from '#src/server/health-state.js';
import { memoryLogger } from './helpers.js';

const ADMIN_KEY = 'tl-admin-health-0123456789ab';

function captured(): { logger: pino.Logger; messages: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level: 'info' }, stream),
    messages: () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg),
  };
}

interface Health {
  status: string;
  degraded: { condition: string; reason: string; since: string }[];
}

describe('health state', () => {
  it('one log line when a condition is raised, none while its reason changes, one when it clears', () => {
    const logger = memoryLogger();
    let clock = 0;
    const health = createHealthState({ logger, now: () => new Date(Date.UTC(2026, 11, 1, 12, 0, clock++)) });
    health.set('spool', 'spool full: 1 event refused');
    health.set('spool', 'spool full: 2 events refused');
    health.set('spool', 'spool full: 3 events refused');
    expect(health.check()).toEqual([
      { condition: 'spool', reason: 'spool full: 3 events refused', since: '2026-12-01T12:00:00.000Z' },
    ]);
    health.set('spool', undefined);
    health.set('spool', undefined);
    expect(health.check()).toEqual([]);
    expect(logger.lines).toEqual([
      'warn health: degraded: spool full: 1 event refused {"condition":"spool"}',
      'info health: condition cleared {"condition":"spool","was":"spool full: 3 events refused"}',
    ]);
  });
});

describe('GET /healthz', () => {
  it('is degraded once /metrics label sets overflow, naming the setting; logged once for 50 events', async () => {
    const env = { ADMIN: ADMIN_KEY };
    const config = parseConfig({ server: { adminKey: 'env:ADMIN', metrics: { maxLabelSets: 1 } } }, 'inline', env);
    const log = captured();
    const server = await startServer({ config, env, port: 0, db: 'memory:', logger: log.logger });
    try {
      const healthz = async (): Promise<Health> => (await (await fetch(`${server.url}/healthz`)).json()) as Health;
      expect(await healthz()).toMatchObject({ status: 'ok', degraded: [] });
      const events = Array.from({ length: 50 }, (_, index) => ({
        provider: 'openai',
        model: 'gpt-4o-mini',
        agent: `agent-${index}`,
        usage: { inputTokens: 1, outputTokens: 1 },
      }));
      const ingest = await fetch(`${server.url}/v1/usage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify(events),
      });
      expect(ingest.status).toBe(200);
      const health = await healthz();
      expect(health.status).toBe('degraded');
      expect(health.degraded.map(({ condition, reason }) => ({ condition, reason }))).toEqual([
        {
          condition: 'metrics_label_sets',
          reason:
            '/metrics: 49 events past the first 1 provider/model/agent sets are counted under "other" (raise server.metrics.maxLabelSets)',
        },
      ]);
      await healthz();
      expect(log.messages().filter((message) => message.startsWith('health:'))).toEqual([
        'health: degraded: /metrics: 49 events past the first 1 provider/model/agent sets are counted under "other" (raise server.metrics.maxLabelSets)',
      ]);
    } finally {
      await server.close();
    }
  });

  it('is degraded while the gateway refuses every call (beyond loopback, no gateway key)', async () => {
    const env = { ADMIN: ADMIN_KEY };
    const config = parseConfig({ server: { adminKey: 'env:ADMIN' } }, 'inline', env);
    const server = await startServer({
      config,
      env,
      host: '0.0.0.0',
      port: 0,
      db: 'memory:',
      logger: pino({ level: 'silent' }),
    });
    try {
      const health = (await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).json()) as Health;
      expect(health.status).toBe('degraded');
      expect(health.degraded.map((entry) => entry.condition)).toEqual(['gateway_locked']);
      expect(health.degraded[0]!.reason).toContain('set server.gatewayKeys, or serve with --insecure-open');
    } finally {
      await server.close();
    }
  });
});
