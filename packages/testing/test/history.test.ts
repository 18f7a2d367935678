import { describe, expect, it } from 'vitest';
import { OperationHistory, checkCounter, checkExclusive, type HistoryEvent } from '../src/index.js';

const ev = (process: string, type: HistoryEvent['type'], f: string, at: number, value?: unknown): HistoryEvent => ({ process, type, f, at, value });

describe('checkExclusive', () => {
  it('accepts holds that end before the next token starts', () => {
    const r = checkExclusive([
      ev('a', 'invoke', 'acquire', 0),
      ev('a', 'ok', 'acquire', 1, { token: '10' }),
      ev('b', 'invoke', 'acquire', 2),
      ev('a', 'end', 'acquire', 5),
      ev('b', 'ok', 'acquire', 6, { token: '12' }),
      ev('b', 'end', 'acquire', 7),
    ]);
    expect(r.valid).toBe(true);
    expect(r.holds.map((h) => h.token)).toEqual([10n, 12n]);
    expect(r.summary).toBe('acquire: 2 holds, 0 overlaps, 0 token-order violations');
  });

  it('reports an overlap, a hold that never ended, and tokens against time order', () => {
    const overlap = checkExclusive([ev('a', 'ok', 'acquire', 1, { token: '10' }), ev('b', 'ok', 'acquire', 4, { token: '12' }), ev('a', 'end', 'acquire', 6), ev('b', 'end', 'acquire', 7)]);
    expect(overlap.valid).toBe(false);
    expect(overlap.overlaps).toEqual(['a (token 10) still held when b (token 12) acquired: 2.0 ms']);
    const never = checkExclusive([ev('a', 'ok', 'acquire', 1, { token: '10' }), ev('b', 'ok', 'acquire', 4, { token: '12' })]);
    expect(never.overlaps[0]).toMatch(/never ended/);
    const order = checkExclusive([ev('a', 'ok', 'acquire', 5, { token: '10' }), ev('a', 'end', 'acquire', 6), ev('b', 'ok', 'acquire', 1, { token: '12' }), ev('b', 'end', 'acquire', 2)]);
    expect(order.tokenOrder).toHaveLength(1);
  });
});

describe('checkCounter', () => {
  it('resolves unknown outcomes from the final value', () => {
    const h = new OperationHistory();
    h.invoke('a', 'add', 1).ok();
    h.invoke('b', 'add', 1).info('OutcomeUnknownError');
    h.invoke('a', 'add', 1).fail('ConnectionLossError');
    h.invoke('c', 'add', 1); // never completed: unknown
    expect(checkCounter(h.events, 2)).toMatchObject({ valid: true, acknowledged: 1, unknown: 2, resolvedApplied: 1, lost: 0, doubled: 0 });
    expect(checkCounter(h.events, 0)).toMatchObject({ valid: false, lost: 1 });
    expect(checkCounter(h.events, 4)).toMatchObject({ valid: false, doubled: 1 });
  });
});
