/**
 * Models: flannel's vxlan backend as embedded in k3s: the node's lease (its spec.podCIDR), the node
 * annotations flannel writes, the flannel.1 device, and for each remote node the neigh, fdb and
 * route entries in the order flannel installs them; plus subnet.env and the masquerade/forward
 * rules of flannel's iptables traffic manager.
 * Follows: flannel-io/flannel pkg/backend/vxlan/vxlan.go (newSubnetAttrs, defaultVNI = 1,
 * "flannel.%d"), vxlan_network.go (handleSubnetEvents: AddARP, AddFDB, then RouteReplace with
 * onlink), device.go (MTU = external MTU - 50, address lease/32, learning off), pkg/subnet/kube/
 * annotations.go, pkg/trafficmngr/iptables/iptables.go (masqRules, forwardRules), k3s
 * pkg/agent/flannel/flannel.go and setup.go.
 * Leaves out: IPv6 (flannel-v6.1), DirectRouting, GBP, the random VtepMAC draw (it is an input:
 * the simulation draws it from a seeded stream), lease renewal timers.
 */
import { FieldError } from '../errors';
import type { RandomSource } from '../rand';
import { formatMac, parseMac } from '../packet/bytes';
import { intToIp, ipToInt, parseCidr, parseIPv4 } from '../ipam/cidr-set';
import { VXLAN_OVERHEAD, VXLAN_PORT_LINUX } from './vxlan-encap';

export const ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';

export interface FlannelNode {
  name: string;
  /** the node IP flannel uses as its public IP / VTEP */
  publicIP: string;
  podCIDR: string;
  vtepMac: string;
  /** underlay NIC MAC (eth0), used for the outer Ethernet header */
  nicMac?: string;
  vni?: number;
  externalMtu?: number;
}

/** A random locally administered unicast MAC, as flannel (and the kernel's eth_random_addr) draws one. */
export function randomVtepMac(rng: RandomSource): string {
  const b = new Uint8Array(6);
  for (let i = 0; i < 6; i++) b[i] = rng.int(0, 255);
  b[0] = (b[0]! & 0xfe) | 0x02;
  return formatMac(b);
}

/** The annotations flannel's kube subnet manager patches onto the Node. */
export function nodeAnnotations(n: FlannelNode): Record<string, string> {
  parseMac(n.vtepMac, 'VtepMAC');
  parseIPv4(n.publicIP, `${ANNOTATION_PREFIX}/public-ip`);
  return {
    [`${ANNOTATION_PREFIX}/backend-data`]: JSON.stringify({ VNI: n.vni ?? 1, VtepMAC: n.vtepMac.toLowerCase() }),
    [`${ANNOTATION_PREFIX}/backend-type`]: 'vxlan',
    [`${ANNOTATION_PREFIX}/kube-subnet-manager`]: 'true',
    [`${ANNOTATION_PREFIX}/public-ip`]: n.publicIP,
  };
}

/** Reads a Node's flannel annotations back (as a remote node's flannel does), with field errors. */
export function parseNodeAnnotations(name: string, podCIDR: string, annotations: Record<string, string>): FlannelNode {
  const raw = annotations[`${ANNOTATION_PREFIX}/backend-data`];
  if (raw === undefined) throw new FieldError(`metadata.annotations[${ANNOTATION_PREFIX}/backend-data]`, '', '', 'Required value');
  let data: { VNI?: unknown; VtepMAC?: unknown };
  try {
    data = JSON.parse(raw);
  } catch {
    throw new FieldError(`metadata.annotations[${ANNOTATION_PREFIX}/backend-data]`, raw, 'must be JSON like {"VNI":1,"VtepMAC":"aa:bb:cc:dd:ee:ff"}');
  }
  const mac = String(data.VtepMAC ?? '');
  parseMac(mac, `metadata.annotations[${ANNOTATION_PREFIX}/backend-data].VtepMAC`);
  const publicIP = annotations[`${ANNOTATION_PREFIX}/public-ip`] ?? '';
  parseIPv4(publicIP, `metadata.annotations[${ANNOTATION_PREFIX}/public-ip]`);
  parseCidr(podCIDR, 'spec.podCIDR');
  return { name, publicIP, podCIDR, vtepMac: mac, vni: Number(data.VNI ?? 1) };
}

export interface VxlanDevice {
  name: string;
  vni: number;
  port: number;
  mtu: number;
  local: string;
  address: string;
  mac: string;
  learning: false;
}

export function flannelDevice(n: FlannelNode): VxlanDevice {
  const vni = n.vni ?? 1;
  const c = parseCidr(n.podCIDR, 'spec.podCIDR');
  return { name: `flannel.${vni}`, vni, port: VXLAN_PORT_LINUX, mtu: (n.externalMtu ?? 1500) - VXLAN_OVERHEAD, local: n.publicIP, address: `${intToIp(c.base)}/32`, mac: n.vtepMac, learning: false };
}

export type FlannelEntry =
  | { kind: 'neigh'; ip: string; lladdr: string; dev: string; state: 'PERMANENT'; text: string }
  | { kind: 'fdb'; mac: string; dst: string; dev: string; text: string }
  | { kind: 'route'; dst: string; via: string; dev: string; onlink: true; text: string };

