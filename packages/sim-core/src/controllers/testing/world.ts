/**
 * A small cluster for controller tests and the bench: the fake apiserver (see fake-apiserver.ts),
 * kube-controller-manager, kube-scheduler, and kubelet + containerd on each node.
 */
import { Kernel } from '../../kernel/kernel';
import type { KubeObject } from '../../objects/meta';
import { DEFAULT_CONTAINERD, makeContainerd } from '../../node/containerd';
import { makeKubelet } from '../../node/kubelet-pods';
import { makeKubeControllerManager } from '../kube-controller-manager';
import { makeKubeScheduler } from '../kube-scheduler';
import { makeFakeApiserver, type FakeApiState } from './fake-apiserver';

export const API = 'cp/kube-apiserver';
const cert = (cn: string) => ({ subject: { CN: cn, O: [] }, issuer: { CN: 'ca' }, serial: cn, notBefore: '', notAfter: '', extKeyUsage: ['clientAuth'] }) as any;

/** A k3s agent's Node: the labels the kubelet registers it with (as scenarios/tower-fleet-objects.ts nodeObject), its pod CIDR, Ready. */
export function nodeObj(name: string, ip: string, podCIDR: string): KubeObject {
  const labels = { 'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/instance-type': 'k3s', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'node.kubernetes.io/instance-type': 'k3s' };
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { podCIDR, podCIDRs: [podCIDR] }, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: ip }], allocatable: { pods: '110' } } };
}

export function buildWorld(opts: { seed: number; nodes: number; cachedImages?: string[]; traceFilter?: (t: string, k: string) => boolean; leases?: boolean }) {
  const k = new Kernel({ seed: opts.seed, epochMs: Date.UTC(2025, 10, 9, 12), defaultLink: { latencyUs: 250, jitterUs: 60 }, loopbackUs: 20, ...(opts.traceFilter ? { traceFilter: opts.traceFilter as any } : {}) });
  const nodes: KubeObject[] = [];
  k.addHost({ name: 'cp', ip: '10.0.0.1', role: 'server' } as any);
  for (let i = 0; i < opts.nodes; i++) {
    const name = `node-${String(i).padStart(4, '0')}`;
    const ip = `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    nodes.push(nodeObj(name, ip, `10.${42 + Math.floor(i / 256)}.${i % 256}.0/24`));
    k.addHost({ name, ip, role: 'agent' } as any);
  }
  k.spawn('cp', 'kube-apiserver', makeFakeApiserver(nodes));
  const lease = (name: string, ns: string, period: number, dur: number) => ({ name, namespace: ns, holderIdentity: name, leaseDurationSeconds: dur, periodUs: opts.leases === false ? 3_600_000_000_000 : period, jitterFactor: 0 });
  k.spawn('cp', 'kube-controller-manager', makeKubeControllerManager({ apiserver: API, serverName: '127.0.0.1', cert: cert('system:kube-controller-manager'), userAgent: 'kube-controller-manager/v1.33.5+k3s1', lease: lease('kube-controller-manager', 'kube-system', 2_000_000, 15) }));
  k.spawn('cp', 'kube-scheduler', makeKubeScheduler({ apiserver: API, serverName: '127.0.0.1', cert: cert('system:kube-scheduler'), userAgent: 'kube-scheduler/v1.33.5+k3s1' }));
  for (const n of nodes) {
    const name = n.metadata.name;
    k.spawn(name, 'containerd', makeContainerd({ ...DEFAULT_CONTAINERD, node: name, podCIDR: n.spec.podCIDR, cachedImages: opts.cachedImages ?? [] }));
    k.spawn(name, 'kubelet', makeKubelet({ node: name, nodeIP: n.status.addresses[0].address, apiserver: API, serverName: '10.0.0.1', cert: cert(`system:node:${name}`), userAgent: 'k3s/v1.33.5+k3s1 (linux/amd64) kubernetes/kubelet', containerd: `${name}/containerd`, lease: lease(name, 'kube-node-lease', 10_000_000, 40) }));
  }
  const api = () => k.process(API).state as FakeApiState;
  const call = (atUs: number, method: string, path: string, body?: unknown) => k.input({ atUs, type: 'command', to: API, kind: 'api', payload: { method, path, body } } as any);
  return { k, nodes, api, call };
}

export function deployment(name: string, replicas: number, image = 'nginx', namespace = 'default'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: image.split(':')[0]!.split('/').pop()!, image, imagePullPolicy: 'Always', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {} } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
  };
}
