import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { printEndpointSlice, printEndpoints } from './endpoints';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go (TestPrintEndpoint,
// TestPrintEndpointSlice). time.Now().Add(1.9e9) prints "0s", Add(-3e11) "5m".
const now = Date.parse('2025-11-09T12:00:00Z');
const soon = new Date(now + 1900).toISOString();
const fiveMinAgo = new Date(now - 300_000).toISOString();
const ep = (name: string, creationTimestamp: string, subsets?: any[]): KubeObject => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, creationTimestamp }, ...(subsets ? { subsets } : {}) });
const slice = (name: string, creationTimestamp: string, addressType: string, ports: any[], endpoints: any[]): KubeObject => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, creationTimestamp }, addressType, ports, endpoints });

describe('printEndpoints', () => {
  const cases: { name: string; o: KubeObject; expected: (string | number)[] }[] = [
    // Columns: Name, Endpoints, Age
    { name: 'no IPs', o: ep('endpoint1', soon), expected: ['endpoint1', '<none>', '0s'] },
    { name: 'no ports', o: ep('endpoint3', fiveMinAgo, [{ addresses: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }] }]), expected: ['endpoint3', '1.2.3.4,5.6.7.8', '5m'] },
    { name: 'two IPs and one port', o: ep('endpoint2', soon, [{ addresses: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }], ports: [{ port: 8001, protocol: 'tcp' }] }]), expected: ['endpoint2', '1.2.3.4:8001,5.6.7.8:8001', '0s'] },
    { name: 'more than three IPs', o: ep('endpoint2', soon, [{ addresses: [{ ip: '1.2.3.4' }, { ip: '5.6.7.8' }, { ip: '9.8.7.6' }, { ip: '6.6.6.6' }], ports: [{ port: 8001, protocol: 'tcp' }] }]), expected: ['endpoint2', '1.2.3.4:8001,5.6.7.8:8001,9.8.7.6:8001 + 1 more...', '0s'] },
    // Beyond upstream's cases: "more" counts every address x port, across subsets; IPv6 is bracketed.
    {
      name: 'kube-dns: 2 pods x 3 ports',
      o: ep('kube-dns', fiveMinAgo, [{ addresses: [{ ip: '10.42.0.4' }, { ip: '10.42.1.5' }], ports: [{ name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }] }]),
      expected: ['kube-dns', '10.42.0.4:53,10.42.1.5:53,10.42.0.4:53 + 3 more...', '5m'],
    },
    { name: 'IPv6 and a second subset', o: ep('v6', soon, [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }, { addresses: [{ ip: '10.42.1.5' }], ports: [{ port: 80 }] }]), expected: ['v6', '[fd00::1]:80,10.42.1.5:80', '0s'] },
    { name: 'subsets without addresses', o: ep('empty', soon, [{ notReadyAddresses: [{ ip: '10.42.1.9' }], ports: [{ port: 80 }] }]), expected: ['empty', '', '0s'] },
  ];
  it.each(cases)('$name', ({ o, expected }) => expect(printEndpoints(o, now)).toEqual(expected));
});

describe('printEndpointSlice', () => {
  const http = { name: 'http', port: 80, protocol: 'TCP' };
  const https = { name: 'https', port: 443, protocol: 'TCP' };
  const cases: { name: string; o: KubeObject; expected: (string | number)[] }[] = [
    // Columns: Name, AddressType, Ports, Endpoints, Age
    { name: 'one port, two addresses', o: slice('abcslice.123', soon, 'IPv4', [http], [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }]), expected: ['abcslice.123', 'IPv4', '80', '10.1.2.3,2001:db8::1234:5678', '0s'] },
    { name: 'two ports, four addresses', o: slice('longerslicename.123', fiveMinAgo, 'IPv6', [http, https], [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }, { addresses: ['10.2.3.4', '2001:db8::2345:6789'] }]), expected: ['longerslicename.123', 'IPv6', '80,443', '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...', '5m'] },
    {
      name: 'four ports',
      o: slice('multiportslice.123', fiveMinAgo, 'IPv4', [http, https, { name: 'extra1', port: 3000, protocol: 'TCP' }, { name: 'extra2', port: 3001, protocol: 'TCP' }], [{ addresses: ['10.1.2.3', '2001:db8::1234:5678'] }, { addresses: ['10.2.3.4', '2001:db8::2345:6789'] }]),
      expected: ['multiportslice.123', 'IPv4', '80,443,3000 + 1 more...', '10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...', '5m'],
    },
    // Beyond upstream's cases: a port without number prints its name, without either "*"; nothing is <unset>.
    { name: 'port name / "*" / <unset>', o: slice('s', soon, 'IPv4', [{ name: 'metrics' }, { protocol: 'TCP' }], []), expected: ['s', 'IPv4', 'metrics,*', '<unset>', '0s'] },
    { name: 'no ports, no endpoints', o: slice('kubernetes', soon, 'IPv4', [], []), expected: ['kubernetes', 'IPv4', '<unset>', '<unset>', '0s'] },
  ];
  it.each(cases)('$name', ({ o, expected }) => expect(printEndpointSlice(o, now)).toEqual(expected));
});
