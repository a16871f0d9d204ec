import { describe, expect, it } from 'vitest';
import { runFlow } from '@kubelab/sim-core';
import { buildTimeline, currentStep, inFlight, nextStop, prevStop } from './timeline';

const run = runFlow('kubectl-get-pods', { seed: 3 });
const from = run.commandAtMs * 1000 - 200;
const tl = buildTimeline(run.sim.trace.entries, 'kubectl-get-pods', from, run.simulatedMs * 1000);

describe('timeline', () => {
  it('has the seven steps and every message of the window with send before delivery', () => {
    expect(tl.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(tl.flights.length).toBeGreaterThan(8);
    for (const f of tl.flights) expect(f.sentUs).toBeLessThanOrEqual(f.endUs);
  });

  it('the current step is the last one reached', () => {
    expect(currentStep(tl, from)).toBe(0);
    expect(currentStep(tl, tl.steps[3]!.tUs)).toBe(4);
    expect(currentStep(tl, tl.endUs)).toBe(7);
  });

  it('stepping visits each step in order, and back', () => {
    let t = tl.startUs;
    const fwd: number[] = [];
    for (let i = 0; i < 7; i++) {
      t = nextStop(tl, t);
      fwd.push(currentStep(tl, t));
    }
    expect(fwd).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(currentStep(tl, prevStop(tl, t))).toBe(6);
    expect(prevStop(tl, tl.steps[0]!.tUs)).toBe(tl.startUs);
  });

  it('the etcd range request is in flight between step 4 and step 5', () => {
    const mid = (tl.steps[3]!.tUs + tl.steps[4]!.tUs) / 2;
    expect(inFlight(tl, mid).map((x) => x.flight.kind)).toContain('etcdserverpb.KV/Range');
    for (const { progress } of inFlight(tl, mid)) expect(progress).toBeGreaterThanOrEqual(0);
  });
});
