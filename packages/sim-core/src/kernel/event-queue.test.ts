import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue';

describe('EventQueue', () => {
  it('pops in (time, sequence) order: same-time events in insertion order', () => {
    const q = new EventQueue<{ t: number; seq: number; tag: string }>();
    q.push({ t: 5, seq: 0, tag: 'a' });
    q.push({ t: 1, seq: 1, tag: 'b' });
    q.push({ t: 5, seq: 2, tag: 'c' });
    q.push({ t: 1, seq: 3, tag: 'd' });
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.tag);
    expect(out).toEqual(['b', 'd', 'a', 'c']);
  });

  it('property: any interleaving of pushes comes out sorted by (t, seq)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue<{ t: number; seq: number }>();
        times.forEach((t, seq) => q.push({ t, seq }));
        const out: { t: number; seq: number }[] = [];
        for (let e = q.pop(); e; e = q.pop()) out.push(e);
        const sorted = times.map((t, seq) => ({ t, seq })).sort((a, b) => a.t - b.t || a.seq - b.seq);
        expect(out).toEqual(sorted);
      }),
    );
  });
});
