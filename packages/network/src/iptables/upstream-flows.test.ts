/**
 * Upstream's packet-flow tables (kubernetes pkg/proxy/iptables/proxier_test.go, v1.33 era) run against
 * our proxier: the same Services/EndpointSlices, the payload restored into the kernel-table model,
 * and upstream's own tracer (ported in testing/packet-tracer.ts) deciding where each packet goes and
 * whether it is masqueraded. Test and case names are upstream's.
 */
import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from './objects';
import { FakeProxier, testExternalClient, testExternalClientBlocked, testNodeIP, testNodeIPs } from './testing/fake-proxier';
import { runPacketFlowTests, type PacketFlowTest } from './testing/packet-tracer';

type Ep = NonNullable<EndpointSlice['endpoints']>[number];
const svc = (ns: string, name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: ns, name }, spec, ...(status ? { status } : {}) });
const slice = (ns: string, name: string, endpoints: Ep[], ports: { name: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[]): EndpointSlice => ({
  metadata: { namespace: ns, name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  endpoints,
  ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' })),
});
const lb = (...ips: string[]) => ({ loadBalancer: { ingress: ips.map((ip) => ({ ip })) } });
const check = (fp: FakeProxier, tests: PacketFlowTest[]) => expect(runPacketFlowTests(fp.ipt, testNodeIPs, tests)).toEqual([]);
const cond = (ready: boolean, serving: boolean, terminating: boolean) => ({ ready, serving, terminating });
const TESTNODE = 'test-node';

describe('TestNoEndpointsReject', () => {
  it('rejects connections to ClusterIP, external IP, NodePort and LoadBalancer IP', () => {
    const fp = new FakeProxier().onServiceAdd(svc('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.41', externalIPs: ['192.168.99.11'], ports: [{ name: 'p80', protocol: 'TCP', port: 80, nodePort: 3001 }] }, lb('1.2.3.4')));
    fp.syncProxyRules();
    check(fp, [
      { name: 'pod to cluster IP with no endpoints', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: 'REJECT' },
      { name: 'external to external IP with no endpoints', sourceIP: testExternalClient, destIP: '192.168.99.11', destPort: 80, output: 'REJECT' },
      { name: 'pod to NodePort with no endpoints', sourceIP: '10.0.0.2', destIP: testNodeIP, destPort: 3001, output: 'REJECT' },
      { name: 'external to NodePort with no endpoints', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3001, output: 'REJECT' },
      { name: 'pod to LoadBalancer IP with no endpoints', sourceIP: '10.0.0.2', destIP: '1.2.3.4', destPort: 80, output: 'REJECT' },
      { name: 'external to LoadBalancer IP with no endpoints', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output: 'REJECT' },
    ]);
  });
});

describe('TestClusterIPGeneral', () => {
  it('ClusterIP basics: hairpin, multiple endpoints, targetPort, TCP/UDP/SCTP on one port', () => {
    const fp = new FakeProxier();
    fp.onServiceAdd(
      svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }),
      svc('ns2', 'svc2', { clusterIP: '172.30.0.42', ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
        { name: 'dns-udp', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 5353 },
        { name: 'dns-sctp', port: 53, protocol: 'SCTP' },
      ] }),
    );
    fp.onEndpointSliceAdd(
      slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'], nodeName: TESTNODE }], [{ name: 'http', port: 80 }]),
      slice('ns2', 'svc2', [{ addresses: ['10.180.0.1'], nodeName: TESTNODE }, { addresses: ['10.180.2.1'], nodeName: 'node2' }], [
        { name: 'http', port: 80 }, { name: 'https', port: 8443 }, { name: 'dns-udp', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 5353 }, { name: 'dns-sctp', port: 53, protocol: 'SCTP' },
      ]),
    );
    fp.syncProxyRules();
    check(fp, [
      { name: 'simple clusterIP', sourceIP: '10.180.0.2', destIP: '172.30.0.41', destPort: 80, output: '10.180.0.1:80', masq: false },
      { name: 'hairpin to cluster IP', sourceIP: '10.180.0.1', destIP: '172.30.0.41', destPort: 80, output: '10.180.0.1:80', masq: true },
      { name: 'clusterIP with multiple endpoints', sourceIP: '10.180.0.2', destIP: '172.30.0.42', destPort: 80, output: '10.180.0.1:80, 10.180.2.1:80', masq: false },
      { name: 'clusterIP with TargetPort', sourceIP: '10.180.0.2', destIP: '172.30.0.42', destPort: 443, output: '10.180.0.1:8443, 10.180.2.1:8443', masq: false },
      { name: 'clusterIP with TCP, UDP, and SCTP on same port (TCP)', sourceIP: '10.180.0.2', protocol: 'TCP', destIP: '172.30.0.42', destPort: 53, output: '10.180.0.1:5353, 10.180.2.1:5353', masq: false },
      { name: 'clusterIP with TCP, UDP, and SCTP on same port (UDP)', sourceIP: '10.180.0.2', protocol: 'UDP', destIP: '172.30.0.42', destPort: 53, output: '10.180.0.1:53, 10.180.2.1:53', masq: false },
      { name: 'clusterIP with TCP, UDP, and SCTP on same port (SCTP)', sourceIP: '10.180.0.2', protocol: 'SCTP', destIP: '172.30.0.42', destPort: 53, output: '10.180.0.1:53, 10.180.2.1:53', masq: false },
      { name: 'TCP-only port does not match UDP traffic', sourceIP: '10.180.0.2', protocol: 'UDP', destIP: '172.30.0.42', destPort: 80, output: '' },
      { name: "svc1 does not accept svc2's ports", sourceIP: '10.180.0.2', destIP: '172.30.0.41', destPort: 443, output: '' },
    ]);
  });
});

