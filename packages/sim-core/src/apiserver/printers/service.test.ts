import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { printService } from './service';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go (TestPrintService,
// TestPrintServiceLoadBalancer, TestPrintServiceList). No creationTimestamp: Age "<unknown>".
const now = Date.parse('2025-11-09T12:00:00Z');
const svc = (name: string, spec: any, status?: any): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec, ...(status ? { status } : {}) });
type Case = { name: string; o: KubeObject; wide: boolean; expected: (string | number)[] };

describe('printService (TestPrintService)', () => {
  const singleExternalIP = ['80.11.12.10'];
  const mulExternalIP = ['80.11.12.10', '80.11.12.11'];
  const cases: Case[] = [
    { name: 'name, cluster ip, port with protocol', o: svc('test1', { type: 'ClusterIP', ports: [{ protocol: 'tcp', port: 2233 }], clusterIPs: ['10.9.8.7'], selector: { foo: 'bar' } }), wide: false, expected: ['test1', 'ClusterIP', '10.9.8.7', '<none>', '2233/tcp', '<unknown>'] },
    { name: 'wide includes selectors', o: svc('test1', { type: 'ClusterIP', ports: [{ protocol: 'tcp', port: 2233 }], clusterIPs: ['10.9.8.7'], selector: { foo: 'bar' } }), wide: true, expected: ['test1', 'ClusterIP', '10.9.8.7', '<none>', '2233/tcp', '<unknown>', 'foo=bar'] },
    { name: 'NodePort', o: svc('test2', { type: 'NodePort', ports: [{ protocol: 'tcp', port: 8888, nodePort: 9999 }], clusterIPs: ['10.9.8.7'] }), wide: false, expected: ['test2', 'NodePort', '10.9.8.7', '<none>', '8888:9999/tcp', '<unknown>'] },
    { name: 'LoadBalancer pending', o: svc('test3', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'] }), wide: false, expected: ['test3', 'LoadBalancer', '10.9.8.7', '<pending>', '8888/tcp', '<unknown>'] },
    { name: 'LoadBalancer single ExternalIP, no status', o: svc('test4', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'], externalIPs: singleExternalIP }), wide: false, expected: ['test4', 'LoadBalancer', '10.9.8.7', '80.11.12.10', '8888/tcp', '<unknown>'] },
    { name: 'LoadBalancer single ExternalIP', o: svc('test5', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'], externalIPs: singleExternalIP }, { loadBalancer: { ingress: [{ ip: '3.4.5.6', hostname: 'test.cluster.com' }] } }), wide: false, expected: ['test5', 'LoadBalancer', '10.9.8.7', '3.4.5.6,80.11.12.10', '8888/tcp', '<unknown>'] },
    { name: 'LoadBalancer multiple ExternalIPs', o: svc('test6', { type: 'LoadBalancer', ports: [{ protocol: 'tcp', port: 8888 }], clusterIPs: ['10.9.8.7'], externalIPs: mulExternalIP }, { loadBalancer: { ingress: [{ ip: '2.3.4.5', hostname: 'test.cluster.local' }, { ip: '3.4.5.6', hostname: 'test.cluster.com' }] } }), wide: false, expected: ['test6', 'LoadBalancer', '10.9.8.7', '2.3.4.5,3.4.5.6,80.11.12.10,80.11.12.11', '8888/tcp', '<unknown>'] },
    { name: 'ExternalName', o: svc('test7', { type: 'ExternalName', externalName: 'my.database.example.com' }), wide: false, expected: ['test7', 'ExternalName', '<none>', 'my.database.example.com', '<none>', '<unknown>'] },
    // TestPrintServiceList
    { name: 'list item 1', o: svc('service1', { type: 'ClusterIP', ports: [{ protocol: 'tcp', port: 2233 }], clusterIPs: ['10.9.8.7'] }), wide: false, expected: ['service1', 'ClusterIP', '10.9.8.7', '<none>', '2233/tcp', '<unknown>'] },
    { name: 'list item 2', o: svc('service2', { type: 'NodePort', ports: [{ protocol: 'udp', port: 5566 }], clusterIPs: ['1.2.3.4'] }), wide: false, expected: ['service2', 'NodePort', '1.2.3.4', '<none>', '5566/udp', '<unknown>'] },
  ];
  it.each(cases)('$name', ({ o, wide, expected }) => expect(printService(o, now, { wide })).toEqual(expected));
});

describe('printService (TestPrintServiceLoadBalancer)', () => {
  const threeIngress = { loadBalancer: { ingress: [{ ip: '2.3.4.5' }, { ip: '3.4.5.6' }, { ip: '5.6.7.8', hostname: 'host5678' }] } };
  const cases: Case[] = [
    { name: 'multiple external IPs', o: svc('service1', { clusterIPs: ['1.2.3.4'], type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '2.3.4.5' }, { ip: '3.4.5.6' }] } }), wide: false, expected: ['service1', 'LoadBalancer', '1.2.3.4', '2.3.4.5,3.4.5.6', '80/TCP', '<unknown>'] },
    { name: 'pending external IP', o: svc('service2', { clusterIPs: ['1.3.4.5'], type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 8090, protocol: 'UDP' }, { port: 8000, protocol: 'TCP' }, { port: 7777, protocol: 'SCTP' }] }), wide: false, expected: ['service2', 'LoadBalancer', '1.3.4.5', '<pending>', '80/TCP,8090/UDP,8000/TCP,7777/SCTP', '<unknown>'] },
    { name: 'multiple ports', o: svc('service3', { clusterIPs: ['1.4.5.6'], type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 8090, protocol: 'UDP' }, { port: 8000, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '2.3.4.5' }] } }), wide: false, expected: ['service3', 'LoadBalancer', '1.4.5.6', '2.3.4.5', '80/TCP,8090/UDP,8000/TCP', '<unknown>'] },
    { name: 'long external IP list elided', o: svc('service4', { clusterIPs: ['1.5.6.7'], type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 8090, protocol: 'UDP' }, { port: 8000, protocol: 'TCP' }] }, threeIngress), wide: false, expected: ['service4', 'LoadBalancer', '1.5.6.7', '2.3.4.5,3.4.5...', '80/TCP,8090/UDP,8000/TCP', '<unknown>'] },
    { name: 'wide: not elided, includes selectors', o: svc('service4', { clusterIPs: ['1.5.6.7'], type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 8090, protocol: 'UDP' }, { port: 8000, protocol: 'TCP' }], selector: { foo: 'bar' } }, threeIngress), wide: true, expected: ['service4', 'LoadBalancer', '1.5.6.7', '2.3.4.5,3.4.5.6,5.6.7.8', '80/TCP,8090/UDP,8000/TCP', '<unknown>', 'foo=bar'] },
  ];
  it.each(cases)('$name', ({ o, wide, expected }) => expect(printService(o, now, { wide })).toEqual(expected));
});

