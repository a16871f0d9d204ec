/**
 * Models: a UDP datagram with the checksum Linux computes over the IPv4 pseudo header (a computed 0
 * goes on the wire as 0xffff; 0 means "no checksum").
 * Follows: RFC 768; linux net/ipv4/udp.c (udp4_hwcsum / udp_set_csum).
 * Leaves out: UDP-Lite, GSO.
 */
import { FieldError } from '../errors';
import { internetChecksum, pseudoHeaderSum } from './checksum';
import { concat, parseIp4, put16, u16 } from './bytes';
import { IPPROTO_UDP } from './ipv4';

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  checksum?: number;
}

function checkPort(field: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new FieldError(field, v, 'must be between 0 and 65535, inclusive');
}

export function encodeUdp(d: UdpDatagram, src: string, dst: string, opts: { zeroChecksum?: boolean } = {}): Uint8Array {
  checkPort('udp.srcPort', d.srcPort);
  checkPort('udp.dstPort', d.dstPort);
  const h = new Uint8Array(8);
  put16(h, 0, d.srcPort);
  put16(h, 2, d.dstPort);
  put16(h, 4, 8 + d.payload.length);
  const seg = concat(h, d.payload);
  if (!opts.zeroChecksum) {
    let c = internetChecksum(seg, pseudoHeaderSum(parseIp4(src), parseIp4(dst), IPPROTO_UDP, seg.length));
    if (c === 0) c = 0xffff;
    put16(seg, 6, c);
  }
  return seg;
}

export function decodeUdp(b: Uint8Array, src: string, dst: string): UdpDatagram & { checksumValid: boolean } {
  if (b.length < 8) throw new FieldError('udp', b.length, 'shorter than the 8-byte UDP header');
  const len = u16(b, 4);
  const checksum = u16(b, 6);
  const seg = b.subarray(0, len);
  const checksumValid = checksum === 0 || internetChecksum(seg, pseudoHeaderSum(parseIp4(src), parseIp4(dst), IPPROTO_UDP, len)) === 0;
  return { srcPort: u16(b, 0), dstPort: u16(b, 2), payload: b.subarray(8, len), checksum, checksumValid };
}