describe('TestLoadBalancer', () => {
  it('LoadBalancerSourceRanges: accepted, blocked, node allowed, LB-IP SNAT implicitly allowed', () => {
    const fp = new FakeProxier();
    fp.onServiceAdd(svc('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }], loadBalancerSourceRanges: ['192.168.0.0/24', ' 203.0.113.0/25'] }, lb('1.2.3.4', '5.6.7.8')));
    fp.onEndpointSliceAdd(slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }], [{ name: 'p80', port: 80 }]));
    fp.syncProxyRules();
    const ep = '10.180.0.1:80';
    check(fp, [
      { name: 'pod to cluster IP', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: ep, masq: false },
      { name: 'external to nodePort', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3001, output: ep, masq: true },
      { name: 'nodePort bypasses LoadBalancerSourceRanges', sourceIP: testExternalClientBlocked, destIP: testNodeIP, destPort: 3001, output: ep, masq: true },
      { name: 'accepted external to LB1', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output: ep, masq: true },
      { name: 'accepted external to LB2', sourceIP: testExternalClient, destIP: '5.6.7.8', destPort: 80, output: ep, masq: true },
      { name: 'blocked external to LB1', sourceIP: testExternalClientBlocked, destIP: '1.2.3.4', destPort: 80, output: 'DROP' },
      { name: 'blocked external to LB2', sourceIP: testExternalClientBlocked, destIP: '5.6.7.8', destPort: 80, output: 'DROP' },
      { name: 'pod to LB1 (blocked by LoadBalancerSourceRanges)', sourceIP: '10.0.0.2', destIP: '1.2.3.4', destPort: 80, output: 'DROP' },
      { name: 'pod to LB2 (blocked by LoadBalancerSourceRanges)', sourceIP: '10.0.0.2', destIP: '5.6.7.8', destPort: 80, output: 'DROP' },
      { name: 'node to LB1 (allowed by LoadBalancerSourceRanges)', sourceIP: testNodeIP, destIP: '1.2.3.4', destPort: 80, output: ep, masq: true },
      { name: 'node to LB2 (allowed by LoadBalancerSourceRanges)', sourceIP: testNodeIP, destIP: '5.6.7.8', destPort: 80, output: ep, masq: true },
      { name: 'same node to LB1, SNATted to LB1 (implicitly allowed)', sourceIP: '1.2.3.4', destIP: '1.2.3.4', destPort: 80, output: ep, masq: true },
      { name: 'same node to LB2, SNATted to LB2 (implicitly allowed)', sourceIP: '5.6.7.8', destIP: '5.6.7.8', destPort: 80, output: ep, masq: true },
    ]);
  });
});

