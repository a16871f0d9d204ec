import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing-rng';
import { fromHex } from '../packet/bytes';
import { decapsulate } from '../vxlan/vxlan-encap';
import { decodeEthernet } from '../packet/ethernet';
import { decodeIPv4 } from '../packet/ipv4';
import { readPcap } from '../packet/pcap';
import { decodeUdp } from '../packet/udp';
import { decodeDnsQuery } from '../dns/dns-wire';
import { podToPod } from './pod-to-pod';

describe("the seed's Example 3 (pod-to-pod)", () => {
  const r = podToPod(mulberry32(42));
  it('has the thirteen steps, numbered as the seed numbers them', () => {
    expect(r.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });
  it('DNS answers the api ClusterIP via kube-dns 10.43.0.10, DNATed to CoreDNS', () => {
    const s = r.steps[1]!;
    expect(s.dns!.answer.answers[0]!.ip).toBe('10.43.38.112');
    expect(s.dns!.dnsDnat).toEqual({ ip: '10.42.0.3', port: 53 });
    expect(s.dns!.queryWalk.some((h) => h.chain === 'KUBE-SVC-TCOU7JCQXEZGVUNU')).toBe(true);
  });
  it('kube-proxy DNATs to 10.42.2.8:8080 and flannel routes via flannel.1', () => {
    expect(r.steps[4]!.dnat).toEqual({ ip: '10.42.2.8', port: 8080 });
    expect(r.steps[5]!.route).toBe('10.42.2.0/24 via 10.42.2.0 dev flannel.1 onlink');
    expect(r.steps[6]!.flannel!.map((e) => e.kind)).toEqual(['neigh', 'fdb', 'route']);
  });
  it('the underlay frame is VXLAN 10.89.97.202 → 10.89.97.203 carrying 10.42.1.5 → 10.42.2.8', () => {
    const d = decapsulate(fromHex(r.steps[7]!.frameHex!));
    expect(d.outer).toMatchObject({ src: '10.89.97.202', dst: '10.89.97.203', dstPort: 8472, ttl: 64, df: false, ipChecksumValid: true, udpChecksumValid: true });
    const inner = decodeIPv4(decodeEthernet(d.inner).payload);
    expect(inner).toMatchObject({ src: '10.42.1.5', dst: '10.42.2.8', ttl: 63, df: true });
  });
  it('the reply is un-DNATed to the Service IP on worker-1', () => {
    expect(r.steps[12]!.title).toContain('10.43.38.112:80');
  });
  it('exports a pcap with the five frames: the first DNS query, the SYN on the pod veth, on the underlay, at the api pod, the SYN-ACK', () => {
    expect(readPcap(r.pcap).length).toBe(5);
  });
  it('step 2 carries the first DNS query as the resolver sends it (search suffix first, RD, one question)', () => {
    const f = fromHex(r.steps[1]!.frameHex!);
    const ip = decodeIPv4(decodeEthernet(f).payload);
    expect(ip).toMatchObject({ src: '10.42.1.5', dst: '10.43.0.10', ttl: 64, df: true, headerValid: true });
    const q = decodeDnsQuery(decodeUdp(ip.payload, ip.src, ip.dst).payload);
    expect(q).toMatchObject({ flags: 0x0100, qdcount: 1, name: 'api.default.svc.cluster.local.default.svc.cluster.local', qtype: 1, qclass: 1 });
  });
  it('is deterministic for a seed', () => {
    expect(podToPod(mulberry32(42)).steps).toEqual(r.steps);
    expect(podToPod(mulberry32(43)).steps[7]!.frameHex).not.toBe(r.steps[7]!.frameHex);
  });
});
