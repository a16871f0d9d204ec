/**
 * Models: what a Linux vxlan device (flannel.1) puts on the underlay for one inner frame, and how
 * the receiving node takes it apart.
 * Follows: linux drivers/net/vxlan/vxlan_core.c (vxlan_xmit_one, vxlan_build_skb, vxlan_rcv),
 * include/net/udp.h (udp_flow_src_port), include/net/inet_ecn.h (INET_ECN_encapsulate),
 * net/ipv4/udp_tunnel_core.c (udp_tunnel_xmit_skb: UDP checksum computed unless
 * VXLAN_F_UDP_ZERO_CSUM_TX, which flannel never sets); RFC 7348 for the header.
 * Leaves out: the flow hash itself (skb_get_hash is keyed with a per-boot random secret, so the
 * outer source port cannot be reproduced; we take the 32-bit hash as a seeded parameter and apply
 * the kernel's formula), the IP ID generator (ip_select_ident, also keyed: a seeded parameter),
 * GBP, IPv6 underlay, offloads.
 */
import { FieldError } from '../errors';
import type { RandomSource } from '../rand';
import { concat, parseIp4, parseMac, put16, u16, u32 } from '../packet/bytes';
import { decodeEthernet, encodeEthernet, ETH_P_IP } from '../packet/ethernet';
import { decodeIPv4, encodeIPv4, IPPROTO_UDP } from '../packet/ipv4';
import { decodeUdp, encodeUdp } from '../packet/udp';

export const VXLAN_PORT_LINUX = 8472;
export const VXLAN_HEADER_LEN = 8;
/** outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
export const VXLAN_OVERHEAD = 50;
/** net.ipv4.ip_local_port_range default "32768 60999"; udp_flow_src_port uses [low, high+1). */
export const LOCAL_PORT_RANGE = { min: 32768, max: 61000 };

/**
 * udp_flow_src_port: hash ^= hash << 16; port = ((u64)hash * (max - min)) >> 32) + min.
 * `hash` is the inner flow's skb hash (a 32-bit value the kernel derives with a secret key).
 */
export function udpFlowSrcPort(hash: number, min = LOCAL_PORT_RANGE.min, max = LOCAL_PORT_RANGE.max): number {
  let h = hash >>> 0;
  h = (h ^ (h << 16)) >>> 0;
  return Number((BigInt(h) * BigInt(max - min)) >> 32n) + min;
}

/** INET_ECN_encapsulate: the outer TOS keeps its DSCP and takes the inner ECN bits (CE becomes ECT(0)). */
export function ecnEncapsulate(outerTos: number, innerTos: number): number {
  const inner = innerTos & 3;
  return (outerTos & ~3) | (inner === 3 ? 2 : inner);
}

export function vxlanHeader(vni: number): Uint8Array {
  if (!Number.isInteger(vni) || vni < 0 || vni > 0xffffff) throw new FieldError('vni', vni, 'must be between 0 and 16777215, inclusive');
  const h = new Uint8Array(8);
  h[0] = 0x08;
  h[4] = (vni >>> 16) & 255;
  h[5] = (vni >>> 8) & 255;
  h[6] = vni & 255;
  return h;
}

export interface EncapParams {
  vni: number;
  /** local node IP (flannel.1's `local`) and the remote VTEP (from the fdb entry) */
  srcVtep: string;
  dstVtep: string;
  /** underlay MACs: local NIC and the next hop (the remote node's NIC on a flat L2 network) */
  srcMac: string;
  dstMac: string;
  /** the inner Ethernet frame (dst = remote VtepMAC, src = local flannel.1 MAC) */
  inner: Uint8Array;
  /** seeded: the outer UDP source port, or the flow hash it is derived from */
  udpSrcPort?: number;
  flowHash?: number;
  /** seeded: the outer IPv4 identification */
  ipId: number;
  dstPort?: number;
  ttl?: number;
  tos?: number;
}