describe('TestNodePorts (IPv4 cases)', () => {
  // --nodeport-addresses CIDRs resolved against the fake node's interfaces (lo 127.0.0.1/8, eth0 testNodeIPs).
  const hostIPs = ['127.0.0.1', ...testNodeIPs];
  const resolve = (cidrs: string[] | null) => (cidrs ? hostIPs.filter((ip) => cidrs.some((c) => c.includes('.') && inCidr(ip, c))) : []);
  const inCidr = (ip: string, cidr: string) => {
    const [base, bits] = cidr.split('/') as [string, string];
    const n = (s: string) => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);
    const m = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
    return (n(ip) & m) >>> 0 === (n(base) & m) >>> 0;
  };
  it.each([
    { name: 'ipv4, localhost-nodeports enabled', localhostNodePorts: true, nodePortAddresses: null, allowAltNodeIP: true, expectFirewall: true },
    { name: 'ipv4, localhost-nodeports disabled', localhostNodePorts: false, nodePortAddresses: null, allowAltNodeIP: true, expectFirewall: false },
    { name: 'ipv4, localhost-nodeports disabled, localhost in nodeport-addresses', localhostNodePorts: false, nodePortAddresses: ['192.168.0.0/24', '127.0.0.1/32'], allowAltNodeIP: false, expectFirewall: false },
    { name: 'ipv4, localhost-nodeports enabled, multiple nodeport-addresses', localhostNodePorts: false, nodePortAddresses: ['192.168.0.0/24', '192.168.1.0/24', '2001:db8::/64'], allowAltNodeIP: true, expectFirewall: false },
  ])('$name', (tc) => {
    const fp = new FakeProxier({ localhostNodePorts: tc.localhostNodePorts, nodePortAddresses: resolve(tc.nodePortAddresses) });
    fp.onServiceAdd(svc('ns1', 'svc1', { type: 'NodePort', clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }] }));
    fp.onEndpointSliceAdd(slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }, { addresses: ['10.180.2.1'], nodeName: TESTNODE }], [{ name: 'p80', port: 80 }]));
    fp.syncProxyRules();
    const output = '10.180.0.1:80, 10.180.2.1:80';
    check(fp, [
      { name: 'pod to cluster IP', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output, masq: false },
      { name: 'external to nodePort', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3001, output, masq: true },
      { name: 'node to nodePort', sourceIP: testNodeIP, destIP: testNodeIP, destPort: 3001, output, masq: true },
      tc.localhostNodePorts
        ? { name: 'localhost to nodePort gets masqueraded', sourceIP: '127.0.0.1', destIP: '127.0.0.1', destPort: 3001, output, masq: true }
        : { name: 'localhost to nodePort is ignored', sourceIP: '127.0.0.1', destIP: '127.0.0.1', destPort: 3001, output: '' },
      tc.allowAltNodeIP
        ? { name: 'external to nodePort on secondary IP', sourceIP: testExternalClient, destIP: '192.168.1.2', destPort: 3001, output, masq: true }
        : { name: 'secondary nodeIP ignores NodePorts', sourceIP: testExternalClient, destIP: '192.168.1.2', destPort: 3001, output: '' },
    ]);
    const fw = fp.iptablesData.split('\n').filter((l) => l.startsWith('-A KUBE-FIREWALL '));
    expect(fw).toEqual(tc.expectFirewall ? ['-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP'] : []);
  });
});

