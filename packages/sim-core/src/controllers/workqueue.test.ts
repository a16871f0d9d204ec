import { describe, expect, it } from 'vitest';
import type { Output } from '../kernel/model';
import { newWorkQueue, wqAdd, wqAddRateLimited, wqBusy, wqDone, wqForget, wqGet, wqNumRequeues, wqOnTimer, wqRateLimitDelayUs } from './workqueue';

describe('work queue (client-go util/workqueue)', () => {
  it('Add while waiting is a no-op; FIFO; Get moves the key from dirty to processing', () => {
    const q = newWorkQueue('t');
    wqAdd(q, 'a');
    wqAdd(q, 'b');
    wqAdd(q, 'a');
    expect(q.queue).toEqual(['a', 'b']);
    expect(wqGet(q)).toBe('a');
    expect(wqBusy(q)).toBe(1);
    expect(q.dirty).toEqual({ b: true });
  });

  it('Add while processing marks it dirty (once); Done puts it back once', () => {
    const q = newWorkQueue('t');
    wqAdd(q, 'a');
    expect(wqGet(q)).toBe('a');
    wqAdd(q, 'a');
    wqAdd(q, 'a');
    expect(q.queue).toEqual([]);
    wqDone(q, 'a');
    expect(q.queue).toEqual(['a']);
    expect(wqGet(q)).toBe('a');
    wqDone(q, 'a');
    expect(q.queue).toEqual([]);
    expect(wqGet(q)).toBeUndefined();
    expect(wqBusy(q)).toBe(0);
  });

  it('AddRateLimited: 5 ms · 2^failures per key (Forget resets), the 10 qps bucket once its 100 tokens are spent; the earlier of two waits stays', () => {
    const q = newWorkQueue('t');
    const out: Output[] = [];
    expect(wqRateLimitDelayUs(q, 'a', 0)).toBe(5_000);
    expect(wqRateLimitDelayUs(q, 'a', 0)).toBe(10_000);
    expect(wqNumRequeues(q, 'a')).toBe(2);
    wqForget(q, 'a');
    expect(wqNumRequeues(q, 'a')).toBe(0);
    wqAddRateLimited(q, 'b', 0, out);
    expect(out).toEqual([{ type: 'timer', name: 'wq:t:b', afterUs: 5_000 }]);
    wqAddRateLimited(q, 'b', 0, out);
    expect(out).toHaveLength(1); // due at 10 ms: the 5 ms timer stays
    expect(wqOnTimer(q, 'wq:t:b')).toBe(true);
    expect(wqOnTimer(q, 'other')).toBe(false);
    expect(q.queue).toEqual(['b']);
    const r = newWorkQueue('r');
    for (let i = 0; i < 97; i++) wqRateLimitDelayUs(r, `k${i}`, 0);
    // The bucket starts with 100 tokens: the 101st key at the same instant waits 100 ms for its token.
    for (let i = 97; i < 100; i++) expect(wqRateLimitDelayUs(r, `k${i}`, 0)).toBe(5_000);
    expect(wqRateLimitDelayUs(r, 'k100', 0)).toBe(100_000);
  });
});