/** handleSubnetEvents(EventAdded) for one remote node: ARP, FDB, then the route last. */
export function remoteEntries(local: FlannelNode, remote: FlannelNode): FlannelEntry[] {
  const dev = `flannel.${local.vni ?? 1}`;
  const sn = parseCidr(remote.podCIDR, 'spec.podCIDR');
  const gw = intToIp(sn.base);
  const mac = remote.vtepMac.toLowerCase();
  return [
    { kind: 'neigh', ip: gw, lladdr: mac, dev, state: 'PERMANENT', text: `${gw} dev ${dev} lladdr ${mac} PERMANENT` },
    { kind: 'fdb', mac, dst: remote.publicIP, dev, text: `${mac} dev ${dev} dst ${remote.publicIP} self permanent` },
    { kind: 'route', dst: sn.text, via: gw, dev, onlink: true, text: `${sn.text} via ${gw} dev ${dev} onlink` },
  ];
}

/** Every node's view: its own flannel.1 plus entries for each other node, in event order. */
export function flannelTopology(nodes: FlannelNode[]): { node: string; device: VxlanDevice; cni0: string; entries: FlannelEntry[]; subnetEnv: string }[] {
  return nodes.map((n) => {
    const c = parseCidr(n.podCIDR, 'spec.podCIDR');
    return {
      node: n.name,
      device: flannelDevice(n),
      cni0: `${intToIp(c.base + 1)}/${c.prefix}`,
      entries: nodes.filter((r) => r.name !== n.name).flatMap((r) => remoteEntries(n, r)),
      subnetEnv: subnetEnv('10.42.0.0/16', n.podCIDR, (n.externalMtu ?? 1500) - VXLAN_OVERHEAD),
    };
  });
}

/** k3s WriteSubnetFile. */
export function subnetEnv(network: string, podCIDR: string, mtu: number): string {
  const c = parseCidr(podCIDR, 'spec.podCIDR');
  return `FLANNEL_NETWORK=${network}\nFLANNEL_SUBNET=${intToIp(c.base + 1)}/${c.prefix}\nFLANNEL_MTU=${mtu}\nFLANNEL_IPMASQ=true\n`;
}

/** The route lookup a node does for a pod destination: local cni0, a remote flannel route, or none. */
export function lookupRoute(local: FlannelNode, nodes: FlannelNode[], dst: string): { via: 'cni0' | 'flannel.1'; remote?: FlannelNode } | null {
  const d = ipToInt(parseIPv4(dst, 'dst'));
  const contains = (cidr: string) => {
    const c = parseCidr(cidr, 'spec.podCIDR');
    return ((d & ((0xffffffff << (32 - c.prefix)) >>> 0)) >>> 0) === c.base;
  };
  if (contains(local.podCIDR)) return { via: 'cni0' };
  const remote = nodes.find((n) => n.name !== local.name && contains(n.podCIDR));
  return remote ? { via: 'flannel.1', remote } : null;
}

/** trafficmngr/iptables masqRules (IPv4), as table/chain/rule rows, `--random-fully` when supported. */
export function flannelMasqRules(clusterCidr: string, podCidr: string, randomFully = true): { table: 'nat'; chain: string; rule: string }[] {
  const rf = randomFully ? ' --random-fully' : '';
  const c = '-m comment --comment "flanneld masq"';
  return [
    { table: 'nat', chain: 'POSTROUTING', rule: `${c} -j FLANNEL-POSTRTG` },
    { table: 'nat', chain: 'FLANNEL-POSTRTG', rule: `-m mark --mark 0x4000/0x4000 ${c} -j RETURN` },
    { table: 'nat', chain: 'FLANNEL-POSTRTG', rule: `-s ${podCidr} -d ${clusterCidr} ${c} -j RETURN` },
    { table: 'nat', chain: 'FLANNEL-POSTRTG', rule: `-s ${clusterCidr} -d ${podCidr} ${c} -j RETURN` },
    { table: 'nat', chain: 'FLANNEL-POSTRTG', rule: `! -s ${clusterCidr} -d ${podCidr} ${c} -j RETURN` },
    { table: 'nat', chain: 'FLANNEL-POSTRTG', rule: `-s ${clusterCidr} ! -d 224.0.0.0/4 ${c} -j MASQUERADE${rf}` },
    { table: 'nat', chain: 'FLANNEL-POSTRTG', rule: `! -s ${clusterCidr} -d ${clusterCidr} ${c} -j MASQUERADE${rf}` },
  ];
}

export function flannelForwardRules(clusterCidr: string): { table: 'filter'; chain: string; rule: string }[] {
  const c = '-m comment --comment "flanneld forward"';
  return [
    { table: 'filter', chain: 'FORWARD', rule: `${c} -j FLANNEL-FWD` },
    { table: 'filter', chain: 'FLANNEL-FWD', rule: `-s ${clusterCidr} ${c} -j ACCEPT` },
    { table: 'filter', chain: 'FLANNEL-FWD', rule: `-d ${clusterCidr} ${c} -j ACCEPT` },
  ];
}

/** The seed's nodes with fixed, documented VtepMACs/NIC MACs (a simulation draws them from its seed). */
export function towerFleetFlannelNodes(): FlannelNode[] {
  return [
    { name: 'k3s-master', publicIP: '10.89.97.201', podCIDR: '10.42.0.0/24', vtepMac: '2e:6b:1a:00:00:c9', nicMac: '52:54:00:61:97:c9' },
    { name: 'k3s-worker-1', publicIP: '10.89.97.202', podCIDR: '10.42.1.0/24', vtepMac: '2e:6b:1a:00:00:ca', nicMac: '52:54:00:61:97:ca' },
    { name: 'k3s-worker-2', publicIP: '10.89.97.203', podCIDR: '10.42.2.0/24', vtepMac: '2e:6b:1a:00:00:cb', nicMac: '52:54:00:61:97:cb' },
  ];
}
