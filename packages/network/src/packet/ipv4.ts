/**
 * Models: an IPv4 header as the Linux kernel writes it (no options): version 4, IHL 5, the TOS byte,
 * total length, identification, flags (DF = 0x4000), TTL, protocol, header checksum.
 * Follows: RFC 791; linux net/ipv4/ip_output.c (ip_build_and_send_pkt / __ip_queue_xmit), ip_send_check.
 * Leaves out: options, fragmentation and reassembly.
 */
import { FieldError } from '../errors';
import { internetChecksum } from './checksum';
import { concat, formatIp4, parseIp4, put16, u16 } from './bytes';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export interface IPv4Packet {
  tos: number;
  id: number;
  df: boolean;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
  payload: Uint8Array;
  /** as decoded; recomputed on encode */
  checksum?: number;
}

export function encodeIPv4(p: IPv4Packet): Uint8Array {
  for (const [f, v, max] of [['ipv4.tos', p.tos, 255], ['ipv4.id', p.id, 0xffff], ['ipv4.ttl', p.ttl, 255], ['ipv4.protocol', p.protocol, 255]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new FieldError(f, v, `must be between 0 and ${max}, inclusive`);
  }
  const h = new Uint8Array(20);
  h[0] = 0x45;
  h[1] = p.tos;
  const total = 20 + p.payload.length;
  if (total > 0xffff) throw new FieldError('ipv4.totalLength', total, 'must be at most 65535');
  put16(h, 2, total);
  put16(h, 4, p.id);
  put16(h, 6, p.df ? 0x4000 : 0);
  h[8] = p.ttl;
  h[9] = p.protocol;
  h.set(parseIp4(p.src, 'ipv4.src'), 12);
  h.set(parseIp4(p.dst, 'ipv4.dst'), 16);
  put16(h, 10, internetChecksum(h));
  return concat(h, p.payload);
}

export function decodeIPv4(b: Uint8Array): IPv4Packet & { headerValid: boolean } {
  if (b.length < 20 || b[0]! >> 4 !== 4) throw new FieldError('ipv4', b.length, 'not an IPv4 packet');
  const ihl = (b[0]! & 15) * 4;
  const total = u16(b, 2);
  if (total > b.length || ihl < 20) throw new FieldError('ipv4.totalLength', total, `exceeds the ${b.length} bytes captured`);
  return {
    tos: b[1]!,
    id: u16(b, 4),
    df: (u16(b, 6) & 0x4000) !== 0,
    ttl: b[8]!,
    protocol: b[9]!,
    checksum: u16(b, 10),
    src: formatIp4(b.subarray(12, 16)),
    dst: formatIp4(b.subarray(16, 20)),
    payload: b.subarray(ihl, total),
    headerValid: internetChecksum(b.subarray(0, ihl)) === 0,
  };
}
