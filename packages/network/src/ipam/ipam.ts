/**
 * Models: the cluster's three address spaces as k3s sets them up — node network (given), pod
 * network (--cluster-cidr 10.42.0.0/16, one /24 per node in registration order, cni0 = .1, pods
 * from .2 by host-local), service network (--service-cidr 10.43.0.0/16; `kubernetes` = first IP,
 * kube-dns = 10.43.0.10 from --cluster-dns).
 * Follows: kubernetes pkg/controller/nodeipam/ipam/cidrset/cidr_set.go, pkg/registry/core/service/
 * ipallocator/bitmap.go (GetIndexedIP), containernetworking/plugins plugins/ipam/host-local
 * (range_set/allocator: gateway first, then next free after the last reserved, wrap).
 * Leaves out: IPv6, the ipallocator's random pick for dynamic ClusterIPs (we take the lowest free
 * address above the static block, deterministic), host-local's on-disk last-reserved file.
 */
import { FieldError } from '../errors';
import { CidrSet, cidrContains, cidrsOverlap, intToIp, ipToInt, parseCidr, parseIPv4, type Cidr } from './cidr-set';

export interface IpamConfig {
  nodeNetwork: string;
  clusterCidr: string;
  serviceCidr: string;
  nodeCidrMaskSize?: number;
  clusterDns?: string;
}

export const TOWER_FLEET_IPAM: IpamConfig = {
  nodeNetwork: '10.89.97.0/24',
  clusterCidr: '10.42.0.0/16',
  serviceCidr: '10.43.0.0/16',
  nodeCidrMaskSize: 24,
  clusterDns: '10.43.0.10',
};

interface NodeLease {
  name: string;
  nodeIP: string;
  podCidr: Cidr;
  /** host-local: the last address handed out (next allocation starts after it) */
  lastReserved: number;
  used: Map<number, string>;
}

export class Ipam {
  readonly nodeNetwork: Cidr;
  readonly clusterCidr: Cidr;
  readonly serviceCidr: Cidr;
  private nodeCidrs: CidrSet;
  private nodes = new Map<string, NodeLease>();
  private nodeIPs = new Map<number, string>();
  private serviceIPs = new Map<number, string>();

  constructor(cfg: IpamConfig = TOWER_FLEET_IPAM) {
    this.nodeNetwork = parseCidr(cfg.nodeNetwork, 'nodeNetwork');
    this.clusterCidr = parseCidr(cfg.clusterCidr, 'clusterCIDR');
    this.serviceCidr = parseCidr(cfg.serviceCidr, 'serviceCIDR');
    const pairs: [string, Cidr, string, Cidr][] = [
      ['clusterCIDR', this.clusterCidr, 'serviceCIDR', this.serviceCidr],
      ['clusterCIDR', this.clusterCidr, 'nodeNetwork', this.nodeNetwork],
      ['serviceCIDR', this.serviceCidr, 'nodeNetwork', this.nodeNetwork],
    ];
    for (const [fa, a, fb, b] of pairs) {
      if (cidrsOverlap(a, b)) throw new FieldError(fa, a.text, `must not overlap with ${fb} ${b.text}`);
    }
    this.nodeCidrs = new CidrSet(cfg.clusterCidr, cfg.nodeCidrMaskSize ?? 24, 'clusterCIDR');
    // kubernetes Service: GetIndexedIP(serviceCIDR, 1)
    this.allocateServiceIP('default/kubernetes', intToIp(this.serviceCidr.base + 1));
    if (cfg.clusterDns) this.allocateServiceIP('kube-system/kube-dns', cfg.clusterDns);
  }

  /** Registers a node (in registration order) and allocates its pod /24. */
  registerNode(name: string, nodeIP: string): { podCIDR: string; cni0: string } {
    if (this.nodes.has(name)) throw new FieldError('metadata.name', name, 'node is already registered', 'Duplicate value');
    const ip = ipToInt(parseIPv4(nodeIP, 'status.addresses[InternalIP]'));
    if (!cidrContains(this.nodeNetwork, ip)) throw new FieldError('status.addresses[InternalIP]', nodeIP, `must be inside the node network ${this.nodeNetwork.text}`);
    const holder = this.nodeIPs.get(ip);
    if (holder) throw new FieldError('status.addresses[InternalIP]', nodeIP, `already used by node ${holder}`, 'Duplicate value');
    const podCidr = this.nodeCidrs.allocateNext();
    this.nodeIPs.set(ip, name);
    const lease: NodeLease = { name, nodeIP, podCidr, lastReserved: podCidr.base + 1, used: new Map([[podCidr.base + 1, 'cni0']]) };
    this.nodes.set(name, lease);
    return { podCIDR: podCidr.text, cni0: intToIp(podCidr.base + 1) };
  }

