/**
 * Models: the 32-bit skb hash from which a Linux vxlan device (flannel.1) derives the outer UDP source
 * port (udp_flow_src_port → skb_get_hash). Two sources, as in the kernel:
 *  - a socket's hash: a TCP socket, a connected UDP socket (and a TCP request sock, for its SYN-ACK)
 *    carries a random sk_txhash (net_tx_rndhash: get_random_u32() ?: 1), which skb_set_owner_w copies
 *    into skb->hash of every packet it sends; the packet keeps it across a veth into the node's
 *    namespace (skb_scrub_packet leaves the hash alone), so flannel.1 uses it as is — a seeded
 *    per-socket parameter here (`seededTxhash`);
 *  - otherwise (unconnected UDP, ICMP and its errors, ARP, forwarded packets of sockets without a
 *    txhash) __skb_get_hash_net computes it: the flow dissector fills a zeroed struct flow_keys,
 *    __flow_hash_consistentify sorts the two addresses and, separately, the two ports (so both
 *    directions of a flow hash alike), then siphash-2-4 over the struct from `basic` for
 *    flow_keys_hash_length bytes, keyed with `hashrnd` — 16 random bytes drawn once per boot
 *    (net_get_random_once), the same for every network namespace — and `hash ?: 1`. Everything but
 *    hashrnd is exact here; hashrnd is a seeded parameter (`seededHashrnd`).
 * The IPv4 layout (struct flow_keys on 64-bit Linux 6.x; this machine's kernel BTF is compared with
 * FLOW_KEYS_LAYOUT by test/vxlan-flow-hash.test.ts):
 *   offset  0 control {u16 thoff; u16 addr_type; u32 flags}      not hashed
 *   offset  8 basic   {__be16 n_proto; u8 ip_proto; u8 padding}  FLOW_KEYS_HASH_START_FIELD, __aligned(SIPHASH_ALIGNMENT = 8)
 *   offset 12 tags    {u32 flow_label}                           0 for IPv4
 *   offset 16 vlan, 24 cvlan {tci, tpid, eth_type, padding}      0 (no VLAN tag on the inner frame)
 *   offset 32 keyid   {__be32 keyid}                             0 (GRE only)
 *   offset 36 ports   {__be16 src; __be16 dst}                   TCP/UDP/DCCP/SCTP/UDP-Lite (proto_ports_offset 0), not for fragments
 *   offset 40 icmp    {u8 type; u8 code; u16 id}                 0: flow_keys_dissector has no ICMP key
 *   offset 44 addrs   union {v4 {src, dst}; v6 {src, dst}; tipc} 32 bytes; sizeof(struct flow_keys) = 80
 * flow_keys_hash_length = sizeof(flow_keys) − (FLOW_KEYS_HASH_OFFSET + sizeof(addrs)) + sizeof(the
 * address type's member): 80 − 40 + 8 = 48 bytes for IPv4 — offsets 8…55, i.e. through the v4
 * addresses and 4 zero bytes beyond them (the struct's tail padding counts); 40 bytes (offsets 8…47)
 * for a packet without addresses (addr_type 0: ARP and other non-IP frames, hashed on n_proto alone).
 * __flow_hash_consistentify compares the fields as the CPU loads them, (__force u32) / (__force u16)
 * of big-endian values: on a little-endian machine the byte-swapped numbers.
 * Follows: linux net/core/flow_dissector.c (__skb_flow_dissect: the ETH_P_IP and ETH_P_ARP cases,
 * __skb_flow_dissect_ports, flow_keys_dissector_keys; hashrnd, __flow_hash_secret_init,
 * flow_keys_hash_start, flow_keys_hash_length, __flow_hash_consistentify, __flow_hash_from_keys,
 * __skb_get_hash_net), include/net/flow_dissector.h (struct flow_keys and its members,
 * enum flow_dissector_key_id), include/linux/in.h (proto_ports_offset), include/linux/skbuff.h
 * (skb_get_hash), include/net/sock.h (skb_set_hash_from_sk, sk_set_txhash, net_tx_rndhash),
 * net/core/sock.c (skb_set_owner_w), net/core/skbuff.c (skb_scrub_packet), lib/siphash.c.
 * Leaves out: IPv6 inner packets (flow label, STOP_AT_FLOW_LABEL), VLAN-tagged and GRE inner packets,
 * AH/ESP SPIs as "ports", hash rethinking on TCP retransmission timeouts (sk_rethink_txhash draws a
 * new txhash), a BPF flow dissector.
 */
import { FieldError } from '../errors';
import type { RandomSource } from '../rand';
import { parseIp4, u16 } from '../packet/bytes';
import { ETH_P_IP } from '../packet/ethernet';
import { siphash24 } from './siphash';

