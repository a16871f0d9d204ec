/**
 * Placing a list of pods one at a time, and comparing two such runs ("what if").
 *
 * No single upstream file: the loop follows pkg/scheduler/schedule_one.go (ScheduleOne, then
 * `assume`, which adds the pod to the cache before binding) and the queue order of
 * framework/plugins/queuesort/priority_sort.go.
 *
 * `placePods` is kube-scheduler's loop reduced to what a what-if needs: the pending pods are
 * ordered as the PrioritySort queue pops them (higher `spec.priority` first, then the order
 * given), each goes through one scheduling cycle, and a pod that got a node is assumed on it
 * (added to the cache as the scheduler's AssumePod does) before the next cycle. An
 * unschedulable pod gets no retry (there is no backoff queue or cluster event to wake it).
 *
 * `whatIf` runs the same pods with the same seed against two variants (cluster edits and/or a
 * different KubeSchedulerConfiguration) and reports which pods moved, with both explanations.
 */
import type { Pod } from './api/types';
import { ClusterSnapshot, type ClusterObjects } from './framework/snapshot';
import { podKey } from './framework/types';
import { createScheduler, type Rand, type ScheduleResult, type Scheduler } from './schedule-one';
import type { KubeSchedulerConfiguration } from './framework/config';

export interface Placement {
  pod: string;
  node: string | null;
  result: ScheduleResult;
}

/** PrioritySort's order: priority descending, then arrival order. */
export function queueOrder(pods: readonly Pod[]): Pod[] {
  return pods
    .map((pod, seq) => ({ pod, seq }))
    .sort((a, b) => (b.pod.spec.priority ?? 0) - (a.pod.spec.priority ?? 0) || a.seq - b.seq)
    .map((x) => x.pod);
}

export function placePods(scheduler: Scheduler, cluster: ClusterObjects, pods: readonly Pod[], rand: Rand): Placement[] {
  const snapshot = new ClusterSnapshot(cluster);
  const out: Placement[] = [];
  for (const pod of queueOrder([...pods, ...snapshot.pendingPods.filter((p) => !pods.includes(p))])) {
    const result = scheduler.schedulePod(snapshot, pod, rand);
    if (result.selected) snapshot.addPod({ ...pod, spec: { ...pod.spec, nodeName: result.selected } });
    out.push({ pod: podKey(pod), node: result.selected, result });
  }
  return out;
}

export interface Variant {
  cluster: ClusterObjects;
  pods: Pod[];
  config?: KubeSchedulerConfiguration | string | null;
}

export interface WhatIfReport {
  moved: { pod: string; base: string | null; variant: string | null; baseResult: ScheduleResult; variantResult: ScheduleResult }[];
  unchanged: { pod: string; node: string | null }[];
  base: Placement[];
  variant: Placement[];
}

export function whatIf(base: Variant, variant: Variant, makeRand: () => Rand): WhatIfReport {
  const a = placePods(createScheduler(base.config), base.cluster, base.pods, makeRand());
  const b = placePods(createScheduler(variant.config), variant.cluster, variant.pods, makeRand());
  const byPod = new Map(b.map((p) => [p.pod, p]));
  const moved: WhatIfReport['moved'] = [];
  const unchanged: WhatIfReport['unchanged'] = [];
  for (const p of a) {
    const q = byPod.get(p.pod);
    if (!q) continue;
    if (p.node !== q.node) moved.push({ pod: p.pod, base: p.node, variant: q.node, baseResult: p.result, variantResult: q.result });
    else unchanged.push({ pod: p.pod, node: p.node });
  }
  return { moved, unchanged, base: a, variant: b };
}

/**
 * A small seeded generator for callers without one (the CLI, tests): splitmix32 state, and
 * Intn by rejection so every value in [0, n) is equally likely. Not Go's math/rand stream.
 */
export function seededRand(seed: number): Rand {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    intn(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`invalid argument to Intn: ${n}`);
      const limit = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const v = next();
        if (v < limit) return v % n;
      }
    },
  };
}
