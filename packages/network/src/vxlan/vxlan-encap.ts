/**
 * Models: what a Linux vxlan device (flannel.1) puts on the underlay for one inner frame, and how
 * the receiving node takes it apart. The outer UDP source port is udp_flow_src_port over the
 * netns's ip_local_port_range (flannel sets no IFLA_VXLAN_PORT_RANGE: `srcport 0 0`) of the inner
 * packet's skb hash — its socket's sk_txhash, or the flow dissector's siphash keyed with the
 * boot-random hashrnd (./flow-hash.ts): both are seeded parameters, the rest is exact.
 * Follows: linux drivers/net/vxlan/vxlan_core.c (vxlan_xmit_one, vxlan_build_skb, vxlan_rcv),
 * include/net/udp.h (udp_flow_src_port), net/ipv4/inet_connection_sock.c
 * (inet_get_local_port_range), include/net/inet_ecn.h (INET_ECN_encapsulate),
 * net/ipv4/udp_tunnel_core.c (udp_tunnel_xmit_skb: UDP checksum computed unless
 * VXLAN_F_UDP_ZERO_CSUM_TX, which flannel never sets); RFC 7348 for the header.
 * Leaves out: the IP ID generator (ip_select_ident, keyed with another boot secret: a seeded
 * parameter), udp_flow_src_port's jhash-of-MACs fallback (unreachable: __skb_get_hash_net never
 * yields 0), GBP, IPv6 underlay, offloads.
 */
import { FieldError } from '../errors';
import type { RandomSource } from '../rand';
import { concat, parseIp4, parseMac, put16, u16, u32 } from '../packet/bytes';
import { decodeEthernet, encodeEthernet, ETH_P_IP } from '../packet/ethernet';
import { decodeIPv4, encodeIPv4, IPPROTO_UDP } from '../packet/ipv4';
import { decodeUdp, encodeUdp } from '../packet/udp';
import { skbGetHash, type Hashrnd } from './flow-hash';

export const VXLAN_PORT_LINUX = 8472;
export const VXLAN_HEADER_LEN = 8;
/** outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8 */
export const VXLAN_OVERHEAD = 50;
/**
 * net.ipv4.ip_local_port_range's default "32768 60999", as inet_get_local_port_range returns it.
 * udp_flow_src_port scales into [min, max): the high value itself is never chosen (measured by
 * test/vxlan-flow-hash.test.ts: with "40000 40002" the kernel only ever picks 40000 and 40001).
 */
export const LOCAL_PORT_RANGE = { min: 32768, max: 60999 };

/**
 * udp_flow_src_port: hash ^= hash << 16; port = ((u64)hash * (max - min)) >> 32) + min, with min and
 * max the two numbers of ip_local_port_range. `hash` is the inner packet's skb hash.
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
  /**
   * The outer UDP source port, in this order: `udpSrcPort` as given; else udp_flow_src_port of
   * `flowHash`, the skb hash the inner packet already carries (its socket's sk_txhash — see
   * seededTxhash); else of the flow dissector's hash of the inner frame keyed with `hashrnd`, the
   * sending node's boot secret (seededHashrnd).
   */
  udpSrcPort?: number;
  flowHash?: number;
  hashrnd?: Hashrnd;
  /** the sending node's ip_local_port_range (default 32768 60999) */
  portRange?: { min: number; max: number };
  /** seeded: the outer IPv4 identification */
  ipId: number;
  dstPort?: number;
  ttl?: number;
  tos?: number;
}

/** The outer UDP source port flannel.1 picks for `inner` (see EncapParams.udpSrcPort). */
export function vxlanSrcPort(p: Pick<EncapParams, 'inner' | 'udpSrcPort' | 'flowHash' | 'hashrnd' | 'portRange'>): number {
  if (p.udpSrcPort !== undefined) return p.udpSrcPort;
  const { min, max } = p.portRange ?? LOCAL_PORT_RANGE;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) throw new FieldError('portRange', `${min} ${max}`, 'must be two ports, the first not above the second');
  if (p.flowHash) return udpFlowSrcPort(p.flowHash, min, max);
  if (p.hashrnd) return udpFlowSrcPort(skbGetHash(p.inner, { hashrnd: p.hashrnd }), min, max);
  if (p.flowHash !== undefined) return udpFlowSrcPort(p.flowHash, min, max);
  throw new FieldError('udpSrcPort', '', 'one of udpSrcPort, flowHash or hashrnd is required', 'Required value');
}

export function encapsulate(p: EncapParams): Uint8Array {
  parseIp4(p.srcVtep, 'srcVtep');
  parseIp4(p.dstVtep, 'dstVtep');
  parseMac(p.srcMac, 'srcMac');
  parseMac(p.dstMac, 'dstMac');
  if (p.inner.length < 14) throw new FieldError('inner', p.inner.length, 'inner frame shorter than an Ethernet header');
  const srcPort = vxlanSrcPort(p);
  let innerTos = 0;
  if (u16(p.inner, 12) === ETH_P_IP && p.inner.length >= 16) innerTos = p.inner[15]!;
  const payload = concat(vxlanHeader(p.vni), p.inner);
  const udp = encodeUdp({ srcPort, dstPort: p.dstPort ?? VXLAN_PORT_LINUX, payload }, p.srcVtep, p.dstVtep);
  const ip = encodeIPv4({ tos: ecnEncapsulate(p.tos ?? 0, innerTos), id: p.ipId, df: false, ttl: p.ttl ?? 64, protocol: IPPROTO_UDP, src: p.srcVtep, dst: p.dstVtep, payload: udp });
  return encodeEthernet({ dst: p.dstMac, src: p.srcMac, etherType: ETH_P_IP, payload: ip });
}

/**
 * Seeded draws for an outer header: a random skb hash (as a socket's sk_txhash is; for a packet
 * without a socket hash, pass `hashrnd` to encapsulate instead) and the outer IPv4 ID.
 */
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