/** struct flow_keys on 64-bit Linux 6.x: member offsets and sizes in bytes. */
export const FLOW_KEYS_LAYOUT = {
  size: 80,
  members: {
    control: { offset: 0, size: 8 },
    basic: { offset: 8, size: 4 },
    tags: { offset: 12, size: 4 },
    vlan: { offset: 16, size: 8 },
    cvlan: { offset: 24, size: 8 },
    keyid: { offset: 32, size: 4 },
    ports: { offset: 36, size: 4 },
    icmp: { offset: 40, size: 4 },
    addrs: { offset: 44, size: 32 },
  },
} as const;
/** offsetof(struct flow_keys, basic) */
export const FLOW_KEYS_HASH_OFFSET = 8;
/** enum flow_dissector_key_id: the values control.addr_type takes */
export const FLOW_DISSECTOR_KEY_IPV4_ADDRS = 2;
export const FLOW_DISSECTOR_KEY_IPV6_ADDRS = 3;
const IPV4_ADDRS_SIZE = 8;
const IPV6_ADDRS_SIZE = 32;

/** The boot-random siphash key of net/core/flow_dissector.c (siphash_aligned_key_t: 16 bytes). */
export type Hashrnd = Uint8Array;

/** An IPv4 flow as the flow dissector sees it. */
export interface FlowTuple {
  src: string;
  dst: string;
  /** IP protocol number: 6 TCP, 17 UDP, 1 ICMP … */
  proto: number;
  sport?: number;
  dport?: number;
  /** an IPv4 fragment (MF set or a fragment offset): the dissector reads no ports */
  fragment?: boolean;
}

/** proto_ports_offset() == 0: the protocols whose first 4 transport bytes the dissector takes as ports. */
const PORT_PROTOS = new Set([6, 17, 33, 132, 136]); // TCP, UDP, DCCP, SCTP, UDP-Lite

/** A zeroed struct flow_keys (the memset in __skb_get_hash_net). */
function emptyKeys(nProto: number): Uint8Array {
  const k = new Uint8Array(FLOW_KEYS_LAYOUT.size);
  k[8] = (nProto >> 8) & 255; // basic.n_proto, big-endian
  k[9] = nProto & 255;
  return k;
}

const setU16Host = (k: Uint8Array, o: number, v: number) => {
  // a host-order (little-endian) u16
  k[o] = v & 255;
  k[o + 1] = (v >> 8) & 255;
};

/** The struct flow_keys the dissector fills for an IPv4 packet (before consistentify). */
export function flowKeysIPv4(flow: FlowTuple): Uint8Array {
  if (!Number.isInteger(flow.proto) || flow.proto < 0 || flow.proto > 255) throw new FieldError('flow.proto', flow.proto, 'must be between 0 and 255, inclusive');
  const k = emptyKeys(ETH_P_IP);
  setU16Host(k, 2, FLOW_DISSECTOR_KEY_IPV4_ADDRS); // control.addr_type (control.thoff is not hashed: left 0)
  k[10] = flow.proto; // basic.ip_proto
  if (PORT_PROTOS.has(flow.proto) && !flow.fragment) {
    for (const [f, v, o] of [['flow.sport', flow.sport ?? 0, 36], ['flow.dport', flow.dport ?? 0, 38]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new FieldError(f, v, 'must be between 0 and 65535, inclusive');
      k[o] = v >> 8; // ports.src / ports.dst, big-endian as in the header
      k[o + 1] = v & 255;
    }
  }
  k.set(parseIp4(flow.src, 'flow.src'), 44); // addrs.v4addrs.src
  k.set(parseIp4(flow.dst, 'flow.dst'), 48); // addrs.v4addrs.dst
  return k;
}

/** The struct flow_keys for a frame without IP addresses (ARP …): only basic.n_proto is set. */
export function flowKeysNoAddrs(nProto: number): Uint8Array {
  return emptyKeys(nProto);
}

/**
 * The flow keys of an inner Ethernet frame, as __skb_flow_dissect fills them starting at the network
 * header with skb->protocol = the EtherType.
 */
export function dissectFrame(frame: Uint8Array): Uint8Array {
  if (frame.length < 14) throw new FieldError('inner', frame.length, 'inner frame shorter than an Ethernet header');
  const etherType = u16(frame, 12);
  if (etherType === 0x86dd) throw new FieldError('inner', 'IPv6', 'the flow hash of IPv6 inner frames is not modelled: give flowHash or udpSrcPort');
  if (etherType === 0x8100 || etherType === 0x88a8) throw new FieldError('inner', 'VLAN', 'the flow hash of VLAN-tagged inner frames is not modelled: give flowHash or udpSrcPort');
  if (etherType !== ETH_P_IP) return flowKeysNoAddrs(etherType);
  const ip = frame.subarray(14);
  // a header the dissector rejects (shorter than 20 bytes, ihl < 5; it does not check the version)
  // still gets a hash, over what was filled by then: n_proto
  if (ip.length < 20 || (ip[0]! & 15) < 5) return flowKeysNoAddrs(ETH_P_IP);
  const ihl = (ip[0]! & 15) * 4;
  const frag = u16(ip, 6) & 0x3fff; // MF | fragment offset
  const proto = ip[9]!;
  const l4 = ip.subarray(ihl);
  // __skb_flow_get_ports: 0 when the 4 bytes are not there
  const hasPorts = l4.length >= 4;
  const src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
  const dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
  return flowKeysIPv4({ src, dst, proto, sport: hasPorts ? u16(l4, 0) : 0, dport: hasPorts ? u16(l4, 2) : 0, fragment: frag !== 0 });
}

const loadLe32 = (k: Uint8Array, o: number) => (k[o]! | (k[o + 1]! << 8) | (k[o + 2]! << 16) | (k[o + 3]! << 24)) >>> 0;
const loadLe16 = (k: Uint8Array, o: number) => k[o]! | (k[o + 1]! << 8);
function swap(k: Uint8Array, a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const t = k[a + i]!;
    k[a + i] = k[b + i]!;
    k[b + i] = t;
  }
}