describe('TestHealthCheckNodePort', () => {
  it('the firewall accepts the health check node port, and stops when the service goes', () => {
    const fp = new FakeProxier({ nodePortAddresses: ['127.0.0.1'] });
    const s = svc('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.42', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }], healthCheckNodePort: 30000, externalTrafficPolicy: 'Local' });
    fp.onServiceAdd(s).syncProxyRules();
    check(fp, [{ name: 'firewall accepts HealthCheckNodePort', sourceIP: '1.2.3.4', destIP: testNodeIP, destPort: 30000, output: 'ACCEPT', masq: false }]);
    fp.onServiceDelete(s).syncProxyRules();
    check(fp, [{ name: 'HealthCheckNodePort no longer has any rule', sourceIP: '1.2.3.4', destIP: testNodeIP, destPort: 30000, output: '' }]);
  });
});

describe('TestDropInvalidRule / TestMasqueradeRule', () => {
  const chain = (text: string, c: string) => text.split('\n').filter((l) => l.startsWith(`-A ${c} `));
  const fwd = ['-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT', '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT'];
  it.each([
    { nfacct: false, tcpLiberal: false, drop: ['-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP'] },
    { nfacct: true, tcpLiberal: false, drop: ['-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP'] },
    { nfacct: false, tcpLiberal: true, drop: [] },
  ])('tcpLiberal is $tcpLiberal and nfacctEnsured is $nfacct', ({ nfacct, tcpLiberal, drop }) => {
    const fp = new FakeProxier({ nfacct, conntrackTCPLiberal: tcpLiberal });
    fp.syncProxyRules();
    expect(chain(fp.iptablesData, 'KUBE-FORWARD')).toEqual([...drop, ...fwd]);
  });
  it.each([false, true])('randomFully %s', (randomFully) => {
    const fp = new FakeProxier({ randomFully });
    fp.syncProxyRules();
    expect(chain(fp.iptablesData, 'KUBE-POSTROUTING')).toEqual([
      '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
      '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
      `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${randomFully ? ' --random-fully' : ''}`,
    ]);
  });
});

describe('TestExternalTrafficPolicyLocal / TestExternalTrafficPolicyCluster', () => {
  const setup = (etp: 'Local' | 'Cluster') => {
    const fp = new FakeProxier();
    fp.onServiceAdd(svc('ns1', 'svc1', { type: 'LoadBalancer', externalTrafficPolicy: etp, clusterIP: '172.30.0.41', externalIPs: ['192.168.99.11'], ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001, targetPort: 80 }], ...(etp === 'Local' ? { healthCheckNodePort: 30000 } : {}) }, lb('1.2.3.4')));
    fp.onEndpointSliceAdd(slice('ns1', 'svc1', [{ addresses: ['10.180.0.1'] }, { addresses: ['10.180.2.1'], nodeName: TESTNODE }], [{ name: 'p80', port: 80 }]));
    fp.syncProxyRules();
    return fp;
  };
  const both = '10.180.0.1:80, 10.180.2.1:80';
  it('Local: external traffic only to the local endpoint and not masqueraded; pods reach both', () => {
    check(setup('Local'), [
      { name: 'pod to cluster IP hits both endpoints, unmasqueraded', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: both, masq: false },
      { name: 'pod to external IP hits both endpoints, unmasqueraded', sourceIP: '10.0.0.2', destIP: '192.168.99.11', destPort: 80, output: both, masq: false },
      { name: 'external to external IP hits only local endpoint, unmasqueraded', sourceIP: testExternalClient, destIP: '192.168.99.11', destPort: 80, output: '10.180.2.1:80', masq: false },
      { name: 'pod to LB IP hits only both endpoints, unmasqueraded', sourceIP: '10.0.0.2', destIP: '1.2.3.4', destPort: 80, output: both, masq: false },
      { name: 'external to LB IP hits only local endpoint, unmasqueraded', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output: '10.180.2.1:80', masq: false },
      { name: 'pod to NodePort hits both endpoints, unmasqueraded', sourceIP: '10.0.0.2', destIP: testNodeIP, destPort: 3001, output: both, masq: false },
      { name: 'external to NodePort hits only local endpoint, unmasqueraded', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3001, output: '10.180.2.1:80', masq: false },
    ]);
  });
  it('Cluster: external traffic to both endpoints, masqueraded', () => {
    check(setup('Cluster'), [
      { name: 'pod to cluster IP hits both endpoints, unmasqueraded', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: both, masq: false },
      { name: 'pod to external IP hits both endpoints, masqueraded', sourceIP: '10.0.0.2', destIP: '192.168.99.11', destPort: 80, output: both, masq: true },
      { name: 'external to external IP hits both endpoints, masqueraded', sourceIP: testExternalClient, destIP: '192.168.99.11', destPort: 80, output: both, masq: true },
      { name: 'pod to LB IP hits both endpoints, masqueraded', sourceIP: '10.0.0.2', destIP: '1.2.3.4', destPort: 80, output: both, masq: true },
      { name: 'external to LB IP hits both endpoints, masqueraded', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output: both, masq: true },
      { name: 'pod to NodePort hits both endpoints, masqueraded', sourceIP: '10.0.0.2', destIP: testNodeIP, destPort: 3001, output: both, masq: true },
      { name: 'external to NodePort hits both endpoints, masqueraded', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3001, output: both, masq: true },
    ]);
  });
});

