/**
 * Stale prices are said out loud: `serve` logs once at start when the price data is older than
 * 30 days, and `/metrics` always has its age (tokenledger_price_data_age_days), read at each
 * scrape. The clock is set (Date only), so the figures do not depend on the day the test runs.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '#src/config/index.js';
import { startServer } from '#src/server/index.js';

afterEach(() => {
  vi.useRealTimers();
});

async function serveAt(time: string): Promise<{ warnings: string[]; gauge: string }> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(time));
  const lines: string[] = [];
  const server = await startServer({
    port: 0,
    db: 'memory:',
    env: {},
    config: parseConfig({}, 'inline', {}),
    logger: pino({ level: 'info' }, { write: (line: string) => lines.push(line) }),
  });
  try {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const gauge = metrics.split('\n').find((line) => line.startsWith('tokenledger_price_data_age_days{')) ?? '';
    const warnings = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level === 40)
      .map((entry) => entry.msg);
    return { warnings, gauge };
  } finally {
    await server.close();
  }
}

describe('price data staleness in serve', () => {
  it('data 69 days old: one warning at start, and the gauge says 69', async () => {
    const { warnings, gauge } = await serveAt('2026-12-01T12:00:00Z');
    expect(warnings).toEqual(['price data is 69 days old (stale after 30): costs may differ from current list prices']);
    expect(gauge).toBe('tokenledger_price_data_age_days{source="bundled @pydantic/genai-prices 0.1.8"} 69');
  });

  it('data 7 days old: no warning, the gauge says 7', async () => {
    const { warnings, gauge } = await serveAt('2026-10-01T00:00:00Z');
    expect(warnings).toEqual([]);
    expect(gauge).toBe('tokenledger_price_data_age_days{source="bundled @pydantic/genai-prices 0.1.8"} 7');
  });
});
