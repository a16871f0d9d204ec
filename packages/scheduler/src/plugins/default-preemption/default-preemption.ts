/**
 * DefaultPreemption's PostFilter, after pkg/scheduler/framework/plugins/defaultpreemption/
 * default_preemption.go and framework/preemption/preemption.go at v1.33, as a DRY RUN that only
 * produces upstream's message (and the node it would nominate):
 * - a pod with `preemptionPolicy: Never` is not eligible: `preemption: not eligible due to
 *   preemptionPolicy=Never.`
 * - only nodes whose filter status was Unschedulable (not UnschedulableAndUnresolvable) are
 *   candidates; without any, every node is `Preemption is not helpful for scheduling`;
 * - on a candidate node all lower-priority pods are removed; none → `No preemption victims found
 *   for incoming pod`; if the pod still does not fit, that filter's reason;
 * - the message is a FitError over all nodes prefixed `preemption: `.
 * When some node works, upstream nominates it and evicts victims; here the result names the
 * node (pickOneNodeForPreemption: lowest highest-victim priority, lowest priority sum, fewest
 * victims, then first) and the victims, and evicts nothing.
 *
 * Left out: PodDisruptionBudgets, the candidate sampling offset, reprieving victims, actual
 * eviction and the nominated-pod bookkeeping.
 */
import type { Pod } from '../../api/types';
import type { NodeToStatus, PostFilterPlugin } from '../../framework/interface';
import type { ClusterSnapshot } from '../../framework/snapshot';
import { fitErrorMessage } from '../../framework/fit-error';
import { newStatus, type CycleState, type NodeInfo, type Status } from '../../framework/types';

export const Name = 'DefaultPreemption';

export interface PreemptionCandidate {
  node: string;
  victims: string[];
}

const prio = (p: Pod) => p.spec.priority ?? 0;

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = Name;
  /** the candidate chosen by the last postFilter call (dry run), for explanations */
  lastCandidate: PreemptionCandidate | null = null;

  postFilter(_state: CycleState, pod: Pod, snapshot: ClusterSnapshot, m: NodeToStatus, runFilters: (pod: Pod, ni: NodeInfo) => Status | null): { nominatedNodeName?: string; status: Status } {
    this.lastCandidate = null;
    if (pod.spec.preemptionPolicy === 'Never') return { status: newStatus('Unschedulable', 'preemption: not eligible due to preemptionPolicy=Never.') };
    const allNodes = snapshot.list();
    const statusOf = (name: string) => m.statuses.get(name) ?? m.absent;
    const potential = allNodes.filter((n) => statusOf(n.name).code === 'Unschedulable');
    const statuses = new Map<string, Status>();
    const candidates: { node: string; victims: Pod[] }[] = [];
    for (const ni of potential) {
      const victims = ni.pods.filter((p) => prio(p.pod) < prio(pod)).map((p) => p.pod);
      if (victims.length === 0) {
        statuses.set(ni.name, newStatus('UnschedulableAndUnresolvable', 'No preemption victims found for incoming pod'));
        continue;
      }
      const removed = victims.map((v) => snapshot.removePod(`${v.metadata.namespace ?? 'default'}/${v.metadata.name ?? ''}`)!);
      const s = runFilters(pod, ni);
      for (const v of removed) snapshot.addPod(v, ni.name);
      if (s) statuses.set(ni.name, s);
      else candidates.push({ node: ni.name, victims });
    }
    if (candidates.length === 0) {
      const msg = fitErrorMessage(allNodes.length, {
        nodeToStatus: { statuses, absent: newStatus('UnschedulableAndUnresolvable', 'Preemption is not helpful for scheduling') },
        preFilterMsg: '',
        postFilterMsg: '',
        unschedulablePlugins: new Set(),
      });
      return { nominatedNodeName: '', status: newStatus('Unschedulable', `preemption: ${msg}`) };
    }
    const key = (c: { victims: Pod[] }) => [Math.max(...c.victims.map(prio)), c.victims.reduce((a, v) => a + prio(v), 0), c.victims.length];
    let best = candidates[0]!;
    for (const c of candidates.slice(1)) {
      const a = key(c);
      const b = key(best);
      if (a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! < b[2]!)))) best = c;
    }
    this.lastCandidate = { node: best.node, victims: best.victims.map((v) => `${v.metadata.namespace ?? 'default'}/${v.metadata.name}`).sort() };
    return { nominatedNodeName: best.node, status: newStatus('Success') };
  }
}
