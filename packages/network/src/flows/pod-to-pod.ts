/**
 * Models: the seed's Example 3 — the nginx pod (10.42.1.5, k3s-worker-1) calls
 * http://api.default.svc.cluster.local, whose pod is 10.42.2.8 on k3s-worker-2 — as thirteen steps
 * with the seed's numbering and the real data attached: the resolver's queries and CoreDNS's answer,
 * every iptables rule the packets hit on both nodes, the route/neigh/fdb entries flannel installed,
 * and the exact bytes of the DNS query, on the pod veth, on the underlay (VXLAN) and at the api pod, as
 * pcap records.
 * Follows: the components it composes (see their headers); the TCP SYN and SYN-ACK as Linux sends
 * them (net/ipv4/tcp_output.c: tcp_options_write — MSS, SACK_PERM+TS, NOP+WS; tcp_select_initial_window
 * — window and window scale; ip_build_and_send_pkt — SYN-ACK IP ID 0 with DF). test/vxlan-netns.test.ts
 * compares the four frames with a real kernel's.
 * Leaves out: the DNS responses' bytes and the queries after the first (step 2 carries the first A
 * query as glibc's resolver sends it, the search-list tries, the answer and the rules the query hits;
 * a real getaddrinfo also asks AAAA), the rest of the TCP/HTTP
 * exchange after the SYN / SYN-ACK. The seed's step 2 says DNS "returns 10.43.0.10"; 10.43.0.10 is
 * the DNS server (kube-dns) — the answer is the api Service's ClusterIP, and that is what we show.
 * Seeded: client ephemeral port, TCP ISNs and timestamps, IP IDs, statistic draws, and the two
 * sockets' txhash (the nginx pod's connecting socket for the SYN, the api pod's request sock for the
 * SYN-ACK) from which flannel.1 derives each VXLAN packet's outer source port: a TCP packet carries its
 * socket's hash across the veth, so the two directions get unrelated ports (measured by
 * test/vxlan-flow-hash.test.ts).
 */
import type { RandomSource } from '../rand';
import { resolvConf, resolve, k3sSystemServices, type DnsAnswer } from '../dns/coredns';
import { DNS_TYPE_A, encodeDnsQuery } from '../dns/dns-wire';
import { encodeUdp } from '../packet/udp';
import { k3sProxierConfig, Proxier } from '../iptables/proxier';
import { k3sNodeRuleset } from '../iptables/node-rules';
import { Conntrack, walkPacket, type Hit, type WalkResult } from '../iptables/netfilter-walk';
import type { EndpointSlice, Service } from '../iptables/objects';
import { put32, toHex } from '../packet/bytes';
import { encodeEthernet, ETH_P_IP } from '../packet/ethernet';
import { encodeIPv4, IPPROTO_TCP, IPPROTO_UDP } from '../packet/ipv4';
import { encodeTcp, TCP_ACK, TCP_SYN } from '../packet/tcp';
import { writePcap, type PcapRecord } from '../packet/pcap';
import { decapsulate, encapsulate, udpFlowSrcPort } from '../vxlan/vxlan-encap';
import { seededTxhash } from '../vxlan/flow-hash';
import { lookupRoute, remoteEntries, towerFleetFlannelNodes, type FlannelEntry, type FlannelNode } from '../vxlan/vxlan-network';

export interface FlowStep {
  step: number;
  title: string;
  node: string;
  component: string;
  /** simulated microseconds since the curl started */
  atUs: number;
  hits?: Hit[];
  dns?: { resolvConf: string; tried: DnsAnswer[]; answer: DnsAnswer; queryWalk: Hit[]; dnsDnat?: { ip: string; port: number } };
  route?: string;
  flannel?: FlannelEntry[];
  dnat?: { ip: string; port: number };
  conntrack?: string;
  /** frame bytes in hex where the step puts one on a wire */
  frameHex?: string;
  innerFrameHex?: string;
  seeded?: Record<string, number>;
}

