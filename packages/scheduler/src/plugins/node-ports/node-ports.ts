/**
 * NodePorts, after pkg/scheduler/framework/plugins/nodeports/node_ports.go at v1.33: PreFilter
 * collects the pod's host ports (Skip when none); Filter rejects a node where one is taken
 * (Unschedulable, `node(s) didn't have free ports for the requested pod ports`), host IP 0.0.0.0
 * conflicting with every IP for the same protocol and port.
 */
import type { Pod } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult } from '../../framework/interface';
import { hostPortsOf, newStatus, SKIP, type CycleState, type HostPort, type NodeInfo, type Status } from '../../framework/types';

export const Name = 'NodePorts';
export const ErrReason = "node(s) didn't have free ports for the requested pod ports";
const preFilterStateKey = 'PreFilter' + Name;

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = Name;
  preFilter(state: CycleState, pod: Pod): { result: PreFilterResult | null; status: Status | null } {
    const ports = hostPortsOf(pod);
    if (ports.length === 0) return { result: null, status: SKIP };
    state.write(preFilterStateKey, ports);
    return { result: null, status: null };
  }
  filter(state: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    const ports = state.read<HostPort[]>(preFilterStateKey) ?? hostPortsOf(pod);
    for (const p of ports) if (ni.usedPorts.checkConflict(p.ip, p.protocol, p.port)) return newStatus('Unschedulable', ErrReason);
    return null;
  }
}
