/**
 * Models: a TCP segment (20-byte header plus options as given) with its pseudo-header checksum.
 * Follows: RFC 9293; linux net/ipv4/tcp_output.c (tcp_transmit_skb builds the header).
 * Leaves out: the TCP state machine, option generation (callers pass options bytes, e.g. MSS,
 * SACK-permitted, timestamps, window scale as Linux sends them in a SYN).
 */
import { FieldError } from '../errors';
import { internetChecksum, pseudoHeaderSum } from './checksum';
import { concat, parseIp4, put16, put32, u16, u32 } from './bytes';
import { IPPROTO_TCP } from './ipv4';

export const TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10;

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  options?: Uint8Array;
  payload: Uint8Array;
  checksum?: number;
}

export function encodeTcp(s: TcpSegment, src: string, dst: string): Uint8Array {
  const opts = s.options ?? new Uint8Array(0);
  if (opts.length % 4 !== 0 || opts.length > 40) throw new FieldError('tcp.options', opts.length, 'must be a multiple of 4 bytes, at most 40');
  const h = new Uint8Array(20 + opts.length);
  put16(h, 0, s.srcPort);
  put16(h, 2, s.dstPort);
  put32(h, 4, s.seq >>> 0);
  put32(h, 8, s.ack >>> 0);
  h[12] = ((20 + opts.length) / 4) << 4;
  h[13] = s.flags;
  put16(h, 14, s.window);
  h.set(opts, 20);
  const seg = concat(h, s.payload);
  put16(seg, 16, internetChecksum(seg, pseudoHeaderSum(parseIp4(src), parseIp4(dst), IPPROTO_TCP, seg.length)));
  return seg;
}

export function decodeTcp(b: Uint8Array, src: string, dst: string): TcpSegment & { checksumValid: boolean } {
  if (b.length < 20) throw new FieldError('tcp', b.length, 'shorter than the 20-byte TCP header');
  const off = (b[12]! >> 4) * 4;
  return {
    srcPort: u16(b, 0), dstPort: u16(b, 2), seq: u32(b, 4), ack: u32(b, 8), flags: b[13]!, window: u16(b, 14),
    options: b.subarray(20, off), payload: b.subarray(off), checksum: u16(b, 16),
    checksumValid: internetChecksum(b, pseudoHeaderSum(parseIp4(src), parseIp4(dst), IPPROTO_TCP, b.length)) === 0,
  };
}