export function encapsulate(p: EncapParams): Uint8Array {
  parseIp4(p.srcVtep, 'srcVtep');
  parseIp4(p.dstVtep, 'dstVtep');
  parseMac(p.srcMac, 'srcMac');
  parseMac(p.dstMac, 'dstMac');
  if (p.inner.length < 14) throw new FieldError('inner', p.inner.length, 'inner frame shorter than an Ethernet header');
  const srcPort = p.udpSrcPort ?? (p.flowHash !== undefined ? udpFlowSrcPort(p.flowHash) : undefined);
  if (srcPort === undefined) throw new FieldError('udpSrcPort', '', 'either udpSrcPort or flowHash is required', 'Required value');
  let innerTos = 0;
  if (u16(p.inner, 12) === ETH_P_IP && p.inner.length >= 16) innerTos = p.inner[15]!;
  const payload = concat(vxlanHeader(p.vni), p.inner);
  const udp = encodeUdp({ srcPort, dstPort: p.dstPort ?? VXLAN_PORT_LINUX, payload }, p.srcVtep, p.dstVtep);
  const ip = encodeIPv4({ tos: ecnEncapsulate(p.tos ?? 0, innerTos), id: p.ipId, df: false, ttl: p.ttl ?? 64, protocol: IPPROTO_UDP, src: p.srcVtep, dst: p.dstVtep, payload: udp });
  return encodeEthernet({ dst: p.dstMac, src: p.srcMac, etherType: ETH_P_IP, payload: ip });
}

/** Seeded draws for the two fields a real kernel randomises. */
export function seededEncapFields(rng: RandomSource): { flowHash: number; ipId: number } {
  const hi = rng.int(0, 0xffff);
  const lo = rng.int(0, 0xffff);
  return { flowHash: ((hi << 16) | lo) >>> 0, ipId: rng.int(0, 0xffff) };
}

export interface Decapsulated {
  outer: { srcMac: string; dstMac: string; src: string; dst: string; ttl: number; tos: number; id: number; df: boolean; srcPort: number; dstPort: number; ipChecksumValid: boolean; udpChecksumValid: boolean };
  vni: number;
  inner: Uint8Array;
}

export function decapsulate(frame: Uint8Array, opts: { port?: number } = {}): Decapsulated {
  const eth = decodeEthernet(frame);
  if (eth.etherType !== ETH_P_IP) throw new FieldError('ethernet.etherType', '0x' + eth.etherType.toString(16), 'not IPv4');
  const ip = decodeIPv4(eth.payload);
  if (ip.protocol !== IPPROTO_UDP) throw new FieldError('ipv4.protocol', ip.protocol, 'not UDP');
  const udp = decodeUdp(ip.payload, ip.src, ip.dst);
  if (udp.dstPort !== (opts.port ?? VXLAN_PORT_LINUX)) throw new FieldError('udp.dstPort', udp.dstPort, `not the VXLAN port ${opts.port ?? VXLAN_PORT_LINUX}`);
  const v = udp.payload;
  if (v.length < 8 || (v[0]! & 0x08) === 0) throw new FieldError('vxlan.flags', v[0] ?? 0, 'the I flag (VNI valid) is not set');
  const vni = u32(v, 4) >>> 8;
  return {
    outer: { srcMac: eth.src, dstMac: eth.dst, src: ip.src, dst: ip.dst, ttl: ip.ttl, tos: ip.tos, id: ip.id, df: ip.df, srcPort: udp.srcPort, dstPort: udp.dstPort, ipChecksumValid: ip.headerValid, udpChecksumValid: udp.checksumValid },
    vni,
    inner: v.subarray(8),
  };
}

/** Overwrite the seeded fields (outer IP ID, UDP source port) so a real frame can be compared with the model's. */
export function maskSeededFields(frame: Uint8Array): Uint8Array {
  const f = frame.slice();
  put16(f, 14 + 4, 0); // IP ID
  put16(f, 14 + 10, 0); // IP checksum (depends on the ID)
  put16(f, 34, 0); // UDP source port
  put16(f, 34 + 6, 0); // UDP checksum (depends on the source port)
  return f;
}
