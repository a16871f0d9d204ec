import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../packet/bytes';
import { encodeEthernet, ETH_P_ARP, ETH_P_IP } from '../packet/ethernet';
import { encodeIcmpEcho } from '../packet/icmp';
import { encodeIPv4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../packet/ipv4';
import { encodeTcp, TCP_SYN } from '../packet/tcp';
import { encodeUdp } from '../packet/udp';
import { mulberry32 } from '../testing-rng';
import {
  consistentify, dissectFrame, flowHashFromKeys, flowHashInput, flowKeysHashLength, flowKeysIPv4, flowKeysNoAddrs, kernelFlowHash, seededHashrnd, seededTxhash, skbGetHash, type FlowTuple,
} from './flow-hash';
import { decapsulate, encapsulate, LOCAL_PORT_RANGE, udpFlowSrcPort, vxlanSrcPort } from './vxlan-encap';

const KUNIT_KEY = fromHex('000102030405060708090a0b0c0d0e0f');
const OTHER_KEY = fromHex('5be1c0a4e2d1f09387a6b5c4d3e2f108');
const udpFlow: FlowTuple = { src: '10.42.1.5', dst: '10.42.2.8', proto: IPPROTO_UDP, sport: 5555, dport: 8080 };
const reverse = (f: FlowTuple): FlowTuple => ({ ...f, src: f.dst, dst: f.src, sport: f.dport, dport: f.sport });

function frameOf(f: FlowTuple, opts: { ttl?: number; id?: number; payload?: string; mf?: boolean } = {}): Uint8Array {
  const data = new TextEncoder().encode(opts.payload ?? 'x');
  const l4 = f.proto === IPPROTO_UDP
    ? encodeUdp({ srcPort: f.sport!, dstPort: f.dport!, payload: data }, f.src, f.dst)
    : f.proto === IPPROTO_TCP
      ? encodeTcp({ srcPort: f.sport!, dstPort: f.dport!, seq: 1, ack: 0, flags: TCP_SYN, window: 64240, options: new Uint8Array(0), payload: data }, f.src, f.dst)
      : encodeIcmpEcho({ type: 8, id: 7, seq: 1, data });
  const ip = encodeIPv4({ tos: 0, id: opts.id ?? 1, df: true, ttl: opts.ttl ?? 63, protocol: f.proto, src: f.src, dst: f.dst, payload: l4 });
  if (opts.mf) ip[6] = (ip[6]! | 0x20) & 0xbf; // MF, no DF
  return encodeEthernet({ dst: '2e:6b:1a:00:00:cb', src: '2e:6b:1a:00:00:ca', etherType: ETH_P_IP, payload: ip });
}

describe('struct flow_keys as the dissector fills it (include/net/flow_dissector.h, 64-bit Linux 6.x)', () => {
  it('UDP 10.42.1.5:5555 → 10.42.2.8:8080: 80 bytes, each member where the header puts it', () => {
    // control {thoff 0 (not hashed; left 0), addr_type 2 = FLOW_DISSECTOR_KEY_IPV4_ADDRS as a host
    // (little-endian) u16, flags 0} | basic {n_proto 08 00, ip_proto 0x11, padding} | tags 0 |
    // vlan 0 | cvlan 0 | keyid 0 | ports {15 b3 = 5555, 1f 90 = 8080, network order} | icmp 0 |
    // addrs.v4addrs {0a 2a 01 05, 0a 2a 02 08} + the rest of the 32-byte union | 4 bytes tail padding
    expect(toHex(flowKeysIPv4(udpFlow))).toBe(
      '0000' + '0200' + '00000000' +
      '08001100' + '00000000' + '0000000000000000' + '0000000000000000' + '00000000' + '15b31f90' + '00000000' +
      '0a2a0105' + '0a2a0208' + '00'.repeat(24) + '00000000',
    );
  });
  it('the hashed bytes: from basic (offset 8), 48 long for IPv4, with the ports sorted as the CPU loads them', () => {
    // __flow_hash_consistentify compares (__force u16) of the big-endian ports: on little-endian
    // 5555 (15 b3) loads as 0xb315 = 45845 and 8080 (1f 90) as 0x901f = 36895, so dst < src and the
    // ports swap; the addresses load as 0x05012a0a < 0x08022a0a and stay. Length = sizeof 80 −
    // (offsetof basic 8 + sizeof addrs 32) + sizeof v4addrs 8 = 48: the v4 addresses and 4 bytes of
    // the union after them are hashed.
    const input = flowHashInput(flowKeysIPv4(udpFlow));
    expect(input.length).toBe(48);
    expect(toHex(input)).toBe('08001100' + '00000000' + '00'.repeat(8) + '00'.repeat(8) + '00000000' + '1f9015b3' + '00000000' + '0a2a0105' + '0a2a0208' + '00000000');
    expect(flowKeysHashLength(flowKeysIPv4(udpFlow))).toBe(48);
    expect(flowKeysHashLength(flowKeysNoAddrs(ETH_P_ARP))).toBe(40);
  });
  it('addresses are sorted as little-endian u32 loads, not as dotted numbers', () => {
    // 10.89.97.203 loads as 0xcb61590a, 10.89.97.202 as 0xca61590a: the destination is smaller, swap.
    // Ports 53 (00 35 → 0x3500) and 33000 (80 e8 → 0xe880): in order, no swap.
    const k = consistentify(flowKeysIPv4({ src: '10.89.97.203', dst: '10.89.97.202', proto: 17, sport: 53, dport: 33000 }));
    expect(toHex(k.subarray(36, 40))).toBe('003580e8');
    expect(toHex(k.subarray(44, 52))).toBe('0a5961ca0a5961cb');
    // dst 1.0.0.2 is below src 2.0.0.1 as a dotted number, but loads as 0x02000001 > 0x01000002: no swap
    const k2 = consistentify(flowKeysIPv4({ src: '2.0.0.1', dst: '1.0.0.2', proto: 1 }));
    expect(toHex(k2.subarray(44, 52))).toBe('0200000101000002');
  });
  it('ICMP and fragments hash without ports (proto_ports_offset < 0; FLOW_DIS_IS_FRAGMENT); ICMP type/code/id are not keys of flow_keys_dissector', () => {
    expect(toHex(flowKeysIPv4({ ...udpFlow, proto: IPPROTO_ICMP }).subarray(36, 44))).toBe('0000000000000000');
    expect(toHex(flowKeysIPv4({ ...udpFlow, fragment: true }).subarray(36, 40))).toBe('00000000');
    expect(toHex(dissectFrame(frameOf({ ...udpFlow, proto: IPPROTO_ICMP })))).toBe(toHex(flowKeysIPv4({ ...udpFlow, proto: IPPROTO_ICMP })));
  });
  it('non-IP frames (ARP): only basic.n_proto, addr_type 0, 40 bytes hashed', () => {
    const arp = encodeEthernet({ dst: 'ff:ff:ff:ff:ff:ff', src: '2e:6b:1a:00:00:ca', etherType: ETH_P_ARP, payload: new Uint8Array(28).fill(7) });
    expect(toHex(flowHashInput(dissectFrame(arp)))).toBe('08060000' + '00'.repeat(36));
  });
  it('the dissector reads the frame: TCP/UDP ports from the transport header, nothing else from the packet', () => {
    const tcp: FlowTuple = { src: '10.42.1.5', dst: '10.42.2.8', proto: IPPROTO_TCP, sport: 40000, dport: 8080 };
    expect(toHex(dissectFrame(frameOf(tcp)))).toBe(toHex(flowKeysIPv4(tcp)));
    expect(toHex(dissectFrame(frameOf(udpFlow, { ttl: 5, id: 999, payload: 'other' })))).toBe(toHex(flowKeysIPv4(udpFlow)));
    expect(toHex(dissectFrame(frameOf(udpFlow, { mf: true })))).toBe(toHex(flowKeysIPv4({ ...udpFlow, fragment: true })));
    // a truncated transport header: ports 0 (__skb_flow_get_ports cannot read them)
    const cut = frameOf(udpFlow).subarray(0, 14 + 20 + 2);
    expect(toHex(dissectFrame(cut).subarray(36, 40))).toBe('00000000');
    expect(() => dissectFrame(encodeEthernet({ dst: '2e:6b:1a:00:00:cb', src: '2e:6b:1a:00:00:ca', etherType: 0x86dd, payload: new Uint8Array(40) }))).toThrow('inner: Invalid value: "IPv6"');
  });
});

describe('the flow hash: hand-checked values', () => {
  // Expected values from test/fixtures/flow-hash-ref.c: struct flow_keys declared as the kernel
  // declares it and laid out by gcc (x86-64), filled, consistentified and hashed as
  // __flow_hash_from_keys does, with SipHash-2-4 written from the reference; the lines it was fed:
  //   000102030405060708090a0b0c0d0e0f 2048 2 10.42.1.5 10.42.2.8 17 5555 8080 → 2737082264
  const cases: [string, Uint8Array, FlowTuple | number, number][] = [
    ['UDP 10.42.1.5:5555 → 10.42.2.8:8080, kunit key', KUNIT_KEY, udpFlow, 2737082264],
    ['its reply 10.42.2.8:8080 → 10.42.1.5:5555', KUNIT_KEY, reverse(udpFlow), 2737082264],
    ['TCP 10.42.1.5:40000 → 10.42.2.8:8080', KUNIT_KEY, { src: '10.42.1.5', dst: '10.42.2.8', proto: 6, sport: 40000, dport: 8080 }, 2474307220],
    ['ICMP 10.42.1.5 → 10.42.2.8', KUNIT_KEY, { src: '10.42.1.5', dst: '10.42.2.8', proto: 1 }, 928693855],
    ['DNS reply 10.89.97.203:53 → 10.89.97.202:33000', KUNIT_KEY, { src: '10.89.97.203', dst: '10.89.97.202', proto: 17, sport: 53, dport: 33000 }, 1968869922],
    ['ARP (n_proto 0x0806 only)', KUNIT_KEY, ETH_P_ARP, 341834511],
    ['UDP 10.42.1.5:5555 → 10.42.2.8:8080, another key', OTHER_KEY, udpFlow, 1956679403],
    ['ICMP, another key', OTHER_KEY, { src: '10.42.1.5', dst: '10.42.2.8', proto: 1 }, 2534542413],
    ['ARP, another key', OTHER_KEY, ETH_P_ARP, 2453549069],
    ['UDP 255.255.255.255:65535 → 0.0.0.0:0, key ff…ff', new Uint8Array(16).fill(255), { src: '255.255.255.255', dst: '0.0.0.0', proto: 17, sport: 65535, dport: 0 }, 3972143696],
  ];
  for (const [name, key, flow, want] of cases) {
    it(name, () => expect(typeof flow === 'number' ? flowHashFromKeys(flowKeysNoAddrs(flow), key) : kernelFlowHash(flow, key)).toBe(want));
  }
  it('the outer source port of the first: udp_flow_src_port(2737082264) over 32768 60999', () => {
    // 2737082264 = 0xa3248f98; h ^= h << 16: 0xa3248f98 ^ 0x8f980000 = 0x2cbc8f98; (0x2cbc8f98 · 28231) >> 32 = 4933
    expect(udpFlowSrcPort(2737082264)).toBe(32768 + 4933);
  });
});

describe('properties', () => {
  const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
  const port = fc.nat(0xffff);
  const key = fc.uint8Array({ minLength: 16, maxLength: 16 });
  const flow = fc.record({ src: ip, dst: ip, proto: fc.constantFrom(IPPROTO_TCP, IPPROTO_UDP), sport: port, dport: port });
  it('the same flow gets the same hash and port; the reverse direction too; so do the ports swapped alone and the addresses swapped alone', () => {
    fc.assert(
      fc.property(flow, key, (f, k) => {
        const h = kernelFlowHash(f, k);
        expect(kernelFlowHash({ ...f }, k)).toBe(h);
        expect(kernelFlowHash(reverse(f), k)).toBe(h);
        expect(kernelFlowHash({ ...f, sport: f.dport, dport: f.sport }, k)).toBe(h);
        expect(kernelFlowHash({ ...f, src: f.dst, dst: f.src }, k)).toBe(h);
        expect(h).toBeGreaterThan(0);
        expect(h).toBeLessThanOrEqual(0xffffffff);
      }),
      { numRuns: 300 },
    );
  });
  it('ports always land in [min, max) of ip_local_port_range', () => {
    fc.assert(
      fc.property(flow, key, fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 65534 }), (f, k, a, span) => {
        const min = Math.min(a, 65535 - 1);
        const max = Math.min(65535, min + 1 + (span % (65535 - min)));
        const p = udpFlowSrcPort(kernelFlowHash(f, k), min, max);
        expect(p).toBeGreaterThanOrEqual(min);
        expect(p).toBeLessThan(max);
      }),
      { numRuns: 300 },
    );
  });
  it('distinct flows get distinct hashes (2,000 seeded flows, one key: no collision)', () => {
    const rng = mulberry32(7);
    const k = seededHashrnd(rng);
    const seen = new Map<number, string>();
    for (let i = 0; i < 2000; i++) {
      const f: FlowTuple = { src: `10.42.${rng.int(0, 3)}.${rng.int(2, 254)}`, dst: `10.42.${rng.int(0, 3)}.${rng.int(2, 254)}`, proto: rng.int(0, 1) ? 6 : 17, sport: rng.int(32768, 60999), dport: rng.int(1, 9000) };
      const canon = JSON.stringify([[f.src, f.dst].sort(), [f.sport, f.dport].sort(), f.proto]);
      const h = kernelFlowHash(f, k);
      if (seen.has(h)) expect(seen.get(h)).toBe(canon);
      seen.set(h, canon);
    }
    expect(seen.size).toBeGreaterThan(1990);
  });
  it('the key matters: another boot, another hash', () => {
    fc.assert(
      fc.property(flow, key, key, (f, k1, k2) => {
        fc.pre(toHex(k1) !== toHex(k2));
        expect(kernelFlowHash(f, k1)).not.toBe(kernelFlowHash(f, k2));
      }),
      { numRuns: 100 },
    );
  });
});

