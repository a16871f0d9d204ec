/**
 * Models: ICMP echo request/reply as Linux ping sends them (type, code, checksum, id, sequence, data).
 * Follows: RFC 792; iputils ping (the payload is caller-supplied: ping puts a timestamp and a pattern).
 * Leaves out: other ICMP types (destination unreachable, which REJECT sends, is type 3 code 3/10).
 */
import { FieldError } from '../errors';
import { internetChecksum } from './checksum';
import { concat, put16, u16 } from './bytes';

export interface IcmpEcho {
  type: 0 | 8;
  id: number;
  seq: number;
  data: Uint8Array;
}

export function encodeIcmpEcho(m: IcmpEcho): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = m.type;
  put16(h, 4, m.id);
  put16(h, 6, m.seq);
  const b = concat(h, m.data);
  put16(b, 2, internetChecksum(b));
  return b;
}

export function decodeIcmpEcho(b: Uint8Array): IcmpEcho & { checksumValid: boolean } {
  if (b.length < 8 || (b[0] !== 0 && b[0] !== 8)) throw new FieldError('icmp.type', b[0] ?? -1, 'not an echo request or reply');
  return { type: b[0] as 0 | 8, id: u16(b, 4), seq: u16(b, 6), data: b.subarray(8), checksumValid: internetChecksum(b) === 0 };
}
