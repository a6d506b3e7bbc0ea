/** The dashboard's number formatting and URL state, as pure functions. */
import { describe, expect, it } from 'vitest';
import { approx, compact, duration, percent, ratio, usd } from '../../web/src/format.js';
import { apiFilter, apiFilterObject, parseState, parseTags, toSearch } from '../../web/src/state.js';

describe('numbers for people', () => {
  it('shortens counts: exact below 10,000, then K, M, B', () => {
    expect([0, 999, 9_876, 12_345, 999_999, 1_200_000, 3_450_000_000].map(compact)).toEqual([
      '0',
      '999',
      '9,876',
      '12.3K',
      '1M',
      '1.2M',
      '3.45B',
    ]);
    expect(compact(null)).toBe('–');
  });

  it('writes dollars with cents, and fractions of a cent with two significant digits', () => {
    expect([3.41, 1234.567, 0, 0.5, 0.0123, 0.00042, 2_500_000].map(usd)).toEqual([
      '$3.41',
      '$1,234.57',
      '$0.00',
      '$0.50',
      '$0.012',
      '$0.00042',
      '$2.5M',
    ]);
  });

  it('marks histogram percentiles as approximate', () => {
    expect(approx('1.42s', true)).toBe('≈1.42s');
    expect(approx('1.42s', false)).toBe('1.42s');
    expect(approx('n/a', true)).toBe('n/a');
  });

  it('writes rates, durations and ratios', () => {
    expect([percent(0.9731), percent(1), percent(null)]).toEqual(['97.3%', '100%', '–']);
    expect([850, 1_840, 42_000, 185_000, 7_800_000].map(duration)).toEqual([
      '850 ms',
      '1.8 s',
      '42 s',
      '3m 05s',
      '2h 10m',
    ]);
    expect([ratio(1), ratio(2.37), ratio(11.4)]).toEqual(['1×', '2.37×', '11×']);
  });
});

describe('URL state', () => {
  it('round-trips every setting through the query string, leaving defaults out', () => {
    const search =
      '?view=runs&report=AAPL&range=7d&model=gpt-4o&agent=risk_agent&tag.team=quant&metric=tokens&stack=agent&cmp=a&cmp=b&refresh=30&sort.models=calls%3Aasc&group=tag%3Ateam&group=model';
    const state = parseState(search);
    expect(state).toMatchObject({
      view: 'runs',
      report: 'AAPL',
      range: '7d',
      filters: { model: 'gpt-4o', agent: 'risk_agent' },
      tags: { team: 'quant' },
      metric: 'tokens',
      stack: 'agent',
      compare: ['a', 'b'],
      refresh: 30,
      sort: { models: 'calls:asc' },
      group: ['tag:team', 'model'],
    });
    expect(parseState(toSearch(state))).toEqual(state);
    // Only dimensions the breakdown API takes, at most two.
    expect(parseState('?group=color&group=tag:&group=agent&group=run&group=model').group).toEqual(['agent', 'run']);
    expect(toSearch(parseState(''))).toBe('');
    expect(parseState('?view=bogus&range=nope&refresh=7')).toMatchObject({
      view: 'overview',
      range: 'all',
      refresh: 15,
    });
  });

  it('turns a state into the API filter: relative ranges from now, custom bounds as given', () => {
    const now = Date.parse('2026-03-02T12:00:00Z');
    expect(apiFilter(parseState('?range=24h&provider=google&tag.team=quant'), now)).toEqual({
      from: '2026-03-01T12:00:00.000Z',
      provider: 'google',
      'tag.team': 'quant',
    });
    expect(
      apiFilter(parseState('?from=2026-03-01T00:00:00.000Z&to=2026-03-02T00:00:00.000Z&model=m'), now, ['model']),
    ).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' });
    expect(apiFilterObject(parseState('?agent=a&tag.team=quant'), now)).toEqual({
      agent: 'a',
      tags: { team: 'quant' },
    });
  });

  it('parses tags typed as KEY=VALUE pairs and names a bad one', () => {
    expect(parseTags('team=quant, user=ann')).toEqual({ tags: { team: 'quant', user: 'ann' } });
    expect(parseTags('')).toEqual({ tags: {} });
    expect(parseTags('team')).toEqual({ error: '"team" is not KEY=VALUE' });
  });
});
