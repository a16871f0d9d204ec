/**
 * Models: the whole iptables state of a k3s node that a packet meets: kube-proxy's payload, the
 * jump rules kube-proxy ensures in the built-in chains (EnsureRule Prepend: each is inserted at
 * position 1, so on a fresh node the last one ensured is first), and flannel's masquerade and
 * forward rules (appended).
 * Follows: kubernetes pkg/proxy/iptables/proxier.go (iptablesJumpChains), flannel
 * pkg/trafficmngr/iptables/iptables.go.
 * Leaves out: k3s's network-policy controller chains (KUBE-ROUTER-*), kubelet's KUBE-KUBELET-CANARY,
 * and any rules the host adds itself.
 */
import { flannelForwardRules, flannelMasqRules } from '../vxlan/vxlan-network';
import { buildRuleset, type Ruleset } from './netfilter-walk';
import { jumpRules } from './proxier';

export function k3sNodeRuleset(proxyRestoreText: string, opts: { clusterCidr: string; podCidr: string; randomFully?: boolean }): Ruleset {
  const extra = [
    ...jumpRules().map((j) => ({ ...j, position: 'prepend' as const })),
    ...flannelMasqRules(opts.clusterCidr, opts.podCidr, opts.randomFully ?? true).map((r) => ({ ...r, position: 'append' as const })),
    ...flannelForwardRules(opts.clusterCidr).map((r) => ({ ...r, position: 'append' as const })),
  ];
  return buildRuleset(proxyRestoreText, extra);
}
