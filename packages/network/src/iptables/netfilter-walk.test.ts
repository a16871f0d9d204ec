import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../testing-rng';
import { Conntrack, walkPacket } from './netfilter-walk';
import { k3sNodeRuleset } from './node-rules';
import { k3sProxierConfig, syncProxyRules, upstreamTestProxierConfig } from './proxier';
import { buildRuleset } from './netfilter-walk';
import { overallServices, overallSlices } from './testdata/overall';
import type { EndpointSlice, Service } from './objects';

const web: Service = { metadata: { namespace: 'default', name: 'web' }, spec: { clusterIP: '10.43.0.50', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } };
const webSlice = (n: number): EndpointSlice => ({
  metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  endpoints: Array.from({ length: n }, (_, i) => ({ addresses: [`10.42.${i % 3}.${10 + i}`] })),
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

function node(n: number) {
  const text = syncProxyRules(k3sProxierConfig('k3s-worker-1', '10.89.97.202'), [web], [webSlice(n)]).text;
  return k3sNodeRuleset(text, { clusterCidr: '10.42.0.0/16', podCidr: '10.42.1.0/24' });
}

describe('netfilter walk on a k3s node', () => {
  it('a pod → ClusterIP packet goes PREROUTING → KUBE-SERVICES → KUBE-SVC → KUBE-SEP → DNAT, no masquerade', () => {
    const rs = node(1);
    const r = walkPacket(rs, { src: '10.42.1.5', srcPort: 40000, dst: '10.43.0.50', dstPort: 80, proto: 'tcp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], { localAddresses: ['10.89.97.202'], rng: mulberry32(1), conntrack: new Conntrack() });
    expect(r.dnat).toEqual({ ip: '10.42.0.10', port: 8080 });
    expect(r.masquerade).toBe(false);
    const chains = r.hits.map((h) => `${h.table}/${h.chain}`);
    expect(chains.slice(0, 4)).toEqual(['nat/PREROUTING', 'nat/KUBE-SERVICES', 'nat/KUBE-SVC-' + chains[2]!.slice(13), 'nat/KUBE-SEP-' + chains[3]!.slice(13)]);
    expect(r.hits.some((h) => h.chain === 'KUBE-POSTROUTING' && h.target === 'RETURN')).toBe(true);
    expect(r.hits.some((h) => h.chain === 'FLANNEL-POSTRTG' && h.target === 'RETURN' && h.rule.includes('-s 10.42.1.0/24 -d 10.42.0.0/16'))).toBe(true);
    expect(r.hits.some((h) => h.table === 'filter' && h.chain === 'FLANNEL-FWD' && h.target === 'ACCEPT')).toBe(true);
  });
  it('from the node itself (not a pod) the SVC chain marks for masquerade and KUBE-POSTROUTING MASQUERADEs', () => {
    const rs = node(1);
    const r = walkPacket(rs, { src: '10.89.97.202', srcPort: 40000, dst: '10.43.0.50', dstPort: 80, proto: 'tcp' }, ['OUTPUT', 'POSTROUTING'], { localAddresses: ['10.89.97.202'], outAddress: '10.42.1.0', rng: mulberry32(1), conntrack: new Conntrack() });
    expect(r.hits.some((h) => h.chain === 'KUBE-MARK-MASQ')).toBe(true);
    expect(r.hits.some((h) => h.chain === 'KUBE-POSTROUTING' && h.target === 'MASQUERADE')).toBe(true);
    expect(r.snat?.ip).toBe('10.42.1.0');
    expect(r.packet.mark).toBe(0);
  });
  it('conntrack: later packets skip the nat table; replies are un-DNATed', () => {
    const rs = node(3);
    const ctx = { localAddresses: ['10.89.97.202'], rng: mulberry32(7), conntrack: new Conntrack() };
    const p = { src: '10.42.1.5', srcPort: 40001, dst: '10.43.0.50', dstPort: 80, proto: 'tcp' as const };
    const first = walkPacket(rs, p, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx);
    const second = walkPacket(rs, p, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx);
    expect(second.ctstate).toBe('ESTABLISHED');
    expect(second.packet.dst).toBe(first.packet.dst);
    expect(second.hits.some((h) => h.table === 'nat')).toBe(false);
    const reply = walkPacket(rs, { src: first.packet.dst, srcPort: 8080, dst: '10.42.1.5', dstPort: 40001, proto: 'tcp' }, ['PREROUTING', 'FORWARD', 'POSTROUTING'], ctx);
    expect(reply.packet).toMatchObject({ src: '10.43.0.50', srcPort: 80 });
    expect(reply.hits.some((h) => h.chain === 'KUBE-FORWARD' && h.rule.includes('RELATED,ESTABLISHED'))).toBe(true);
  });
  it('a service without endpoints is REJECTed in filter KUBE-SERVICES', () => {
    const text = syncProxyRules(upstreamTestProxierConfig(), overallServices, overallSlices).text;
    const rs = buildRuleset(text, [{ table: 'filter', chain: 'FORWARD', rule: '-m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES' }, { table: 'nat', chain: 'PREROUTING', rule: '-m comment --comment "kubernetes service portals" -j KUBE-SERVICES' }]);
    const r = walkPacket(rs, { src: '10.0.0.2', srcPort: 1234, dst: '172.30.0.46', dstPort: 80, proto: 'tcp' }, ['PREROUTING', 'FORWARD'], { localAddresses: [], rng: mulberry32(1), conntrack: new Conntrack() });
    expect(r.verdict).toBe('REJECT');
  });
  it('ClientIP affinity: the recent list pins later connections to the same endpoint', () => {
    const text = syncProxyRules(upstreamTestProxierConfig(), overallServices, overallSlices).text;
    const rs = buildRuleset(text, [{ table: 'nat', chain: 'PREROUTING', rule: '-j KUBE-SERVICES' }]);
    const ctx = { localAddresses: [], rng: mulberry32(3), conntrack: new Conntrack() };
    const a = walkPacket(rs, { src: '10.0.0.9', srcPort: 1, dst: '172.30.0.45', dstPort: 80, proto: 'tcp' }, ['PREROUTING'], ctx);
    const b = walkPacket(rs, { src: '10.0.0.9', srcPort: 2, dst: '172.30.0.45', dstPort: 80, proto: 'tcp' }, ['PREROUTING'], ctx);
    expect(a.dnat).toEqual({ ip: '10.180.0.3', port: 80 });
    expect(b.hits.some((h) => h.rule.includes('--rcheck'))).toBe(true);
  });
  it('property: DNAT choices over many seeded connections are uniform (chi-square)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.nat(1e6), (n, seed) => {
        const rs = node(n);
        const ctx = { localAddresses: ['10.89.97.202'], rng: mulberry32(seed), conntrack: new Conntrack() };
        const counts = new Map<string, number>();
        const N = 3000;
        for (let i = 0; i < N; i++) {
          const r = walkPacket(rs, { src: '10.42.1.5', srcPort: 10000 + i, dst: '10.43.0.50', dstPort: 80, proto: 'tcp' }, ['PREROUTING'], ctx);
          counts.set(r.dnat!.ip, (counts.get(r.dnat!.ip) ?? 0) + 1);
        }
        expect(counts.size).toBe(n);
        const exp = N / n;
        const chi = [...counts.values()].reduce((s, c) => s + (c - exp) ** 2 / exp, 0);
        // 99.9th percentile of chi-square with up to 5 degrees of freedom is 20.5
        expect(chi).toBeLessThan(20.5);
      }),
      { numRuns: 15 },
    );
  });
  it('-i / -o match the packet interfaces (a trailing + is a prefix)', () => {
    const rs = buildRuleset('*filter\n:FORWARD - [0:0]\n-A FORWARD -i cni0 -o flannel.+ -j DROP\n-A FORWARD ! -i cni0 -j REJECT\nCOMMIT\n');
    const ctx = () => ({ localAddresses: [], rng: mulberry32(1), conntrack: new Conntrack() });
    const p = { src: '10.42.1.5', srcPort: 1, dst: '10.42.2.8', dstPort: 80, proto: 'tcp' as const };
    expect(walkPacket(rs, { ...p, inIface: 'cni0', outIface: 'flannel.1' }, ['FORWARD'], ctx()).verdict).toBe('DROP');
    expect(walkPacket(rs, { ...p, inIface: 'cni0', outIface: 'eth0' }, ['FORWARD'], ctx()).verdict).toBe('ACCEPT');
    expect(walkPacket(rs, { ...p, inIface: 'eth0', outIface: 'flannel.1' }, ['FORWARD'], ctx()).verdict).toBe('REJECT');
  });
  it('unknown options are named in the error', () => {
    const rs = buildRuleset('*nat\n:PREROUTING - [0:0]\n-A PREROUTING -m foo --bar 1 -j ACCEPT\nCOMMIT\n');
    expect(() => walkPacket(rs, { src: '1.1.1.1', srcPort: 1, dst: '2.2.2.2', dstPort: 2, proto: 'tcp' }, ['PREROUTING'], { localAddresses: [], rng: mulberry32(1), conntrack: new Conntrack() })).toThrow(/option --bar is not modelled/);
  });
});
