/**
 * Property: every checksum the codecs write is valid — IPv4 header, UDP and TCP over the IPv4
 * pseudo header, ICMP — checked both by the receiver's rule (the one's-complement sum over the
 * covered bytes, checksum included, is 0xffff) and against a plain RFC 1071 reference written
 * independently here; decode(encode(x)) gives x back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIp4 } from './bytes';
import { decodeIcmpEcho, encodeIcmpEcho } from './icmp';
import { decodeIPv4, encodeIPv4, IPPROTO_TCP, IPPROTO_UDP } from './ipv4';
import { decodeTcp, encodeTcp } from './tcp';
import { decodeUdp, encodeUdp } from './udp';

/** RFC 1071, the textbook way: 32-bit accumulator, odd byte padded with zero, fold, complement. */
function rfc1071(...parts: Uint8Array[]): number {
  const all = parts.flatMap((p) => [...p]);
  if (all.length % 2) all.push(0);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) sum += (all[i]! << 8) | all[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}
const pseudo = (src: string, dst: string, proto: number, len: number) => new Uint8Array([...parseIp4(src), ...parseIp4(dst), 0, proto, len >> 8, len & 255]);
const zeroAt = (b: Uint8Array, off: number) => {
  const c = b.slice();
  c[off] = 0;
  c[off + 1] = 0;
  return c;
};
const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
const port = fc.nat(0xffff);
const payload = fc.uint8Array({ maxLength: 200 });

describe('checksums (property)', () => {
  it('IPv4 header', () => {
    fc.assert(
      fc.property(ip, ip, fc.nat(255), fc.nat(0xffff), fc.boolean(), fc.integer({ min: 1, max: 255 }), fc.nat(255), payload, (src, dst, tos, id, df, ttl, protocol, data) => {
        const b = encodeIPv4({ tos, id, df, ttl, protocol, src, dst, payload: data });
        expect(rfc1071(b.subarray(0, 20))).toBe(0);
        expect((b[10]! << 8) | b[11]!).toBe(rfc1071(zeroAt(b.subarray(0, 20), 10)));
        expect(decodeIPv4(b)).toMatchObject({ tos, id, df, ttl, protocol, src, dst, headerValid: true });
      }),
      { numRuns: 300 },
    );
  });
  it('UDP over the pseudo header (a computed 0 is sent as 0xffff)', () => {
    fc.assert(
      fc.property(ip, ip, port, port, payload, (src, dst, sp, dp, data) => {
        const u = encodeUdp({ srcPort: sp, dstPort: dp, payload: data }, src, dst);
        const want = rfc1071(pseudo(src, dst, IPPROTO_UDP, u.length), zeroAt(u, 6));
        expect((u[6]! << 8) | u[7]!).toBe(want === 0 ? 0xffff : want);
        expect(decodeUdp(u, src, dst)).toMatchObject({ srcPort: sp, dstPort: dp, checksumValid: true });
      }),
      { numRuns: 300 },
    );
  });
  it('TCP over the pseudo header, with options', () => {
    fc.assert(
      fc.property(ip, ip, port, port, fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0x3f), fc.nat(0xffff), fc.nat(10).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })), payload, (src, dst, sp, dp, seq, ack, flags, window, options, data) => {
        const t = encodeTcp({ srcPort: sp, dstPort: dp, seq, ack, flags, window, options, payload: data }, src, dst);
        expect(rfc1071(pseudo(src, dst, IPPROTO_TCP, t.length), t)).toBe(0);
        expect((t[16]! << 8) | t[17]!).toBe(rfc1071(pseudo(src, dst, IPPROTO_TCP, t.length), zeroAt(t, 16)));
        expect(decodeTcp(t, src, dst)).toMatchObject({ srcPort: sp, dstPort: dp, seq, ack, flags, window, checksumValid: true });
      }),
      { numRuns: 300 },
    );
  });
  it('ICMP echo', () => {
    fc.assert(
      fc.property(fc.constantFrom(0 as const, 8 as const), fc.nat(0xffff), fc.nat(0xffff), payload, (type, id, seq, data) => {
        const m = encodeIcmpEcho({ type, id, seq, data });
        expect((m[2]! << 8) | m[3]!).toBe(rfc1071(zeroAt(m, 2)));
        expect(decodeIcmpEcho(m)).toMatchObject({ type, id, seq, checksumValid: true });
      }),
      { numRuns: 300 },
    );
  });
});
