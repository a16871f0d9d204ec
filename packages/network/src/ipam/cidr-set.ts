/**
 * Models: kube-controller-manager's node IPAM range allocator (allocate-node-cidrs=true), which
 * gives each Node a spec.podCIDR carved from --cluster-cidr, and the apiserver's service ClusterIP
 * allocator, plus the CNI host-local IPAM that hands pods their addresses inside a node's /24.
 * Follows: kubernetes pkg/controller/nodeipam/ipam/cidrset/cidr_set.go (AllocateNext: bitmap scan
 * from nextCandidate, wrap-around), pkg/registry/core/service/ipallocator (GetIndexedIP), and
 * containernetworking/plugins host-local (gateway .1, then .2, .3, …).
 * Leaves out: IPv6 and dual stack, the ipallocator's random offset for dynamically allocated
 * ClusterIPs (callers choose or we hand out the lowest free address), ServiceCIDR objects.
 */
import ipaddr from 'ipaddr.js';
import { FieldError } from '../errors';

export type IPv4 = ipaddr.IPv4;

export function ipToInt(ip: IPv4): number {
  const o = ip.octets;
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

export function intToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses a dotted-quad IPv4 address strictly (no octal, no short forms), naming the field on error. */
export function parseIPv4(value: string, field: string): IPv4 {
  if (typeof value !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(value) || !ipaddr.IPv4.isValidFourPartDecimal(value)) {
    throw new FieldError(field, value, 'must be a valid IPv4 address, (e.g. 10.9.8.7)');
  }
  return ipaddr.IPv4.parse(value);
}

export interface Cidr {
  /** network address as an unsigned 32-bit integer */
  base: number;
  prefix: number;
  /** canonical text, e.g. 10.42.1.0/24 */
  text: string;
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** Parses a CIDR; the address must be the network address (as the apiserver requires for podCIDR). */
export function parseCidr(value: string, field: string, opts: { allowHostBits?: boolean } = {}): Cidr {
  const m = typeof value === 'string' ? /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(value) : null;
  if (!m || !ipaddr.IPv4.isValidFourPartDecimal(m[1]!) || Number(m[2]) > 32) {
    throw new FieldError(field, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
  }
  const prefix = Number(m[2]);
  const addr = ipToInt(ipaddr.IPv4.parse(m[1]!));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const base = (addr & mask) >>> 0;
  if (base !== addr && !opts.allowHostBits) {
    throw new FieldError(field, value, `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64) with no host bits set; did you mean ${intToIp(base)}/${prefix}?`);
  }
  return { base, prefix, text: `${intToIp(base)}/${prefix}` };
}

export function cidrContains(c: Cidr, ip: number): boolean {
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  return ((ip & mask) >>> 0) === c.base;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}

/** cidr_set.go: subdivides a cluster CIDR into fixed-size node CIDRs, allocating in order. */
export class CidrSet {
  readonly cluster: Cidr;
  readonly nodeMaskSize: number;
  readonly maxCidrs: number;
  private used = new Set<number>();
  private nextCandidate = 0;

  constructor(clusterCidr: string, nodeMaskSize = 24, field = 'clusterCIDR') {
    this.cluster = parseCidr(clusterCidr, field);
    if (nodeMaskSize < this.cluster.prefix || nodeMaskSize > 32) {
      throw new FieldError('nodeCIDRMaskSize', nodeMaskSize, `must be between the cluster CIDR's prefix length (${this.cluster.prefix}) and 32`);
    }
    // cidr_set.go refuses more than 2^16 sub-ranges (clusterSubnetMaxDiff = 16).
    if (nodeMaskSize - this.cluster.prefix > 16) {
      throw new FieldError('nodeCIDRMaskSize', nodeMaskSize, `must be at most 16 bits longer than the cluster CIDR's prefix (${this.cluster.prefix})`);
    }
    this.nodeMaskSize = nodeMaskSize;
    this.maxCidrs = 2 ** (nodeMaskSize - this.cluster.prefix);
  }

  private at(i: number): Cidr {
    const base = (this.cluster.base + i * 2 ** (32 - this.nodeMaskSize)) >>> 0;
    return { base, prefix: this.nodeMaskSize, text: `${intToIp(base)}/${this.nodeMaskSize}` };
  }

  /** AllocateNext: the next free CIDR scanning from nextCandidate, wrapping around. */
  allocateNext(): Cidr {
    for (let k = 0; k < this.maxCidrs; k++) {
      const i = (this.nextCandidate + k) % this.maxCidrs;
      if (!this.used.has(i)) {
        this.used.add(i);
        this.nextCandidate = (i + 1) % this.maxCidrs;
        return this.at(i);
      }
    }
    throw new FieldError('spec.podCIDR', this.cluster.text, 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
  }

  /** Occupy: marks an existing node CIDR as used (e.g. a Node that already has spec.podCIDR). */
  occupy(cidr: string, field = 'spec.podCIDR'): Cidr {
    const c = parseCidr(cidr, field);
    if (c.prefix !== this.nodeMaskSize || !cidrContains(this.cluster, c.base)) {
      throw new FieldError(field, cidr, `must be a /${this.nodeMaskSize} inside the cluster CIDR ${this.cluster.text}`);
    }
    const i = (c.base - this.cluster.base) / 2 ** (32 - this.nodeMaskSize);
    if (this.used.has(i)) throw new FieldError(field, cidr, 'is already allocated to another node');
    this.used.add(i);
    return c;
  }

  release(cidr: string): void {
    const c = parseCidr(cidr, 'spec.podCIDR');
    this.used.delete((c.base - this.cluster.base) / 2 ** (32 - this.nodeMaskSize));
  }
}