  podCidr(node: string): string {
    return this.lease(node).podCidr.text;
  }

  private lease(node: string): NodeLease {
    const l = this.nodes.get(node);
    if (!l) throw new FieldError('spec.nodeName', node, 'node is not registered');
    return l;
  }

  /**
   * host-local: the next free address after the last one reserved, skipping the network address,
   * the gateway (.1) and the broadcast address; wraps around. `want` requests a specific address.
   */
  allocatePodIP(node: string, owner: string, want?: string): string {
    const l = this.lease(node);
    const size = 2 ** (32 - l.podCidr.prefix);
    const first = l.podCidr.base + 2;
    const last = l.podCidr.base + size - 2;
    if (want !== undefined) {
      const ip = ipToInt(parseIPv4(want, 'status.podIP'));
      if (!cidrContains(l.podCidr, ip) || ip < first || ip > last) throw new FieldError('status.podIP', want, `must be a usable address in node ${node}'s podCIDR ${l.podCidr.text}`);
      const h = l.used.get(ip);
      if (h) throw new FieldError('status.podIP', want, `already allocated to ${h}`, 'Duplicate value');
      l.used.set(ip, owner);
      l.lastReserved = ip;
      return want;
    }
    for (let k = 1; k <= last - first + 1; k++) {
      let ip = l.lastReserved + k;
      if (ip > last) ip = first + ((ip - first) % (last - first + 1));
      if (!l.used.has(ip)) {
        l.used.set(ip, owner);
        l.lastReserved = ip;
        return intToIp(ip);
      }
    }
    throw new FieldError('status.podIP', l.podCidr.text, `no IP addresses available in range set: ${intToIp(first)}-${intToIp(last)}`);
  }

  releasePodIP(node: string, ip: string): void {
    this.lease(node).used.delete(ipToInt(parseIPv4(ip, 'status.podIP')));
  }

  /** ClusterIP: a requested one (checked) or the lowest free one. */
  allocateServiceIP(owner: string, want?: string): string {
    const broadcast = this.serviceCidr.base + 2 ** (32 - this.serviceCidr.prefix) - 1;
    if (want !== undefined) {
      const ip = ipToInt(parseIPv4(want, 'spec.clusterIP'));
      if (!cidrContains(this.serviceCidr, ip)) throw new FieldError('spec.clusterIP', want, `provided IP is not in the valid range. The range of valid IPs is ${this.serviceCidr.text}`);
      if (ip === this.serviceCidr.base || ip === broadcast) throw new FieldError('spec.clusterIP', want, `provided IP is not in the valid range. The range of valid IPs is ${this.serviceCidr.text}`);
      if (this.serviceIPs.has(ip)) throw new FieldError('spec.clusterIP', want, 'provided IP is already allocated');
      this.serviceIPs.set(ip, owner);
      return want;
    }
    for (let ip = this.serviceCidr.base + 1; ip < broadcast; ip++) {
      if (!this.serviceIPs.has(ip)) {
        this.serviceIPs.set(ip, owner);
        return intToIp(ip);
      }
    }
    throw new FieldError('spec.clusterIP', this.serviceCidr.text, 'range is full');
  }

  releaseServiceIP(ip: string): void {
    this.serviceIPs.delete(ipToInt(parseIPv4(ip, 'spec.clusterIP')));
  }

  nodes_(): { name: string; nodeIP: string; podCIDR: string }[] {
    return [...this.nodes.values()].map((l) => ({ name: l.name, nodeIP: l.nodeIP, podCIDR: l.podCidr.text }));
  }
}

/** The seed's Tower Fleet: master, worker-1, worker-2 registered in that order. */
export function towerFleetIpam(): Ipam {
  const ipam = new Ipam(TOWER_FLEET_IPAM);
  ipam.registerNode('k3s-master', '10.89.97.201');
  ipam.registerNode('k3s-worker-1', '10.89.97.202');
  ipam.registerNode('k3s-worker-2', '10.89.97.203');
  return ipam;
}