const svc1Slice = (endpoints: Ep[]) => slice('ns1', 'svc1', endpoints, [{ name: '', port: 80 }]);
const afterDelete = (withLB: boolean): PacketFlowTest[] => [
  { name: 'pod to clusterIP after endpoints deleted', sourceIP: '10.0.0.2', destIP: '172.30.1.1', destPort: 80, output: 'REJECT' },
  ...(withLB ? [{ name: 'external to LB after endpoints deleted', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output: 'REJECT' }] : []),
];

describe('TestInternalTrafficPolicy', () => {
  const ep = (ip: string, nodeName: string): Ep => ({ addresses: [ip], conditions: { ready: true }, nodeName });
  it.each([
    { name: 'internalTrafficPolicy is cluster', itp: 'Cluster' as const, eps: [ep('10.0.1.1', TESTNODE), ep('10.0.1.2', 'node1'), ep('10.0.1.3', 'node2')], output: '10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80' },
    { name: 'internalTrafficPolicy is local and there is one local endpoint', itp: 'Local' as const, eps: [ep('10.0.1.1', TESTNODE), ep('10.0.1.2', 'node1'), ep('10.0.1.3', 'node2')], output: '10.0.1.1:80' },
    { name: 'internalTrafficPolicy is local and there are multiple local endpoints', itp: 'Local' as const, eps: [ep('10.0.1.1', TESTNODE), ep('10.0.1.2', TESTNODE), ep('10.0.1.3', 'node2')], output: '10.0.1.1:80, 10.0.1.2:80' },
    { name: 'internalTrafficPolicy is local and there are no local endpoints', itp: 'Local' as const, eps: [ep('10.0.1.1', 'node0'), ep('10.0.1.2', 'node1'), ep('10.0.1.3', 'node2')], output: 'DROP' },
  ])('$name', (tc) => {
    const fp = new FakeProxier().onServiceAdd(svc('ns1', 'svc1', { clusterIP: '172.30.1.1', selector: { foo: 'bar' }, ports: [{ name: '', port: 80, protocol: 'TCP' }], internalTrafficPolicy: tc.itp }));
    const s = svc1Slice(tc.eps);
    fp.onEndpointSliceAdd(s).syncProxyRules();
    check(fp, [{ name: 'pod to ClusterIP', sourceIP: '10.0.0.2', destIP: '172.30.1.1', destPort: 80, output: tc.output, masq: false }]);
    fp.onEndpointSliceDelete(s).syncProxyRules();
    check(fp, afterDelete(false));
  });
});

