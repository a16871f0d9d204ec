import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloneData, Kernel } from './kernel';
import { DurableLog, logRecords, type Model } from './model';
import { entryJson, hashJsonl, stableStringify, Trace, type TraceEntry } from './trace';

describe('trace: the fast JSON envelope and the batched hash', () => {
  it('entryJson gives the bytes stableStringify gives, on awkward entries', () => {
    const entries = [
      { i: 0, t: 0, type: 'note', kind: 'x' },
      { i: 1, t: -0, type: 'send', from: 'a"b', to: 'c\\d', kind: 'k\u0001', id: 3, data: { z: 1, a: [1, { y: undefined, b: 2 }] } },
      { i: 2, t: 1.5, type: 'drop', kind: 'é', data: undefined, to: undefined },
      { i: 3, t: 1e21, type: 'x\u007f', kind: '\ud800', id: Number.NaN },
      { i: 4, t: 5, type: 'note', kind: 'k', extra: 1 },
      { i: 5, t: 5, type: 'note', kind: 'k', data: () => 1 },
      { i: 6, t: Number.POSITIVE_INFINITY, type: 'note', kind: 'k' },
      { i: 7, t: 5, type: 'note', kind: 'k', data: new Map([[1, 2]]) },
      { i: 8, t: 5, type: 'note', kind: 'k', data: [undefined, null, -0, 'a'] },
      Object.assign(Object.create({ data: 'inherited' }) as object, { i: 9, t: 1, type: 'note', kind: 'k' }),
    ] as unknown as TraceEntry[];
    for (const e of entries) expect(entryJson(e)).toBe(stableStringify(e));
  });

  it('property: entryJson(e) === stableStringify(e)', () => {
    const text = fc.string({ unit: 'binary' });
    const num = fc.oneof(fc.nat(), fc.double());
    const entry = fc.record(
      { i: fc.nat(), t: num, type: text, kind: text, from: text, to: text, id: num, data: fc.jsonValue() },
      { requiredKeys: ['i', 't', 'type', 'kind'] },
    );
    fc.assert(fc.property(entry, (e) => entryJson(e as TraceEntry) === stableStringify(e)), { numRuns: 2000 });
  });

  it('property: the batched hash is the SHA-256 of the JSONL, at any point, across marks and rewinds', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ kind: fc.string(), data: fc.jsonValue() }), { maxLength: 300 }), fc.nat(), (recs, cut) => {
        const tr = new Trace();
        let mark = tr.mark();
        let markedJsonl = '';
        recs.forEach((r, n) => {
          tr.record({ t: n, type: 'note', kind: r.kind, data: r.data });
          if (n === cut % Math.max(1, recs.length)) {
            mark = tr.mark();
            markedJsonl = tr.toJsonl();
          }
          if (n % 37 === 0) expect(tr.hash()).toBe(hashJsonl(tr.toJsonl()));
        });
        expect(tr.hash()).toBe(hashJsonl(tr.toJsonl()));
        tr.rewind(mark);
        expect(tr.toJsonl()).toBe(markedJsonl);
        expect(tr.hash()).toBe(hashJsonl(markedJsonl));
        tr.record({ t: 1, type: 'note', kind: 'after' });
        expect(tr.hash()).toBe(hashJsonl(tr.toJsonl()));
      }),
      { numRuns: 60 },
    );
  });
});

describe('cloneData', () => {
  it('copies plain data as structuredClone does: property order, undefined, shared references, cycles', () => {
    const shared = { x: 1 };
    const v: Record<string, unknown> = { b: 1, a: [shared, shared, { u: undefined }], 2: 'two', m: new Map<unknown, unknown>([[shared, [1, -0]]]), s: new Set([shared]) };
    v.self = v;
    const c = cloneData(v);
    const d = structuredClone(v);
    expect(Object.keys(c)).toEqual(Object.keys(d));
    expect(c).toEqual(d);
    expect(c).not.toBe(v);
    const arr = c.a as Record<string, unknown>[];
    expect(arr[0]).toBe(arr[1]);
    expect(arr[0]).not.toBe(shared);
    expect(c.self).toBe(c);
    expect([...(c.m as Map<unknown, unknown>).keys()][0]).toBe(arr[0]);
    expect([...(c.s as Set<unknown>)][0]).toBe(arr[0]);
    expect(Object.is(((c.m as Map<unknown, number[]>).get(arr[0]) ?? [])[1], -0)).toBe(true);
    expect('u' in (arr[2] as object)).toBe(true);
  });

  it('falls back to structuredClone for anything else (a class instance becomes a plain object, a Date a Date)', () => {
    class Point {
      constructor(public x: number) {}
    }
    const v = { p: new Point(1), d: new Date(5), sparse: [1, , 3] };
    const c = cloneData(v);
    expect(Object.getPrototypeOf(c.p)).toBe(Object.prototype);
    expect(c.p).toEqual({ x: 1 });
    expect(c.d).toBeInstanceOf(Date);
    expect(1 in c.sparse).toBe(false);
    expect(() => cloneData({ f: () => 1 })).toThrow();
  });

  it('property: equals structuredClone on JSON-like data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(cloneData(v)).toEqual(structuredClone(v));
      }),
      { numRuns: 300 },
    );
  });
});

describe('durable logs (the append output)', () => {
  it('keeps records in order across chunks; a prefix is a log of its own', () => {
    const l = new DurableLog();
    for (let i = 0; i < 1300; i++) l.append(i);
    const p = l.prefix(700);
    for (let i = 1300; i < 1400; i++) l.append(i);
    p.append('x');
    expect(l.records()).toEqual(Array.from({ length: 1400 }, (_, i) => i));
    expect(p.records()).toEqual([...Array.from({ length: 700 }, (_, i) => i), 'x']);
    const q = l.prefix(1024);
    q.append('y');
    expect(q.records().slice(1020)).toEqual([1020, 1021, 1022, 1023, 'y']);
    expect(l.records()[1024]).toBe(1024);
  });

  it('survives a crash; a checkpoint restores the log as it was then', () => {
    // Appends its tick count every 1 ms; init reports how many records it found.
    const model: Model<{ n: number; found: number }> = {
      type: 'logger',
      init: (persisted) => ({ n: 0, found: logRecords(persisted, 'log').length }),
      step(s, input) {
        if (input.type === 'start') return { state: s, outputs: [{ type: 'timer', name: 't', afterUs: 1000 }] };
        s.n++;
        return { state: s, outputs: [{ type: 'append', key: 'log', value: s.n }, { type: 'timer', name: 't', afterUs: 1000 }] };
      },
    };
    const k = new Kernel({ seed: 1, epochMs: 0 });
    k.addHost({ name: 'h', ip: '10.0.0.1', role: 'x' });
    const id = k.spawn('h', 'p', model);
    k.runUntil(600_500);
    const cp = k.snapshot();
    k.runUntil(900_500);
    expect(logRecords(k.process(id).persisted, 'log')).toHaveLength(900);
    k.input({ atUs: k.now, type: 'fault', fault: { kind: 'kill', target: id } });
    k.input({ atUs: k.now, type: 'fault', fault: { kind: 'restart', target: id } });
    k.runUntil(k.now + 1);
    expect(k.processState<{ found: number }>(id).found).toBe(900);
    k.restore(cp);
    expect(logRecords(k.process(id).persisted, 'log')).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    k.runUntil(700_500);
    expect(logRecords(k.process(id).persisted, 'log')).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
    // The checkpoint still restores to 600, after the restored run appended past it.
    k.restore(cp);
    expect(logRecords(k.process(id).persisted, 'log')).toHaveLength(600);
  });
});
