/**
 * @kubelab/network: the cluster's network to the byte — IPAM, kube-proxy's iptables rules and the
 * netfilter walk, flannel's VXLAN, packet codecs and pcap, CoreDNS. Pure: objects in, rules and
 * bytes out; randomness comes in as a RandomSource.
 */
export * from './errors';
export * from './rand';
export * from './ipam/cidr-set';
export * from './ipam/ipam';
export * from './iptables/chain-names';
export * from './iptables/objects';
export * from './iptables/proxier';
export * from './iptables/sort-rules';
export * from './iptables/netfilter-walk';
export * from './iptables/node-rules';
export * from './iptables/kernel-tables';
export * from './vxlan/vxlan-encap';
export * from './vxlan/flow-hash';
export * from './vxlan/siphash';
export * from './vxlan/vxlan-network';
export * from './packet/bytes';
export * from './packet/checksum';
export * from './packet/ethernet';
export * from './packet/ipv4';
export * from './packet/udp';
export * from './packet/tcp';
export * from './packet/icmp';
export * from './packet/pcap';
export * from './dns/coredns';
export * from './dns/dns-wire';
export * from './flows/pod-to-pod';
export * from './testing-rng';
