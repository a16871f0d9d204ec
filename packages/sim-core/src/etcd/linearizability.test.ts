import { describe, expect, it } from 'vitest';
import { checkHistory, checkRegister, type HistoryOp } from './linearizability';

const put = (value: string, callUs: number, returnUs: number): HistoryOp => ({ key: 'x', kind: 'put', value, callUs, returnUs });
const get = (value: string, callUs: number, returnUs: number): HistoryOp => ({ key: 'x', kind: 'get', value, callUs, returnUs });

describe('linearizability checker (Wing–Gong with memoization)', () => {
  it('accepts a sequential history', () => {
    expect(checkRegister([put('a', 0, 1), get('a', 2, 3), put('b', 4, 5), get('b', 6, 7)])).toBe(true);
  });
  it('rejects a stale read after a completed write (the Jepsen 2014 etcd bug)', () => {
    expect(checkRegister([put('foo', 0, 1), put('bar', 2, 3), get('foo', 4, 5)])).toBe(false);
  });
  it('accepts either order for overlapping writes', () => {
    expect(checkRegister([put('a', 0, 10), put('b', 1, 9), get('a', 11, 12)])).toBe(true);
    expect(checkRegister([put('a', 0, 10), put('b', 1, 9), get('b', 11, 12)])).toBe(true);
  });
  it('rejects reads that go back in time', () => {
    expect(checkRegister([put('a', 0, 10), put('b', 1, 9), get('b', 11, 12), get('a', 13, 14)])).toBe(false);
  });
  it('a timed-out write may take effect later, or never', () => {
    expect(checkRegister([put('a', 0, 1), put('b', 2, Infinity), get('a', 3, 4), get('b', 10, 11)])).toBe(true);
    expect(checkRegister([put('a', 0, 1), put('b', 2, Infinity), get('a', 10, 11)])).toBe(true);
    expect(checkRegister([put('a', 0, 1), put('b', 2, Infinity), get('b', 3, 4), get('a', 10, 11)])).toBe(false);
  });
  it('a read of a value never written is not linearizable', () => {
    expect(checkRegister([put('a', 0, 1), get('zzz', 2, 3)])).toBe(false);
  });
  it('checks keys independently', () => {
    const h: HistoryOp[] = [
      { key: 'x', kind: 'put', value: '1', callUs: 0, returnUs: 1 },
      { key: 'y', kind: 'get', value: '', callUs: 0, returnUs: 1 },
      { key: 'y', kind: 'put', value: '2', callUs: 2, returnUs: 3 },
      { key: 'y', kind: 'get', value: '', callUs: 4, returnUs: 5 },
    ];
    expect(checkHistory(h)).toEqual({ ok: false, badKey: 'y' });
  });
});
