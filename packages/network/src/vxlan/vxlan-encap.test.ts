import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../packet/bytes';
import { internetChecksum } from '../packet/checksum';
import { decodeEthernet, encodeEthernet, ETH_P_IP } from '../packet/ethernet';
import { decodeIPv4, encodeIPv4, IPPROTO_ICMP } from '../packet/ipv4';
import { decodeUdp } from '../packet/udp';
import { encodeIcmpEcho } from '../packet/icmp';
import { decapsulate, ecnEncapsulate, encapsulate, udpFlowSrcPort, vxlanHeader } from './vxlan-encap';

function innerPing(ttl = 63, tos = 0): Uint8Array {
  const icmp = encodeIcmpEcho({ type: 8, id: 7, seq: 1, data: new Uint8Array(56).map((_, i) => i) });
  const ip = encodeIPv4({ tos, id: 9731, df: true, ttl, protocol: IPPROTO_ICMP, src: '10.42.1.5', dst: '10.42.2.8', payload: icmp });
  return encodeEthernet({ dst: '2e:6b:1a:00:00:cb', src: '2e:6b:1a:00:00:ca', etherType: ETH_P_IP, payload: ip });
}

describe('VXLAN header (RFC 7348, Linux vxlan)', () => {
  it('VNI 1 is 08 00 00 00 00 00 01 00', () => expect(toHex(vxlanHeader(1))).toBe('0800000000000100'));
});

describe('encapsulate', () => {
  const frame = encapsulate({ vni: 1, srcVtep: '10.89.97.202', dstVtep: '10.89.97.203', srcMac: '52:54:00:61:97:ca', dstMac: '52:54:00:61:97:cb', inner: innerPing(), udpSrcPort: 40029, ipId: 21091 });
  it('lays out outer Ethernet, IPv4 (TTL 64, no DF, TOS 0), UDP 8472, VXLAN, inner frame', () => {
    // 14 + 20 + 8 + 8 + 14 + 84; the outer IP length is 134 as in the flannel#1863 capture.
    expect(frame.length).toBe(148);
    expect(toHex(frame.subarray(0, 14))).toBe('5254006197cb5254006197ca0800');
    const ip = decodeIPv4(frame.subarray(14));
    expect(ip).toMatchObject({ tos: 0, id: 21091, df: false, ttl: 64, protocol: 17, src: '10.89.97.202', dst: '10.89.97.203', headerValid: true });
    expect(ip.payload.length + 20).toBe(134);
    const udp = decodeUdp(ip.payload, ip.src, ip.dst);
    expect(udp).toMatchObject({ srcPort: 40029, dstPort: 8472, checksumValid: true });
    expect(udp.checksum).not.toBe(0);
    expect(toHex(frame.subarray(42, 50))).toBe('0800000000000100');
    expect(toHex(frame.subarray(50, 64))).toBe('2e6b1a0000cb2e6b1a0000ca0800');
  });
  it('decapsulates to the same inner frame', () => {
    const d = decapsulate(frame);
    expect(d.vni).toBe(1);
    expect(toHex(d.inner)).toBe(toHex(innerPing()));
  });
  it('copies ECN from the inner packet (CE → ECT(0))', () => {
    expect(ecnEncapsulate(0, 0x01)).toBe(0x01);
    expect(ecnEncapsulate(0, 0x03)).toBe(0x02);
    expect(ecnEncapsulate(0, 0xb8)).toBe(0);
  });
  it('udp_flow_src_port maps hashes into [32768, 60999) (ip_local_port_range "32768 60999", the high end never chosen)', () => {
    expect(udpFlowSrcPort(0)).toBe(32768);
    // hash 0x00010000: h ^= h << 16 → 0x00010000; port = (0x10000 * 28231) >> 32 + 32768
    expect(udpFlowSrcPort(0x00010000)).toBe(32768);
    // 0x80000000 << 16 is 0 in 32 bits; (0x80000000 * 28231) >> 32 = 14115
    expect(udpFlowSrcPort(0x80000000)).toBe(32768 + 14115);
    expect(udpFlowSrcPort(0x0000ffff)).toBe(60998); // h ^ h << 16 = 0xffffffff: the top of the range
  });
  it('errors name the field', () => {
    expect(() => encapsulate({ vni: 1 << 24, srcVtep: '10.89.97.202', dstVtep: '10.89.97.203', srcMac: '52:54:00:61:97:ca', dstMac: '52:54:00:61:97:cb', inner: innerPing(), udpSrcPort: 1, ipId: 0 })).toThrow('vni: Invalid value: 16777216');
    expect(() => encapsulate({ vni: 1, srcVtep: '10.89.97.2020', dstVtep: '10.89.97.203', srcMac: '52:54:00:61:97:ca', dstMac: '52:54:00:61:97:cb', inner: innerPing(), udpSrcPort: 1, ipId: 0 })).toThrow('srcVtep: Invalid value: "10.89.97.2020"');
    expect(() => fromHex('abc', '--inner')).toThrow('--inner: Invalid value: "abc": must be an even number of hexadecimal digits');
  });
});

describe('properties', () => {
  const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':'));
  const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
  it('encap/decap round trip, with valid IPv4 and UDP checksums', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), ip, ip, mac, mac, fc.uint8Array({ minLength: 14, maxLength: 300 }), fc.nat(0xffff), fc.nat(0xffff), (vni, s, d, sm, dm, inner, port, id) => {
        const f = encapsulate({ vni, srcVtep: s, dstVtep: d, srcMac: sm, dstMac: dm, inner, udpSrcPort: port, ipId: id });
        const r = decapsulate(f);
        expect(r.vni).toBe(vni);
        expect(toHex(r.inner)).toBe(toHex(inner));
        expect(r.outer).toMatchObject({ src: s, dst: d, srcMac: sm, dstMac: dm, srcPort: port, id, ipChecksumValid: true, udpChecksumValid: true });
        expect(internetChecksum(f.subarray(14, 34))).toBe(0);
        expect(decodeEthernet(f).etherType).toBe(0x0800);
      }),
      { numRuns: 300 },
    );
  });
  it('source ports stay in the local port range', () => {
    fc.assert(fc.property(fc.nat(0xffffffff), (h) => {
      const p = udpFlowSrcPort(h);
      return p >= 32768 && p < 60999;
    }));
  });
});
