/**
 * kube-controller-manager's node IPAM controller with the range allocator, as k3s runs it
 * (--allocate-node-cidrs, --cluster-cidr=10.42.0.0/16, --node-cidr-mask-size 24): every Node
 * without spec.podCIDR gets the next free /24 of the cluster CIDR, written as spec.podCIDR and
 * spec.podCIDRs; the /24s nodes already hold are marked used when the controller starts. The
 * allocator scans from `nextCandidate` (the index after the last one it gave out, wrapping), so a
 * /24 freed by a deleted node is handed out again only after the scan wraps. A full range gives
 * the event CIDRNotAvailable ("Node %s status is now: CIDRNotAvailable").
 *
 * Upstream (v1.33): pkg/controller/nodeipam/ipam/range_allocator.go (NewCIDRRangeAllocator:
 * occupyCIDRs for existing nodes; AllocateOrOccupyCIDR; updateCIDRsAllocation → PatchNodeCIDRs),
 * pkg/controller/nodeipam/ipam/cidrset/cidr_set.go (AllocateNext: nextCandidate, wrap, "CIDR
 * allocation failed; there are no remaining CIDRs left to allocate in the accepted range"),
 * pkg/util/node/node.go (PatchNodeCIDRs), k3s pkg/daemons/control/server.go (controller-manager
 * flags).
 * Leaves out: dual-stack (one IPv4 range), the allocator's worker queue and retries.
 */

export interface CidrSet {
  base: number;
  clusterMaskBits: number;
  subnetMaskBits: number;
  used: boolean[];
  nextCandidate: number;
}

export function newCidrSet(clusterCIDR: string, subnetMaskBits: number): CidrSet {
  const [addr, bits] = parseCIDR(clusterCIDR)!;
  const base = ipToInt(addr);
  return { base, clusterMaskBits: bits, subnetMaskBits, used: new Array(2 ** (subnetMaskBits - bits)).fill(false), nextCandidate: 0 };
}

/** An IPv4 CIDR as address and prefix length; null for anything else (IPv6 is not allocated here). */
function parseCIDR(cidr: string): [string, number] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || [1, 2, 3, 4].some((i) => Number(m[i]) > 255) || Number(m[5]) > 32) return null;
  return [`${m[1]}.${m[2]}.${m[3]}.${m[4]}`, Number(m[5])];
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function indexOf(set: CidrSet, cidr: string): number | undefined {
  const parsed = parseCIDR(cidr);
  if (!parsed || parsed[1] !== set.subnetMaskBits) return undefined;
  const off = ipToInt(parsed[0]) - set.base;
  const size = 2 ** (32 - set.subnetMaskBits);
  if (off < 0 || off % size !== 0 || off / size >= set.used.length) return undefined;
  return off / size;
}

/** Occupy: mark a node's existing podCIDR used (a CIDR outside the range is ignored). */
export function occupy(set: CidrSet, cidr: string): void {
  const i = indexOf(set, cidr);
  if (i !== undefined) set.used[i] = true;
}

export function release(set: CidrSet, cidr: string): void {
  const i = indexOf(set, cidr);
  if (i !== undefined) set.used[i] = false;
}

/** AllocateNext: the first free subnet from nextCandidate on, wrapping; null when none is left. */
export function allocateNext(set: CidrSet): string | null {
  const n = set.used.length;
  for (let k = 0; k < n; k++) {
    const i = (set.nextCandidate + k) % n;
    if (set.used[i]) continue;
    set.used[i] = true;
    set.nextCandidate = (i + 1) % n;
    return `${intToIp(set.base + i * 2 ** (32 - set.subnetMaskBits))}/${set.subnetMaskBits}`;
  }
  return null;
}

export const CIDR_EXHAUSTED = 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range';

/** The patch PatchNodeCIDRs sends (strategic merge, with the node's uid as a precondition). */
export function podCIDRPatch(uid: string | undefined, cidr: string): Record<string, unknown> {
  return { metadata: { ...(uid ? { uid } : {}) }, spec: { podCIDR: cidr, podCIDRs: [cidr] } };
}
