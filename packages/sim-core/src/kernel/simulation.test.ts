import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation';
import { seconds } from './time';

describe('Simulation (tower-fleet)', () => {
  it('same seed → same trace hash; another seed → another hash', () => {
    const a = new Simulation('tower-fleet', { seed: 7 });
    const b = new Simulation('tower-fleet', { seed: 7 });
    const c = new Simulation('tower-fleet', { seed: 8 });
    for (const s of [a, b, c]) s.runUntil(seconds(30));
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.traceHash()).not.toBe(c.traceHash());
  });

  it('unknown scenario names the name and the known ones', () => {
    expect(() => new Simulation('tower-fleat', { seed: 1 })).toThrow('unknown scenario "tower-fleat" (known: tower-fleet');
  });

  it('kubelets renew their node leases every ~10 s (JitterUntil, factor 0.04) through the apiserver into etcd', () => {
    const s = new Simulation('tower-fleet', { seed: 3 });
    s.runUntil(seconds(60));
    const renewals = s.trace.entries.filter((e) => e.type === 'note' && e.kind === 'lease.renewed' && e.from === 'k3s-worker-1/kubelet');
    expect(renewals.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < renewals.length; i++) {
      const gapS = (renewals[i]!.t - renewals[i - 1]!.t) / 1e6;
      expect(gapS).toBeGreaterThanOrEqual(10);
      expect(gapS).toBeLessThan(10.45);
    }
    // leader-election leases: every 2 s
    const sched = s.trace.entries.filter((e) => e.type === 'note' && e.kind === 'lease.renewed' && e.from === 'k3s-master/kube-scheduler');
    expect(sched.length).toBeGreaterThanOrEqual(28);
  });

  it('property: seek(t) then run to the end equals a straight run (hash and trace)', () => {
    const end = seconds(40);
    const straight = new Simulation('tower-fleet', { seed: 11, checkpointEveryUs: seconds(5) });
    straight.runUntil(end);
    const want = straight.traceHash();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: end }), fc.integer({ min: 0, max: end }), (t1, t2) => {
        const s = new Simulation('tower-fleet', { seed: 11, checkpointEveryUs: seconds(5) });
        s.runUntil(Math.max(t1, t2));
        s.seek(Math.min(t1, t2));
        expect(s.now).toBe(Math.min(t1, t2));
        s.runUntil(end);
        expect(s.traceHash()).toBe(want);
        expect(s.trace.length).toBe(straight.trace.length);
      }),
      { numRuns: 12 },
    );
  });

  it('seek back restores component state exactly as it was at that time', () => {
    const s = new Simulation('tower-fleet', { seed: 2 });
    s.runUntil(seconds(12));
    const stateAt12 = JSON.stringify(s.kernel.state.processes['k3s-master/kube-scheduler']!.state);
    const lenAt12 = s.trace.length;
    s.runUntil(seconds(33));
    s.seek(seconds(12));
    expect(JSON.stringify(s.kernel.state.processes['k3s-master/kube-scheduler']!.state)).toBe(stateAt12);
    expect(s.trace.length).toBe(lenAt12);
  });

  it('an intervention added in the past forks the run: same as if it had been there from the start, except for same-instant order', () => {
    const kill = { atUs: seconds(7) + 1, type: 'fault' as const, fault: { kind: 'kill' as const, target: 'k3s-worker-2/kubelet' } };
    const planned = new Simulation('tower-fleet', { seed: 5, inputs: [kill] });
    planned.runUntil(seconds(30));
    const forked = new Simulation('tower-fleet', { seed: 5 });
    forked.runUntil(seconds(30));
    forked.addInput(kill);
    expect(forked.now).toBe(seconds(30));
    expect(forked.traceHash()).toBe(planned.traceHash());
    expect(forked.kernel.process('k3s-worker-2/kubelet').status).toBe('crashed');
  });
});