describe('TestTerminatingEndpointsTrafficPolicyLocal / Cluster', () => {
  const e = (ip: string, c: ReturnType<typeof cond>, nodeName: string): Ep => ({ addresses: [ip], conditions: c, nodeName });
  const R = cond(true, true, false);
  const ST = cond(false, true, true);
  const T = cond(false, false, true);
  const service = (etp: 'Local' | 'Cluster') => svc('ns1', 'svc1', { clusterIP: '172.30.1.1', type: 'LoadBalancer', externalTrafficPolicy: etp, ports: [{ name: '', targetPort: 80, port: 80, protocol: 'TCP' }], healthCheckNodePort: 30000 }, lb('1.2.3.4'));
  const run = (etp: 'Local' | 'Cluster', eps: Ep[], flows: PacketFlowTest[]) => {
    const fp = new FakeProxier().onServiceAdd(service(etp));
    const s = svc1Slice(eps);
    fp.onEndpointSliceAdd(s).syncProxyRules();
    check(fp, flows);
    fp.onEndpointSliceDelete(s).syncProxyRules();
    check(fp, afterDelete(true));
  };
  const pod = (output: string, masq = false): PacketFlowTest => ({ name: 'pod to clusterIP', sourceIP: '10.0.0.2', destIP: '172.30.1.1', destPort: 80, output, masq });
  const ext = (output: string, masq = false): PacketFlowTest => ({ name: 'external to LB', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output, masq });
  it('Local: ready endpoints exist', () => run('Local', [e('10.0.1.1', R, TESTNODE), e('10.0.1.2', R, TESTNODE), e('10.0.1.3', ST, TESTNODE), e('10.0.1.4', T, TESTNODE), e('10.0.1.5', R, 'node-1')], [pod('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80'), ext('10.0.1.1:80, 10.0.1.2:80')]));
  it('Local: only terminating endpoints exist', () => run('Local', [e('10.0.1.2', ST, TESTNODE), e('10.0.1.3', ST, TESTNODE), e('10.0.1.4', T, TESTNODE), e('10.0.1.5', R, 'node-1')], [pod('10.0.1.5:80'), ext('10.0.1.2:80, 10.0.1.3:80')]));
  it('Local: terminating endpoints on remote node', () => run('Local', [e('10.0.1.5', ST, 'node-1')], [pod('10.0.1.5:80'), ext('DROP')]));
  it('Local: no usable endpoints on any node', () => run('Local', [e('10.0.1.5', T, TESTNODE), e('10.0.1.5', T, 'node-1')], [pod('REJECT'), ext('REJECT')]));
  it('Cluster: ready endpoints exist', () => run('Cluster', [e('10.0.1.1', R, TESTNODE), e('10.0.1.2', R, TESTNODE), e('10.0.1.3', ST, 'another-node'), e('10.0.1.4', T, 'another-node'), e('10.0.1.5', R, 'another-node')], [pod('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80'), ext('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80', true)]));
  it('Cluster: only terminating endpoints exist', () => run('Cluster', [e('10.0.1.2', ST, TESTNODE), e('10.0.1.3', ST, TESTNODE), e('10.0.1.4', T, 'another-node'), e('10.0.1.5', ST, 'another-node')], [pod('10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80'), ext('10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80', true)]));
  it('Cluster: terminating endpoints on remote node', () => run('Cluster', [e('10.0.1.5', ST, 'node-1')], [pod('10.0.1.5:80'), ext('10.0.1.5:80', true)]));
  it('Cluster: no usable endpoints on any node', () => run('Cluster', [e('10.0.1.5', T, TESTNODE), e('10.0.1.5', T, 'node-1')], [pod('REJECT'), ext('REJECT')]));
});

