import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeProbability, k3sProxierConfig, Proxier, syncProxyRules, upstreamTestProxierConfig } from './proxier';
import { sortIPTablesRules } from './sort-rules';
import { portProtoHash, sepChain } from './chain-names';

const expected = (f: string) => readFileSync(new URL(`./testdata/${f}`, import.meta.url), 'utf8');

import { overallServices, overallSlices, slice, svc } from './testdata/overall';

describe('chain names (portProtoHash)', () => {
  it.each([
    ['ns1/svc1:p80', 'tcp', 'XPGD46QRK7WJZT7O'],
    ['ns2/svc2:p8080', 'tcp', '2VJB64SDSIJUP5T6'],
    ['default/kubernetes:https', 'tcp', 'NPX46M4PTMTKRN6Y'],
    ['kube-system/kube-dns:dns', 'udp', 'TCOU7JCQXEZGVUNU'],
    ['kube-system/kube-dns:dns-tcp', 'tcp', 'ERIFXISQEP7F7OF4'],
    ['kube-system/kube-dns:metrics', 'tcp', 'JD5MR3NA4I4DYORP'],
  ])('%s %s → %s', (spn, proto, want) => expect(portProtoHash(spn, proto)).toBe(want));
  it('endpoint chains hash the endpoint too', () => {
    expect(sepChain('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(sepChain('ns3/svc3:p8081', 'tcp', '203.0.113.4:8081')).toBe('KUBE-SEP-RUVVH7YV3PHQBDOS');
  });
});

describe('computeProbability', () => {
  it.each([
    [1, '1.0000000000'], [2, '0.5000000000'], [3, '0.3333333333'], [10, '0.1000000000'], [100, '0.0100000000'],
    [1000, '0.0010000000'], [10000, '0.0001000000'], [100000, '0.0000100000'], [100001, '0.0000099999'],
  ])('%i → %s', (n, s) => expect(computeProbability(n)).toBe(s));
});

describe('TestOverallIPTablesRules (upstream expected output)', () => {
  it('matches byte for byte after sortIPTablesRules', () => {
    const r = syncProxyRules(upstreamTestProxierConfig(), overallServices, overallSlices);
    expect(sortIPTablesRules(r.text)).toBe(expected('overall-iptables-rules.expected.txt'));
  });
  it('the expected output is a fixed point of the sort', () => {
    const e = expected('overall-iptables-rules.expected.txt');
    expect(sortIPTablesRules(e)).toBe(e);
  });
});

describe('k3s node settings', () => {
  it('prints the mark as real kube-proxy does (0x00004000) and adds --random-fully', () => {
    const r = syncProxyRules(k3sProxierConfig('k3s-worker-1', '10.89.97.202'), overallServices, overallSlices);
    expect(r.text).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n');
    expect(r.text).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n');
    expect(r.text).toContain('! -s 10.42.0.0/16 -j KUBE-MARK-MASQ');
    expect(r.text).not.toContain('nfacct');
  });
});

describe('large cluster mode', () => {
  it('drops the comments of SVC→SEP and SEP rules above 1000 endpoints', () => {
    const eps = Array.from({ length: 1001 }, (_, i) => ({ addresses: [`10.0.${Math.floor(i / 256)}.${i % 256}`] }));
    const r = syncProxyRules(upstreamTestProxierConfig(), [overallServices[0]!], [slice('ns1', 'svc1', eps)]);
    expect(r.largeClusterMode).toBe(true);
    expect(r.text).toContain('-A KUBE-SEP-DKGQUZGBKLTPAR56 -m tcp -p tcp -j DNAT --to-destination 10.0.0.0:80');
    expect(r.text).toMatch(/-A KUBE-SVC-XPGD46QRK7WJZT7O -m statistic --mode random --probability 0\.0009990010 -j KUBE-SEP-/);
  });
});

describe('partial syncs', () => {
  it('only rewrites the chains of services that changed, and deletes stale chains', () => {
    const p = new Proxier(upstreamTestProxierConfig());
    const a = svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] });
    const b = svc('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }] });
    const first = p.sync([a, b], [slice('ns1', 'svc1', [{ addresses: ['10.0.1.1'] }]), slice('ns2', 'svc2', [{ addresses: ['10.0.2.1'] }])]);
    expect(first.full).toBe(true);
    const second = p.sync([a, b], [slice('ns1', 'svc1', [{ addresses: ['10.0.1.1'] }]), slice('ns2', 'svc2', [{ addresses: ['10.0.2.2'] }])]);
    expect(second.full).toBe(false);
    expect(second.text).not.toContain(':KUBE-SVC-XPGD46QRK7WJZT7O');
    expect(second.text).toContain('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP"');
    expect(second.text).toContain(':KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]');
    const stale = sepChain('ns2/svc2:p80', 'tcp', '10.0.2.1:80');
    expect(second.deletedChains).toEqual([stale]);
    expect(second.text).toContain(`-X ${stale}\n`);
    const third = p.sync([a], [slice('ns1', 'svc1', [{ addresses: ['10.0.1.1'] }])]);
    expect(third.deletedChains).toContain('KUBE-SVC-GNZBNJ2PO5MGZ6GT');
    p.restoreFailed();
    expect(p.sync([a], [slice('ns1', 'svc1', [{ addresses: ['10.0.1.1'] }])]).full).toBe(true);
  });
});

describe('IP normalisation (TestBadIPs-style)', () => {
  it('re-serialises sloppy IPs and CIDRs and skips invalid ones', () => {
    const s = svc('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.041', externalIPs: ['192.168.099.011', 'not-an-ip'], loadBalancerSourceRanges: ['203.0.113.000/025', 'bad'], ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }] }, { loadBalancer: { ingress: [{ ip: '1.2.3.004' }] } });
    const r = syncProxyRules(upstreamTestProxierConfig(), [s], [slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }])]);
    expect(r.text).toContain('-d 172.30.0.41 --dport 80');
    expect(r.text).toContain('-d 192.168.99.11 --dport 80');
    expect(r.text).toContain('-d 1.2.3.4 --dport 80');
    expect(r.text).toContain('-s 203.0.113.0/25 -j KUBE-EXT-');
    expect(r.text).not.toContain('not-an-ip');
  });
});

describe('endpoint order and ClusterIP without endpoints', () => {
  it('sorts endpoints as strings (10.0.1.10 before 10.0.1.2) and REJECTs a service with none', () => {
    const r = syncProxyRules(upstreamTestProxierConfig(), [overallServices[0]!, overallServices[5]!], [slice('ns1', 'svc1', [{ addresses: ['10.0.1.2'] }, { addresses: ['10.0.1.10'] }, { addresses: ['10.0.1.3'], conditions: { ready: false } }])]);
    const lines = r.text.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 ->'));
    expect(lines.map((l) => /-> (\S+)"/.exec(l)![1])).toEqual(['10.0.1.10:80', '10.0.1.2:80']);
    expect(r.text).toContain('-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT');
  });
});

describe('sha256String', () => {
  it('property: equals @noble/hashes sha256 for any string', async () => {
    const { sha256 } = await import('@noble/hashes/sha2.js');
    const { sha256String } = await import('./chain-names');
    const fc = (await import('fast-check')).default;
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      expect(Buffer.from(sha256String(s)).toString('hex')).toBe(Buffer.from(sha256(new TextEncoder().encode(s))).toString('hex'));
    }), { numRuns: 500 });
  });
});