describe('the outer source port flannel.1 picks', () => {
  const hashrnd = seededHashrnd(mulberry32(11));
  const base = { vni: 1, srcVtep: '10.89.97.202', dstVtep: '10.89.97.203', srcMac: '52:54:00:61:97:ca', dstMac: '52:54:00:61:97:cb', ipId: 1 };
  it('without a socket hash: udp_flow_src_port of the dissector hash of the inner frame, keyed with the node’s hashrnd', () => {
    const inner = frameOf(udpFlow);
    const want = udpFlowSrcPort(kernelFlowHash(udpFlow, hashrnd));
    expect(vxlanSrcPort({ inner, hashrnd })).toBe(want);
    expect(decapsulate(encapsulate({ ...base, inner, hashrnd })).outer.srcPort).toBe(want);
    // the reply, encapsulated by the other node (same hashrnd: one boot per node, here the same seed)
    expect(vxlanSrcPort({ inner: frameOf(reverse(udpFlow)), hashrnd })).toBe(want);
    expect(skbGetHash(inner, { hashrnd })).toBe(kernelFlowHash(udpFlow, hashrnd));
  });
  it('a socket hash (sk_txhash) the packet carries wins over the dissector; udpSrcPort wins over both', () => {
    const inner = frameOf(udpFlow);
    expect(vxlanSrcPort({ inner, hashrnd, flowHash: 0xdeadbeef })).toBe(udpFlowSrcPort(0xdeadbeef));
    expect(skbGetHash(inner, { hashrnd, txhash: 0xdeadbeef })).toBe(0xdeadbeef);
    expect(vxlanSrcPort({ inner, hashrnd, flowHash: 0xdeadbeef, udpSrcPort: 40029 })).toBe(40029);
    expect(() => vxlanSrcPort({ inner })).toThrow('udpSrcPort: Required value: one of udpSrcPort, flowHash or hashrnd is required');
  });
  it('the node’s ip_local_port_range: [min, max); min = max pins the port', () => {
    const inner = frameOf(udpFlow);
    expect(vxlanSrcPort({ inner, hashrnd, portRange: { min: 40000, max: 40001 } })).toBe(40000);
    expect(vxlanSrcPort({ inner, hashrnd, portRange: { min: 40000, max: 40000 } })).toBe(40000);
    expect(() => vxlanSrcPort({ inner, hashrnd, portRange: { min: 40001, max: 40000 } })).toThrow('portRange: Invalid value: "40001 40000"');
    expect(LOCAL_PORT_RANGE).toEqual({ min: 32768, max: 60999 });
  });
  it('seeded draws: hashrnd is 16 bytes and the same for a seed; txhash is never 0', () => {
    expect(toHex(seededHashrnd(mulberry32(11)))).toBe(toHex(hashrnd));
    expect(hashrnd.length).toBe(16);
    expect(toHex(seededHashrnd(mulberry32(12)))).not.toBe(toHex(hashrnd));
    const zero = { int: () => 0, float: () => 0 };
    expect(seededTxhash(zero)).toBe(1);
  });
});