describe('TestInternalExternalMasquerade', () => {
  const setup = (fp: FakeProxier) => {
    fp.onServiceAdd(
      svc('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }], healthCheckNodePort: 30001 }, lb('1.2.3.4')),
      svc('ns2', 'svc2', { type: 'LoadBalancer', clusterIP: '172.30.0.42', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3002 }], healthCheckNodePort: 30002, externalTrafficPolicy: 'Local' }, lb('5.6.7.8')),
      svc('ns3', 'svc3', { type: 'LoadBalancer', clusterIP: '172.30.0.43', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3003 }], healthCheckNodePort: 30003, internalTrafficPolicy: 'Local' }, lb('9.10.11.12')),
    );
    for (const n of [1, 2, 3]) fp.onEndpointSliceAdd(slice(`ns${n}`, `svc${n}`, [{ addresses: [`10.180.0.${n}`], nodeName: TESTNODE }, { addresses: [`10.180.1.${n}`], nodeName: 'remote' }], [{ name: 'p80', port: 80 }]));
    fp.syncProxyRules();
  };
  const b = (n: number) => `10.180.0.${n}:80, 10.180.1.${n}:80`;
  const flows: PacketFlowTest[] = [
    { name: 'pod to ClusterIP', sourceIP: '10.0.0.2', destIP: '172.30.0.41', destPort: 80, output: b(1), masq: false },
    { name: 'pod to NodePort', sourceIP: '10.0.0.2', destIP: testNodeIP, destPort: 3001, output: b(1), masq: true },
    { name: 'pod to LB', sourceIP: '10.0.0.2', destIP: '1.2.3.4', destPort: 80, output: b(1), masq: true },
    { name: 'node to ClusterIP', sourceIP: testNodeIP, destIP: '172.30.0.41', destPort: 80, output: b(1), masq: true },
    { name: 'node to NodePort', sourceIP: testNodeIP, destIP: testNodeIP, destPort: 3001, output: b(1), masq: true },
    { name: 'localhost to NodePort', sourceIP: '127.0.0.1', destIP: '127.0.0.1', destPort: 3001, output: b(1), masq: true },
    { name: 'node to LB', sourceIP: testNodeIP, destIP: '1.2.3.4', destPort: 80, output: b(1), masq: true },
    { name: 'external to ClusterIP', sourceIP: testExternalClient, destIP: '172.30.0.41', destPort: 80, output: b(1), masq: true },
    { name: 'external to NodePort', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3001, output: b(1), masq: true },
    { name: 'external to LB', sourceIP: testExternalClient, destIP: '1.2.3.4', destPort: 80, output: b(1), masq: true },
    { name: 'pod to ClusterIP with eTP:Local', sourceIP: '10.0.0.2', destIP: '172.30.0.42', destPort: 80, output: b(2), masq: false },
    { name: 'pod to NodePort with eTP:Local', sourceIP: '10.0.0.2', destIP: testNodeIP, destPort: 3002, output: b(2), masq: false },
    { name: 'pod to LB with eTP:Local', sourceIP: '10.0.0.2', destIP: '5.6.7.8', destPort: 80, output: b(2), masq: false },
    { name: 'node to ClusterIP with eTP:Local', sourceIP: testNodeIP, destIP: '172.30.0.42', destPort: 80, output: b(2), masq: true },
    { name: 'node to NodePort with eTP:Local', sourceIP: testNodeIP, destIP: testNodeIP, destPort: 3001, output: b(1), masq: true },
    { name: 'localhost to NodePort with eTP:Local', sourceIP: '127.0.0.1', destIP: '127.0.0.1', destPort: 3002, output: b(2), masq: true },
    { name: 'node to LB with eTP:Local', sourceIP: testNodeIP, destIP: '5.6.7.8', destPort: 80, output: b(2), masq: true },
    { name: 'external to ClusterIP with eTP:Local', sourceIP: testExternalClient, destIP: '172.30.0.42', destPort: 80, output: b(2), masq: true },
    { name: 'external to NodePort with eTP:Local', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3002, output: '10.180.0.2:80', masq: false },
    { name: 'external to LB with eTP:Local', sourceIP: testExternalClient, destIP: '5.6.7.8', destPort: 80, output: '10.180.0.2:80', masq: false },
    { name: 'pod to ClusterIP with iTP:Local', sourceIP: '10.0.0.2', destIP: '172.30.0.43', destPort: 80, output: '10.180.0.3:80', masq: false },
    { name: 'pod to NodePort with iTP:Local', sourceIP: '10.0.0.2', destIP: testNodeIP, destPort: 3003, output: b(3), masq: true },
    { name: 'pod to LB with iTP:Local', sourceIP: '10.0.0.2', destIP: '9.10.11.12', destPort: 80, output: b(3), masq: true },
    { name: 'node to ClusterIP with iTP:Local', sourceIP: testNodeIP, destIP: '172.30.0.43', destPort: 80, output: '10.180.0.3:80', masq: true },
    { name: 'node to NodePort with iTP:Local', sourceIP: testNodeIP, destIP: testNodeIP, destPort: 3003, output: b(3), masq: true },
    { name: 'localhost to NodePort with iTP:Local', sourceIP: '127.0.0.1', destIP: '127.0.0.1', destPort: 3003, output: b(3), masq: true },
    { name: 'node to LB with iTP:Local', sourceIP: testNodeIP, destIP: '9.10.11.12', destPort: 80, output: b(3), masq: true },
    { name: 'external to ClusterIP with iTP:Local', sourceIP: testExternalClient, destIP: '172.30.0.43', destPort: 80, output: '10.180.0.3:80', masq: true },
    { name: 'external to NodePort with iTP:Local', sourceIP: testExternalClient, destIP: testNodeIP, destPort: 3003, output: b(3), masq: true },
    { name: 'external to LB with iTP:Local', sourceIP: testExternalClient, destIP: '9.10.11.12', destPort: 80, output: b(3), masq: true },
  ];
  type O = { output?: string; masq?: boolean };
  const cases: { name: string; masqueradeAll: boolean; localDetector: boolean; overrides: Record<string, O> }[] = [
    { name: 'base', masqueradeAll: false, localDetector: true, overrides: {} },
    { name: 'no LocalTrafficDetector', masqueradeAll: false, localDetector: false, overrides: {
      'node to ClusterIP': { masq: false }, 'node to ClusterIP with eTP:Local': { masq: false }, 'node to ClusterIP with iTP:Local': { masq: false },
      'external to ClusterIP': { masq: false }, 'external to ClusterIP with eTP:Local': { masq: false }, 'external to ClusterIP with iTP:Local': { masq: false },
      'pod to NodePort with eTP:Local': { output: '10.180.0.2:80' }, 'pod to LB with eTP:Local': { output: '10.180.0.2:80' },
    } },
    { name: 'masqueradeAll', masqueradeAll: true, localDetector: true, overrides: {
      'pod to ClusterIP': { masq: true }, 'pod to ClusterIP with eTP:Local': { masq: true }, 'pod to ClusterIP with iTP:Local': { masq: true },
    } },
    { name: 'masqueradeAll, no LocalTrafficDetector', masqueradeAll: true, localDetector: false, overrides: {
      'pod to ClusterIP': { masq: true }, 'pod to ClusterIP with eTP:Local': { masq: true }, 'pod to ClusterIP with iTP:Local': { masq: true },
      'pod to NodePort with eTP:Local': { output: '10.180.0.2:80' }, 'pod to LB with eTP:Local': { output: '10.180.0.2:80' },
    } },
  ];
  it.each(cases)('$name', (tc) => {
    const fp = new FakeProxier({ masqueradeAll: tc.masqueradeAll, ...(tc.localDetector ? {} : { clusterCidr: '' }) });
    setup(fp);
    let applied = 0;
    const merged = flows.map((f) => {
      const o = tc.overrides[f.name];
      if (!o) return f;
      applied++;
      return { ...f, ...o };
    });
    expect(applied).toBe(Object.keys(tc.overrides).length);
    check(fp, merged);
  });
});
