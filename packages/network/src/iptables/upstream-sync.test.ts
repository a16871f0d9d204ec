/**
 * Ports of upstream's sync tests (kubernetes pkg/proxy/iptables/proxier_test.go, v1.33 era):
 * TestSyncProxyRulesRepeated and TestBadIPs compare whole payloads after sortIPTablesRules (as
 * upstream's assertIPTablesRulesEqual), TestSyncProxyRulesLargeClusterMode counts endpoints and comments
 * as upstream does. Inputs are the same Services/EndpointSlices upstream builds.
 */
import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from './objects';
import { sortIPTablesRules } from './sort-rules';
import { LARGE_CLUSTER_ENDPOINTS_THRESHOLD } from './proxier';
import { countEndpointsAndComments, FakeProxier } from './testing/fake-proxier';
import { badIPsExpected, syncRepeatedExpected } from './testdata/sync-repeated';

const svc = (ns: string, name: string, spec: Service['spec'], status?: Service['status']): Service => ({ metadata: { namespace: ns, name }, spec, ...(status ? { status } : {}) });
const eps = (ns: string, name: string, addrs: string[], portName: string, port: number): EndpointSlice => ({
  metadata: { namespace: ns, name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
  addressType: 'IPv4',
  endpoints: addrs.map((a) => ({ addresses: [a] })),
  ports: [{ name: portName, port, protocol: 'TCP' }],
});
const clusterIP = (ns: string, name: string, ip: string, portName: string, port: number) => svc(ns, name, { type: 'ClusterIP', clusterIP: ip, ports: [{ name: portName, port, protocol: 'TCP' }] });

/** assertIPTablesRulesEqual: both sides through sortIPTablesRules; plus the consistency check (the fake restore accepted it). */
function assertRulesEqual(fp: FakeProxier, expected: string, checkConsistency: boolean) {
  expect(sortIPTablesRules(fp.iptablesData)).toBe(sortIPTablesRules(expected));
  if (checkConsistency) expect(fp.lastRestoreError).toBeNull();
}

describe('TestSyncProxyRulesRepeated (upstream expected payloads)', () => {
  it('every sync matches upstream, including the failed partial restore and the full resync after it', () => {
    const fp = new FakeProxier();
    const exp = syncRepeatedExpected;
    const svc2 = clusterIP('ns2', 'svc2', '172.30.0.42', 'p8080', 8080);
    fp.onServiceAdd(clusterIP('ns1', 'svc1', '172.30.0.41', 'p80', 80), svc2);
    fp.onEndpointSliceAdd(eps('ns1', 'svc1', ['10.0.1.1'], 'p80', 80), eps('ns2', 'svc2', ['10.0.2.1'], 'p8080', 8080));
    expect(fp.syncProxyRules().full).toBe(true);
    assertRulesEqual(fp, exp[0]!.text, true);

    // Add a new service and its endpoints: only svc3's SVC and SEP chains are written.
    fp.onServiceAdd(clusterIP('ns3', 'svc3', '172.30.0.43', 'p80', 80));
    const eps3 = eps('ns3', 'svc3', ['10.0.3.1'], 'p80', 80);
    fp.onEndpointSliceAdd(eps3);
    expect(fp.syncProxyRules().full).toBe(false);
    assertRulesEqual(fp, exp[1]!.text, false);

    // Delete a service (won't update the other services).
    fp.onServiceDelete(svc2);
    fp.syncProxyRules();
    assertRulesEqual(fp, exp[2]!.text, false);

    // Add a service, sync, then add its endpoints.
    const svc4 = clusterIP('ns4', 'svc4', '172.30.0.44', 'p80', 80);
    fp.onServiceAdd(svc4);
    fp.syncProxyRules();
    assertRulesEqual(fp, exp[3]!.text, false);
    fp.onEndpointSliceAdd(eps('ns4', 'svc4', ['10.0.4.1'], 'p80', 80));
    fp.syncProxyRules();
    assertRulesEqual(fp, exp[4]!.text, false);

    // Change an endpoint of an existing service: its SVC and SEP chains are rewritten.
    const eps3update = eps('ns3', 'svc3', ['10.0.3.2'], 'p80', 80);
    fp.onEndpointSliceUpdate(eps3, eps3update);
    fp.syncProxyRules();
    assertRulesEqual(fp, exp[5]!.text, false);

    // Add an endpoint to a service.
    const eps3update2 = eps('ns3', 'svc3', ['10.0.3.2', '10.0.3.3'], 'p80', 80);
    fp.onEndpointSliceUpdate(eps3update, eps3update2);
    fp.syncProxyRules();
    assertRulesEqual(fp, exp[6]!.text, false);

    // Sync with no new changes: no SVC or SEP chains rewritten.
    fp.syncProxyRules();
    assertRulesEqual(fp, exp[7]!.text, false);

    // Force a partial resync error: a rule jumping from svc3's chain to svc4's endpoint makes the
    // deletion of svc4's chains fail; the proxier then needs a full sync.
    expect(fp.needFullSync).toBe(false);
    expect(fp.ipt.chainExists('nat', 'KUBE-SEP-AYCN5HPXMIRJNJXU')).toBe(true);
    fp.ipt.appendRule('nat', 'KUBE-SVC-X27LE4BHSL4DOUIK', '-j KUBE-SEP-AYCN5HPXMIRJNJXU');
    fp.onServiceDelete(svc4);
    expect(fp.syncProxyRules().full).toBe(false);
    expect(fp.lastRestoreError?.message).toMatch(/Too many links/);
    expect(fp.ipt.chainExists('nat', 'KUBE-SEP-AYCN5HPXMIRJNJXU')).toBe(true);
    expect(fp.needFullSync).toBe(true);

    // On retry a full resync succeeds and deletes svc4.
    expect(fp.syncProxyRules().full).toBe(true);
    assertRulesEqual(fp, exp[8]!.text, false);
    expect(fp.lastRestoreError).toBeNull();
    expect(fp.ipt.chainExists('nat', 'KUBE-SEP-AYCN5HPXMIRJNJXU')).toBe(false);
  });
});

describe('TestBadIPs (upstream expected payload)', () => {
  it('rewrites "bad" IPs and CIDRs to good ones, byte for byte after sorting', () => {
    const fp = new FakeProxier();
    fp.onServiceAdd(svc('ns1', 'svc1', { type: 'LoadBalancer', clusterIP: '172.30.0.041', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }], externalIPs: ['192.168.099.022'], loadBalancerSourceRanges: ['203.0.113.000/025'] }, { loadBalancer: { ingress: [{ ip: '1.2.3.004' }] } }));
    fp.onEndpointSliceAdd(eps('ns1', 'svc1', ['10.180.00.001'], 'p80', 80));
    fp.syncProxyRules();
    assertRulesEqual(fp, badIPsExpected, true);
  });
});

