/**
 * A node agent that is present in the topology but has no behaviour in the simulation yet
 * (kube-proxy, containerd, flannel in the skeleton). It starts, records that it runs, and
 * answers nothing: the network issue gives kube-proxy its iptables sync and the control-plane
 * issue gives containerd its CRI calls. Listed as such in docs/fidelity/.
 */
import type { Model } from '../kernel/model';

export interface AgentState {
  component: string;
  version: string;
}

export function makeIdleAgent(type: string, version: string): Model<AgentState> {
  return {
    type,
    init: () => ({ component: type, version }),
    step: (s, input) => ({ state: s, outputs: input.type === 'start' ? [{ type: 'note', kind: 'agent.running', data: { component: type, version } }] : [] }),
  };
}