describe('printService (k3s objects, server-side wide)', () => {
  it('traefik LoadBalancer with klipper-lb ingress IPs, sorted and de-duplicated, never clipped by the server', () => {
    const traefik: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'traefik', namespace: 'kube-system', creationTimestamp: new Date(now - 2 * 86400_000 - 3 * 3600_000).toISOString() },
      spec: { type: 'LoadBalancer', clusterIP: '10.43.12.7', clusterIPs: ['10.43.12.7'], ports: [{ name: 'web', port: 80, nodePort: 30080, protocol: 'TCP' }, { name: 'websecure', port: 443, nodePort: 30443, protocol: 'TCP' }], selector: { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik-kube-system' } },
      status: { loadBalancer: { ingress: [{ ip: '192.168.56.12', ipMode: 'VIP' }, { ip: '192.168.56.10', ipMode: 'VIP' }, { ip: '192.168.56.11', ipMode: 'VIP' }, { ip: '192.168.56.10' }] } },
    };
    expect(printService(traefik, now)).toEqual(['traefik', 'LoadBalancer', '10.43.12.7', '192.168.56.10,192.168.56.11,192.168.56.12', '80:30080/TCP,443:30443/TCP', '2d3h', 'app.kubernetes.io/instance=traefik-kube-system,app.kubernetes.io/name=traefik']);
  });
  it('headless service; hostname-only ingress; unknown type', () => {
    expect(printService(svc('db', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }] }), now).slice(1, 5)).toEqual(['ClusterIP', 'None', '<none>', '5432/TCP']);
    expect(printService(svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.43.0.9'] }, { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } }), now).slice(3, 5)).toEqual(['lb.example.com', '<none>']);
    expect(printService(svc('x', {}), now)).toEqual(['x', '', '<none>', '<unknown>', '<none>', '<unknown>', '<none>']);
  });
});
