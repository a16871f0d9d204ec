import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStreams } from './rng';

describe('RngStreams', () => {
  it('a stream is a pure function of (seed, purpose)', () => {
    const a = new RngStreams(7).stream('link:a>b');
    const b = new RngStreams(7).stream('link:a>b');
    expect(Array.from({ length: 20 }, () => a.int(0, 1000))).toEqual(Array.from({ length: 20 }, () => b.int(0, 1000)));
  });

  it('drawing from one purpose does not move another', () => {
    const s1 = new RngStreams(3);
    const s2 = new RngStreams(3);
    for (let i = 0; i < 50; i++) s1.stream('noise').int(0, 9);
    expect(s1.stream('kept').uuid()).toBe(s2.stream('kept').uuid());
  });

  it('different seeds give different streams', () => {
    expect(new RngStreams(7).stream('x').uuid()).not.toBe(new RngStreams(8).stream('x').uuid());
  });

  it('snapshot/restore continues the exact sequence', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 40 }), (seed, skip) => {
        const s = new RngStreams(seed);
        for (let i = 0; i < skip; i++) s.stream('p').int(0, 100);
        const snap = s.snapshot();
        const next = Array.from({ length: 5 }, () => s.stream('p').float());
        const r = new RngStreams(seed);
        r.restore(snap);
        expect(Array.from({ length: 5 }, () => r.stream('p').float())).toEqual(next);
      }),
    );
  });

  it('float is in [0,1) and int respects bounds', () => {
    const r = new RngStreams(1).stream('bounds');
    for (let i = 0; i < 2000; i++) {
      const f = r.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      const n = r.int(-3, 3);
      expect(n).toBeGreaterThanOrEqual(-3);
      expect(n).toBeLessThanOrEqual(3);
    }
  });

  it('uuid is a v4 UUID', () => {
    expect(new RngStreams(9).stream('u').uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