describe('TestSyncProxyRulesLargeClusterMode (upstream assertions)', () => {
  it('drops comments above the threshold, partial syncs only the changed service, delays stale-chain deletion by a sync period', () => {
    const fp = new FakeProxier({ masqueradeAll: true, syncPeriodMs: 30_000 });
    fp.onServiceAdd(clusterIP('ns1', 'svc1', '172.30.0.41', 'p80', 80), clusterIP('ns2', 'svc2', '172.30.0.42', 'p8080', 8080), clusterIP('ns3', 'svc3', '172.30.0.43', 'p8081', 8081));
    const n = LARGE_CLUSTER_ENDPOINTS_THRESHOLD / 2 - 1;
    const addrs = (b: number) => Array.from({ length: n }, (_, i) => `10.${b}.${i % 256}.${Math.floor(i / 256)}`);
    fp.onEndpointSliceAdd(eps('ns1', 'svc1', addrs(0), 'p80', 80), eps('ns2', 'svc2', addrs(1), 'p8080', 8080));
    let now = 1_000_000;
    fp.syncProxyRules({ nowMs: now });
    let expectedEndpoints = 2 * n;
    let c = countEndpointsAndComments(fp.iptablesData, '10.0.0.0');
    expect(c.matched).toBe('-A KUBE-SEP-DKGQUZGBKLTPAR56 -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.0.0.0:80');
    expect(c.numEndpoints).toBe(expectedEndpoints);
    expect(c.numComments).toBe(c.numEndpoints);

    fp.onEndpointSliceAdd(eps('ns3', 'svc3', ['203.0.113.4', '203.0.113.8', '203.0.113.12'], 'p8081', 8081));
    fp.syncProxyRules({ nowMs: ++now });
    c = countEndpointsAndComments(fp.iptablesData, '203.0.113.4');
    expect(c.matched).toBe('-A KUBE-SEP-RUVVH7YV3PHQBDOS -m tcp -p tcp -j DNAT --to-destination 203.0.113.4:8081');
    expect(c.numEndpoints).toBe(3);
    expect(c.numComments).toBe(0);

    // A forced full resync rewrites the older services without comments too.
    fp.syncProxyRules({ forceFull: true, nowMs: ++now });
    expectedEndpoints += 3;
    c = countEndpointsAndComments(fp.iptablesData, '10.0.0.0');
    expect(c.matched).toBe('-A KUBE-SEP-DKGQUZGBKLTPAR56 -m tcp -p tcp -j DNAT --to-destination 10.0.0.0:80');
    expect(c.numEndpoints).toBe(expectedEndpoints);
    expect(c.numComments).toBe(0);

    const svc4 = clusterIP('ns4', 'svc4', '172.30.0.44', 'p8082', 8082);
    fp.onServiceAdd(svc4);
    fp.onEndpointSliceAdd(eps('ns4', 'svc4', ['10.4.0.1'], 'p8082', 8082));
    fp.syncProxyRules({ nowMs: ++now });
    c = countEndpointsAndComments(fp.iptablesData, '10.4.0.1');
    expect(c.matched).toBe('-A KUBE-SEP-SU5STNODRYEWJAUF -m tcp -p tcp -j DNAT --to-destination 10.4.0.1:8082');
    expect(c.numEndpoints).toBe(1);

    // In large-cluster mode a deleted service's chains are not deleted at once…
    fp.onServiceDelete(svc4);
    fp.syncProxyRules({ nowMs: ++now });
    c = countEndpointsAndComments(fp.iptablesData, '10.4.0.1');
    expect(c.matched).toBe('');
    expect(c.numEndpoints).toBe(0);
    expect(fp.iptablesData).not.toContain('-X ');

    // …but after a sync period they are.
    now += 30_000 + 1;
    fp.syncProxyRules({ nowMs: now });
    c = countEndpointsAndComments(fp.iptablesData, '10.4.0.1');
    expect(c.matched).toBe('');
    expect(c.numEndpoints).toBe(0);
    expect(fp.iptablesData).toContain('-X KUBE-SVC-EBDQOQU5SJFXRIL3');
    expect(fp.iptablesData).toContain('-X KUBE-SEP-SU5STNODRYEWJAUF');

    fp.syncProxyRules({ forceFull: true, nowMs: ++now });
    expect(countEndpointsAndComments(fp.iptablesData, '10.0.0.0').numEndpoints).toBe(expectedEndpoints);
  });
});
