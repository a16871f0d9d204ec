/**
 * NodeUnschedulable, after pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go
 * at v1.33: a cordoned node (`spec.unschedulable: true`) rejects the pod, UnschedulableAndUnresolvable,
 * unless the pod tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint.
 *
 * Left out: queueing hints.
 */
import type { Pod } from '../../api/types';
import type { FilterPlugin } from '../../framework/interface';
import { newStatus, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { tolerationsTolerateTaint } from '../../util/taints';

export const Name = 'NodeUnschedulable';
export const ErrReasonUnschedulable = 'node(s) were unschedulable';

const unschedulableTaint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin {
  readonly name = Name;
  filter(_s: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    if (!ni.unschedulable) return null;
    if (tolerationsTolerateTaint(pod.spec.tolerations, unschedulableTaint)) return null;
    return newStatus('UnschedulableAndUnresolvable', ErrReasonUnschedulable);
  }
}