export const TOWER_FLEET_EXAMPLE3 = {
  clientPod: { name: 'nginx', namespace: 'default', ip: '10.42.1.5', node: 'k3s-worker-1', mac: '0a:58:0a:2a:01:05' },
  serverPod: { name: 'api', namespace: 'default', ip: '10.42.2.8', node: 'k3s-worker-2', mac: '0a:58:0a:2a:02:08', port: 8080 },
  coreDnsPod: { ip: '10.42.0.3', node: 'k3s-master' },
  /** cni0's MAC on each node (the bridge takes a fixed MAC in this model) */
  cni0Mac: { 'k3s-master': '0a:58:0a:2a:00:01', 'k3s-worker-1': '0a:58:0a:2a:01:01', 'k3s-worker-2': '0a:58:0a:2a:02:01' } as Record<string, string>,
  apiClusterIP: '10.43.38.112',
};

export function example3Objects(): { services: Service[]; slices: EndpointSlice[] } {
  const e = TOWER_FLEET_EXAMPLE3;
  const services: Service[] = [
    ...k3sSystemServices(),
    { metadata: { namespace: 'default', name: 'api' }, spec: { type: 'ClusterIP', clusterIP: e.apiClusterIP, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'api' } } },
  ];
  const slices: EndpointSlice[] = [
    { metadata: { namespace: 'default', name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.89.97.201'] }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    { metadata: { namespace: 'kube-system', name: 'kube-dns-x', labels: { 'kubernetes.io/service-name': 'kube-dns' } }, addressType: 'IPv4', endpoints: [{ addresses: [e.coreDnsPod.ip], nodeName: e.coreDnsPod.node }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }] },
    { metadata: { namespace: 'default', name: 'api-x', labels: { 'kubernetes.io/service-name': 'api' } }, addressType: 'IPv4', endpoints: [{ addresses: [e.serverPod.ip], nodeName: e.serverPod.node }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
  ];
  return { services, slices };
}

/** The TCP options Linux puts in a SYN: MSS, SACK permitted, timestamps, NOP, window scale 7. */
export function linuxSynOptions(mss: number, tsval: number, tsecr = 0, wscale = 7): Uint8Array {
  const o = new Uint8Array(20);
  o.set([2, 4, mss >> 8, mss & 255, 4, 2, 8, 10], 0);
  put32(o, 8, tsval);
  put32(o, 12, tsecr);
  o.set([1, 3, 3, wscale], 16);
  return o;
}

/**
 * tcp_select_initial_window (net/ipv4/tcp_output.c): the receive window a SYN or SYN-ACK advertises
 * (never scaled: at most 65535) is the initial receive space rounded down to a multiple of the MSS
 * the window is counted in (for a SYN-ACK with timestamps, the MSS less the 12 option bytes); the
 * window scale is ilog2(max(tcp_rmem[2], rmem_max)) - 15, clamped to 0…14.
 */
export function linuxInitialWindow(mss: number, space = LINUX_INITIAL_RCV_SPACE): number {
  return Math.min(space > mss ? space - (space % mss) : space, 0xffff);
}
export function linuxWindowScale(tcpRmemMax = LINUX_TCP_RMEM_MAX, rmemMax = LINUX_RMEM_MAX): number {
  const space = Math.max(tcpRmemMax, rmemMax);
  return Math.max(0, Math.min(14, Math.floor(Math.log2(space)) - 15));
}
/** tcp_win_from_space(tcp_rmem[1] = 131072): the initial receive space of a fresh socket. */
export const LINUX_INITIAL_RCV_SPACE = 65536;
/** net.ipv4.tcp_rmem[2]: 6 MiB since Linux 4.20, what k3s hosts usually run; recent kernels use 32 MiB (window scale 10). */
export const LINUX_TCP_RMEM_MAX = 6291456;
/** net.core.rmem_max default */
export const LINUX_RMEM_MAX = 212992;
/** TCPOLEN_TSTAMP_ALIGNED */
const TS_OPTION_BYTES = 12;

/** The node kernel's settings the flow's bytes depend on. */
export interface Example3Kernel {
  /** net.ipv4.tcp_rmem[2] of the pods' network namespaces (decides the window scale option) */
  tcpRmemMax?: number;
  /** net.core.rmem_max */
  rmemMax?: number;
}

export interface PodToPodResult {
  steps: FlowStep[];
  pcap: Uint8Array;
  records: PcapRecord[];
  restoreText: Record<string, string>;
}

/**
 * The values a real kernel draws at random for Example 3. podToPod draws each from the seeded stream
 * unless it is given here — the real-kernel test passes the values it read from real frames, so the
 * flow's bytes can be compared with the kernel's byte for byte.
 */
export interface Example3Seeded {
  /** the first DNS query: source port, DNS message ID, IP ID */
  dnsSourcePort: number;
  dnsId: number;
  dnsIpId: number;
  /** the SYN: client ephemeral port, ISN, TSval, IP ID */
  sourcePort: number;
  isn: number;
  tsval: number;
  ipId: number;
  /** the SYN's VXLAN packet: outer UDP source port (else derived from the client socket's seeded txhash) and IP ID */
  udpSourcePort: number;
  outerIpId: number;
  /** the SYN-ACK: ISN and TSval of the api pod, its VXLAN packet's outer UDP source port and IP ID */
  replyIsn: number;
  replyTsval: number;
  replyUdpSourcePort: number;
  replyOuterIpId: number;
}

export function podToPod(rng: RandomSource, fixed: Partial<Example3Seeded> = {}, kernel: Example3Kernel = {}): PodToPodResult {
  const e = TOWER_FLEET_EXAMPLE3;
  const nodes = towerFleetFlannelNodes();
  const node = (n: string) => nodes.find((x) => x.name === n)!;
  const w1 = node('k3s-worker-1');
  const w2 = node('k3s-worker-2');
  const { services, slices } = example3Objects();
  const restoreText: Record<string, string> = {};
  const rules = (n: FlannelNode) => {
    const text = new Proxier(k3sProxierConfig(n.name, n.publicIP)).sync(services, slices).text;
    restoreText[n.name] = text;
    return k3sNodeRuleset(text, { clusterCidr: '10.42.0.0/16', podCidr: n.podCIDR });
  };
  const rs1 = rules(w1);
  const rs2 = rules(w2);
  const ct1 = new Conntrack();
  const ct2 = new Conntrack();
  // LOCAL addresses for -m addrtype: node IP, flannel.1 (10.42.X.0), cni0 (10.42.X.1), loopback
  const local = (n: FlannelNode) => [n.publicIP, n.podCIDR.split('/')[0]!, n.podCIDR.replace(/\.0\/24$/, '.1'), '127.0.0.1'];
  const ctx1 = { localAddresses: local(w1), outAddress: w1.publicIP, rng, conntrack: ct1 };
  const ctx2 = { localAddresses: local(w2), outAddress: w2.publicIP, rng, conntrack: ct2 };
  const steps: FlowStep[] = [];
  const records: PcapRecord[] = [];
  let t = 0;

  // 1. curl in the nginx pod
  steps.push({ step: 1, title: 'curl http://api.default.svc.cluster.local', node: w1.name, component: 'nginx pod', atUs: t });

  // 2. DNS: the resolver's search list, a UDP query to kube-dns (10.43.0.10) DNATed to CoreDNS
  t += 120;
  const dns = resolve('api.default.svc.cluster.local', e.clientPod.namespace, services, slices);
  const dnsPort = fixed.dnsSourcePort ?? rng.int(32768, 60999);
  const dnsId = fixed.dnsId ?? rng.int(0, 0xffff);
  const dnsIpId = fixed.dnsIpId ?? rng.int(0, 0xffff);
  const dnsWalk = walkPacket(rs1, { src: e.clientPod.ip, srcPort: dnsPort, dst: '10.43.0.10', dstPort: 53, proto: 'udp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx1);
  // the first query on the wire: ndots:5 makes the resolver try the first search suffix first
  const query = encodeDnsQuery({ id: dnsId, name: dns.tried[0]!.query, qtype: DNS_TYPE_A });
  const dnsFrame = encodeEthernet({ dst: e.cni0Mac[w1.name]!, src: e.clientPod.mac, etherType: ETH_P_IP, payload: encodeIPv4({ tos: 0, id: dnsIpId, df: true, ttl: 64, protocol: IPPROTO_UDP, src: e.clientPod.ip, dst: '10.43.0.10', payload: encodeUdp({ srcPort: dnsPort, dstPort: 53, payload: query }, e.clientPod.ip, '10.43.0.10') }) });
  records.push({ timeUs: t, frame: dnsFrame });
  steps.push({ step: 2, title: `DNS query to 10.43.0.10 (kube-dns) → A ${dns.answer.answers[0]?.ip ?? 'NXDOMAIN'}`, node: w1.name, component: 'CoreDNS', atUs: t, dns: { resolvConf: resolvConf(e.clientPod.namespace), tried: dns.tried, answer: dns.answer, queryWalk: dnsWalk.hits, ...(dnsWalk.dnat ? { dnsDnat: dnsWalk.dnat } : {}) }, frameHex: toHex(dnsFrame), seeded: { dnsSourcePort: dnsPort, dnsId, dnsIpId } });
  const svcIP = dns.answer.answers[0]!.ip;

  // 3. TCP SYN to the Service IP, as the pod's kernel sends it (TTL 64, DF, MSS = 1450 - 40)
  t += 900;
  const sport = fixed.sourcePort ?? rng.int(32768, 60999);
  const isn = fixed.isn ?? rng.int(0, 0xffff) * 0x10000 + rng.int(0, 0xffff);
  const tsval = fixed.tsval ?? rng.int(0, 0xffff) * 0x10000 + rng.int(0, 0xffff);
  const ipId = fixed.ipId ?? rng.int(0, 0xffff);
  const mss = 1450 - 40;
  const wscale = linuxWindowScale(kernel.tcpRmemMax, kernel.rmemMax);
  const synTcp = (dst: string, dport: number) => encodeTcp({ srcPort: sport, dstPort: dport, seq: isn, ack: 0, flags: TCP_SYN, window: linuxInitialWindow(mss), options: linuxSynOptions(mss, tsval, 0, wscale), payload: new Uint8Array(0) }, e.clientPod.ip, dst);
  const synIp = (dst: string, dport: number, ttl: number) => encodeIPv4({ tos: 0, id: ipId, df: true, ttl, protocol: IPPROTO_TCP, src: e.clientPod.ip, dst, payload: synTcp(dst, dport) });
  const podFrame = encodeEthernet({ dst: e.cni0Mac[w1.name]!, src: e.clientPod.mac, etherType: ETH_P_IP, payload: synIp(svcIP, 80, 64) });
  records.push({ timeUs: t, frame: podFrame });
  steps.push({ step: 3, title: `send SYN to ${svcIP}:80`, node: w1.name, component: 'nginx pod eth0', atUs: t, frameHex: toHex(podFrame), seeded: { sourcePort: sport, isn, tsval, ipId } });

  // 4-6. netfilter on worker-1: PREROUTING (DNAT), FORWARD, POSTROUTING
  t += 15;
  const walk: WalkResult = walkPacket(rs1, { src: e.clientPod.ip, srcPort: sport, dst: svcIP, dstPort: 80, proto: 'tcp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx1);
  const pre = walk.hits.filter((h) => h.table === 'nat' && (h.chain === 'PREROUTING' || h.chain === 'KUBE-SERVICES'));
  const lb = walk.hits.filter((h) => h.chain.startsWith('KUBE-SVC-') || h.chain.startsWith('KUBE-SEP-'));
  steps.push({ step: 4, title: `kube-proxy's rules intercept ${svcIP}:80`, node: w1.name, component: 'kube-proxy (iptables)', atUs: t, hits: pre });
  steps.push({ step: 5, title: `load balance → ${walk.dnat?.ip}:${walk.dnat?.port}`, node: w1.name, component: 'kube-proxy (iptables)', atUs: t, hits: lb, ...(walk.dnat ? { dnat: walk.dnat } : {}), conntrack: walk.conntrack ? Conntrack.format(walk.conntrack) : '' });
  const dst = walk.packet.dst;
  const route = lookupRoute(w1, nodes, dst)!;
  const remote = route.remote!;
  const entries = remoteEntries(w1, remote);
  steps.push({ step: 6, title: `${dst} is on ${remote.name}: route via flannel.1`, node: w1.name, component: 'kernel routing', atUs: t, route: entries[2]!.text, hits: walk.hits.filter((h) => h.table === 'filter' || h.chain.includes('POSTR')) });

  // 7. flannel.1 encapsulates: inner frame to the remote VtepMAC, TTL decremented by forwarding
  t += 10;
  const inner = encodeEthernet({ dst: remote.vtepMac, src: w1.vtepMac, etherType: ETH_P_IP, payload: synIp(dst, walk.packet.dstPort, 63) });
  // the SYN carries the nginx socket's sk_txhash (set at connect) into worker-1's namespace
  const txhash = seededTxhash(rng);
  const udpSourcePort = fixed.udpSourcePort ?? udpFlowSrcPort(txhash);
  const outerIpId = fixed.outerIpId ?? rng.int(0, 0xffff);
  const outer = encapsulate({ vni: 1, srcVtep: w1.publicIP, dstVtep: remote.publicIP, srcMac: w1.nicMac!, dstMac: remote.nicMac!, inner, udpSrcPort: udpSourcePort, ipId: outerIpId });
  steps.push({ step: 7, title: `VXLAN encapsulation ${w1.publicIP} → ${remote.publicIP} (VNI 1, UDP 8472)`, node: w1.name, component: 'flannel.1 (vxlan)', atUs: t, flannel: entries, innerFrameHex: toHex(inner), frameHex: toHex(outer), seeded: { ...(fixed.udpSourcePort === undefined ? { txhash } : {}), udpSourcePort, outerIpId } });

  // 8. on the node network
  t += 40;
  records.push({ timeUs: t, frame: outer });
  steps.push({ step: 8, title: `over the node network ${w1.publicIP} → ${remote.publicIP}`, node: w1.name, component: 'eth0 / node network', atUs: t, frameHex: toHex(outer) });

  // 9. worker-2 receives UDP 8472: the outer packet meets the node's INPUT rules
  t += 5;
  const d = decapsulate(outer);
  const inWalk = walkPacket(rs2, { src: d.outer.src, srcPort: d.outer.srcPort, dst: d.outer.dst, dstPort: 8472, proto: 'udp' }, ['PREROUTING', 'INPUT'], ctx2);
  steps.push({ step: 9, title: 'receive the VXLAN packet on UDP 8472', node: w2.name, component: 'eth0 → vxlan socket', atUs: t, hits: inWalk.hits });

  // 10. de-encapsulate
  steps.push({ step: 10, title: `de-encapsulate (VNI ${d.vni}) onto flannel.1`, node: w2.name, component: 'flannel.1 (vxlan)', atUs: t, innerFrameHex: toHex(d.inner) });

  // 11. route to the pod over cni0; the inner packet's own netfilter walk on worker-2
  t += 10;
  const walk2 = walkPacket(rs2, { src: e.clientPod.ip, srcPort: sport, dst, dstPort: walk.packet.dstPort, proto: 'tcp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx2);
  steps.push({ step: 11, title: `route ${dst} via cni0`, node: w2.name, component: 'kernel routing / cni0', atUs: t, route: `${w2.podCIDR} dev cni0 proto kernel scope link src ${w2.podCIDR.replace(/\.0\/24$/, '.1')}`, hits: walk2.hits });

  // 12. the api pod receives the SYN (TTL 62 after two forwarding hops)
  t += 5;
  const atPod = encodeEthernet({ dst: e.serverPod.mac, src: e.cni0Mac[w2.name]!, etherType: ETH_P_IP, payload: synIp(dst, walk.packet.dstPort, 62) });
  records.push({ timeUs: t, frame: atPod });
  steps.push({ step: 12, title: `api pod receives the request on ${dst}:${walk.packet.dstPort}`, node: w2.name, component: 'api pod eth0', atUs: t, frameHex: toHex(atPod) });

  // 13. the reply: SYN-ACK from the api pod; on worker-1 conntrack rewrites the source back to the Service IP
  t += 60;
  const isn2 = fixed.replyIsn ?? rng.int(0, 0xffff) * 0x10000 + rng.int(0, 0xffff);
  const ts2 = fixed.replyTsval ?? rng.int(0, 0xffff) * 0x10000 + rng.int(0, 0xffff);
  const ipId2 = 0; // Linux sends SYN-ACKs with IP ID 0 when DF is set
  const synAck = encodeTcp({ srcPort: walk.packet.dstPort, dstPort: sport, seq: isn2, ack: (isn + 1) >>> 0, flags: TCP_SYN | TCP_ACK, window: linuxInitialWindow(mss - TS_OPTION_BYTES), options: linuxSynOptions(mss, ts2, tsval, wscale), payload: new Uint8Array(0) }, dst, e.clientPod.ip);
  const replyInner = encodeEthernet({ dst: w1.vtepMac, src: w2.vtepMac, etherType: ETH_P_IP, payload: encodeIPv4({ tos: 0, id: ipId2, df: true, ttl: 63, protocol: IPPROTO_TCP, src: dst, dst: e.clientPod.ip, payload: synAck }) });
  walkPacket(rs2, { src: dst, srcPort: walk.packet.dstPort, dst: e.clientPod.ip, dstPort: sport, proto: 'tcp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx2);
  // the SYN-ACK carries the api pod's request sock txhash (tcp_conn_request: net_tx_rndhash)
  const replyTxhash = seededTxhash(rng);
  const replyUdpSourcePort = fixed.replyUdpSourcePort ?? udpFlowSrcPort(replyTxhash);
  const replyOuterIpId = fixed.replyOuterIpId ?? rng.int(0, 0xffff);
  const replyOuter = encapsulate({ vni: 1, srcVtep: w2.publicIP, dstVtep: w1.publicIP, srcMac: w2.nicMac!, dstMac: w1.nicMac!, inner: replyInner, udpSrcPort: replyUdpSourcePort, ipId: replyOuterIpId });
  records.push({ timeUs: t, frame: replyOuter });
  const back = walkPacket(rs1, { src: dst, srcPort: walk.packet.dstPort, dst: e.clientPod.ip, dstPort: sport, proto: 'tcp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx1);
  steps.push({ step: 13, title: `api replies; conntrack on ${w1.name} rewrites the source to ${back.packet.src}:${back.packet.srcPort}`, node: w2.name, component: 'api pod → conntrack', atUs: t, hits: back.hits, conntrack: back.conntrack ? Conntrack.format(back.conntrack) : '', frameHex: toHex(replyOuter), seeded: { isn: isn2, tsval: ts2, ...(fixed.replyUdpSourcePort === undefined ? { txhash: replyTxhash } : {}), udpSourcePort: replyUdpSourcePort, outerIpId: replyOuterIpId } });

  return { steps, pcap: writePcap(records), records, restoreText };
}

