/**
 * NodeName, after pkg/scheduler/framework/plugins/nodename/node_name.go at v1.33: a pod with
 * `spec.nodeName` set fits only that node (UnschedulableAndUnresolvable elsewhere).
 */
import type { Pod } from '../../api/types';
import type { FilterPlugin } from '../../framework/interface';
import { newStatus, type CycleState, type NodeInfo, type Status } from '../../framework/types';

export const Name = 'NodeName';
export const ErrReason = "node(s) didn't match the requested node name";

export function fits(pod: Pod, ni: NodeInfo): boolean {
  return !pod.spec.nodeName || pod.spec.nodeName === ni.name;
}

export class NodeName implements FilterPlugin {
  readonly name = Name;
  filter(_s: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    return fits(pod, ni) ? null : newStatus('UnschedulableAndUnresolvable', ErrReason);
  }
}
