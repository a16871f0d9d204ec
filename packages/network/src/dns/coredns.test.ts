import { describe, expect, it } from 'vitest';
import { coreDnsAnswer, k3sSystemServices, resolvConf, resolve, searchCandidates } from './coredns';

const api = { metadata: { namespace: 'default', name: 'api' }, spec: { clusterIP: '10.43.0.2', ports: [{ name: 'http', port: 80 }] } };

describe('CoreDNS and the pod resolver', () => {
  it("writes the pod's resolv.conf as kubelet does", () => {
    expect(resolvConf('default')).toBe('search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.43.0.10\noptions ndots:5\n');
  });
  it('ndots:5 tries the search list first for short names, the name last', () => {
    expect(searchCandidates('kubernetes.default', 'web')).toEqual(['kubernetes.default.web.svc.cluster.local', 'kubernetes.default.svc.cluster.local', 'kubernetes.default.cluster.local', 'kubernetes.default']);
    expect(searchCandidates('api.default.svc.cluster.local.', 'web')).toEqual(['api.default.svc.cluster.local']);
    expect(searchCandidates('a.b.c.d.e.f', 'web')[0]).toBe('a.b.c.d.e.f');
  });
  it('kubernetes.default → 10.43.0.1 after one NXDOMAIN', () => {
    const r = resolve('kubernetes.default', 'web', k3sSystemServices());
    expect(r.tried.map((t) => t.rcode)).toEqual(['NXDOMAIN', 'NOERROR']);
    expect(r.answer.answers[0]!.ip).toBe('10.43.0.1');
  });
  it('api.default.svc.cluster.local → the ClusterIP; unknown names → NXDOMAIN', () => {
    expect(coreDnsAnswer('api.default.svc.cluster.local', [api], []).answers[0]!.ip).toBe('10.43.0.2');
    expect(resolve('nope', 'default', [api]).answer.rcode).toBe('NXDOMAIN');
    expect(coreDnsAnswer('kube-dns.kube-system.svc.cluster.local', k3sSystemServices(), []).answers[0]!.ip).toBe('10.43.0.10');
  });
  it('headless services answer with ready endpoint IPs', () => {
    const h = { metadata: { namespace: 'default', name: 'db' }, spec: { clusterIP: 'None' } };
    const s = { metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } }, endpoints: [{ addresses: ['10.42.2.9'] }, { addresses: ['10.42.1.7'] }, { addresses: ['10.42.1.8'], conditions: { ready: false } }] };
    expect(coreDnsAnswer('db.default.svc.cluster.local', [h], [s]).answers.map((a) => a.ip)).toEqual(['10.42.1.7', '10.42.2.9']);
  });
  it('bad names are errors naming the field', () => expect(() => searchCandidates('a b', 'x')).toThrow('name: Invalid value: "a b"'));
});