/** __flow_hash_consistentify, in place: addresses sorted, then ports sorted, each on its own. */
export function consistentify(keys: Uint8Array): Uint8Array {
  const addrType = loadLe16(keys, 2);
  if (addrType === FLOW_DISSECTOR_KEY_IPV4_ADDRS) {
    if (loadLe32(keys, 48) < loadLe32(keys, 44)) swap(keys, 44, 48, 4);
  } else if (addrType === FLOW_DISSECTOR_KEY_IPV6_ADDRS) {
    // memcmp(dst, src) < 0
    let diff = 0;
    for (let i = 0; i < 16 && diff === 0; i++) diff = keys[60 + i]! - keys[44 + i]!;
    if (diff < 0) swap(keys, 44, 60, 16);
  } else {
    return keys;
  }
  if (loadLe16(keys, 38) < loadLe16(keys, 36)) swap(keys, 36, 38, 2);
  return keys;
}

/** flow_keys_hash_length(): how many bytes from `basic` siphash reads. */
export function flowKeysHashLength(keys: Uint8Array): number {
  const addrType = loadLe16(keys, 2);
  const addrsLen = addrType === FLOW_DISSECTOR_KEY_IPV4_ADDRS ? IPV4_ADDRS_SIZE : addrType === FLOW_DISSECTOR_KEY_IPV6_ADDRS ? IPV6_ADDRS_SIZE : 0;
  return FLOW_KEYS_LAYOUT.size - (FLOW_KEYS_HASH_OFFSET + FLOW_KEYS_LAYOUT.members.addrs.size) + addrsLen;
}

/** The bytes siphash reads for these keys: consistentified, from `basic`, flow_keys_hash_length long. */
export function flowHashInput(keys: Uint8Array): Uint8Array {
  const k = consistentify(keys.slice());
  return k.subarray(FLOW_KEYS_HASH_OFFSET, FLOW_KEYS_HASH_OFFSET + flowKeysHashLength(k));
}

function checkHashrnd(hashrnd: Hashrnd): void {
  if (!(hashrnd instanceof Uint8Array) || hashrnd.length !== 16) throw new FieldError('hashrnd', hashrnd?.length, 'must be 16 bytes (siphash_key_t)');
}

/** __flow_hash_from_keys: (u32) siphash(…), never 0. */
export function flowHashFromKeys(keys: Uint8Array, hashrnd: Hashrnd): number {
  checkHashrnd(hashrnd);
  const h = Number(siphash24(flowHashInput(keys), hashrnd) & 0xffffffffn);
  return h === 0 ? 1 : h;
}

/** The hash the kernel gives an IPv4 packet of this flow that carries no socket hash. */
export function kernelFlowHash(flow: FlowTuple, hashrnd: Hashrnd): number {
  return flowHashFromKeys(flowKeysIPv4(flow), hashrnd);
}

/**
 * skb_get_hash for an inner Ethernet frame: the socket's hash when the packet carries one (txhash),
 * else the flow dissector's.
 */
export function skbGetHash(frame: Uint8Array, opts: { hashrnd: Hashrnd; txhash?: number }): number {
  if (opts.txhash) return opts.txhash >>> 0;
  return flowHashFromKeys(dissectFrame(frame), opts.hashrnd);
}

/** hashrnd: net_get_random_once(&hashrnd, 16) — once per boot, shared by every namespace. */
export function seededHashrnd(rng: RandomSource): Hashrnd {
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i += 2) {
    const v = rng.int(0, 0xffff);
    b[i] = v >> 8;
    b[i + 1] = v & 255;
  }
  return b;
}

/** net_tx_rndhash(): a socket's sk_txhash, get_random_u32() ?: 1. */
export function seededTxhash(rng: RandomSource): number {
  const hi = rng.int(0, 0xffff);
  const lo = rng.int(0, 0xffff);
  return ((hi << 16) | lo) >>> 0 || 1;
}
