import { describe, expect, it } from 'vitest';
import { HTTP_REQUEST, HTTP_RESPONSE, HTTP_WATCH_EVENT, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, type HttpRequest } from '../apiserver/http';
import { Kernel } from '../kernel/kernel';
import type { Model, Output } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import { makeContainerd, DEFAULT_CONTAINERD } from './containerd';
import { goDuration, makeKubelet } from './kubelet-pods';

/** A stand-in apiserver speaking the http.ts contract: list, watch, pods/status PATCH, events, delete. */
interface FakeState { pods: Record<string, KubeObject>; rv: number; watches: { from: string; conn: string; stream: number }[]; events: KubeObject[]; log: string[] }
const fakeApiserver: Model<FakeState> = {
  type: 'kube-apiserver',
  init: () => ({ pods: {}, rv: 100, watches: [], events: [], log: [] }),
  step(s, input) {
    const out: Output[] = [];
    const push = (type: string, o: KubeObject) => {
      for (const w of s.watches) out.push({ type: 'send', to: w.from, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type, object: structuredClone(o) } } });
    };
    if (input.type === 'command') {
      const { op, pod } = input.payload as { op: string; pod: KubeObject };
      if (op === 'add') {
        pod.metadata.resourceVersion = String(++s.rv);
        s.pods[pod.metadata.name] = pod;
        push('ADDED', pod);
      } else if (op === 'delete') {
        const p = s.pods[pod.metadata.name]!;
        p.metadata.deletionTimestamp = '2025-11-09T12:01:00Z';
        p.metadata.deletionGracePeriodSeconds = 30;
        p.metadata.resourceVersion = String(++s.rv);
        push('MODIFIED', p);
      }
      return { state: s, outputs: out };
    }
    if (input.type !== 'message') return { state: s, outputs: out };
    const p = input.payload as any;
    if (input.kind === TCP_SYN) out.push({ type: 'send', to: input.from, kind: TCP_SYN_ACK, payload: { conn: p.conn } });
    if (input.kind === TLS_CLIENT_HELLO) out.push({ type: 'send', to: input.from, kind: TLS_SERVER_HELLO, payload: { conn: p.conn } });
    if (input.kind !== HTTP_REQUEST) return { state: s, outputs: out };
    const req = p as HttpRequest;
    s.log.push(`${req.method} ${req.path}`);
    const reply = (status: number, body: unknown) => out.push({ type: 'send', to: input.from, kind: HTTP_RESPONSE, payload: { conn: req.conn, stream: req.stream, status, headers: {}, body } });
    if (req.path.includes('/leases/')) reply(200, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n', namespace: 'kube-node-lease', resourceVersion: String(++s.rv) }, spec: {} });
    else if (req.path.startsWith('/api/v1/nodes/')) reply(200, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    else if (req.method === 'GET' && req.path.includes('watch=true')) {
      s.watches.push({ from: input.from, conn: req.conn, stream: req.stream });
      reply(200, null);
    } else if (req.method === 'GET') reply(200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(s.rv) }, items: Object.values(s.pods) });
    else if (req.method === 'POST') {
      s.events.push(req.body as KubeObject);
      reply(201, req.body);
    } else if (req.method === 'PATCH') {
      const name = req.path.split('/')[6]!;
      const pod = s.pods[name]!;
      pod.status = (req.body as any).status;
      pod.metadata.resourceVersion = String(++s.rv);
      reply(200, pod);
      push('MODIFIED', pod);
    } else if (req.method === 'DELETE') {
      const name = req.path.split('/').pop()!;
      const pod = s.pods[name]!;
      delete s.pods[name];
      reply(200, pod);
      push('DELETED', pod);
    }
    return { state: s, outputs: out };
  },
};

const pod = (name: string, image: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2025-11-09T12:00:00Z' },
  spec: { nodeName: 'k3s-worker-1', containers: [{ name: 'c', image, imagePullPolicy: image.includes(':') && !image.endsWith(':latest') ? 'IfNotPresent' : 'Always' }], terminationGracePeriodSeconds: 30 },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-11-09T12:00:00Z' }] },
});

function world(cached: string[] = []) {
  const k = new Kernel({ seed: 3, epochMs: Date.UTC(2025, 10, 9, 12), defaultLink: { latencyUs: 250, jitterUs: 60 }, loopbackUs: 20 });
  k.addHost({ name: 'k3s-master', ip: '10.89.97.201', role: 'server' } as any);
  k.addHost({ name: 'k3s-worker-1', ip: '10.89.97.202', role: 'agent' } as any);
  k.spawn('k3s-master', 'kube-apiserver', fakeApiserver);
  k.spawn('k3s-worker-1', 'containerd', makeContainerd({ ...DEFAULT_CONTAINERD, node: 'k3s-worker-1', podCIDR: '10.42.1.0/24', cachedImages: cached }));
  k.spawn(
    'k3s-worker-1',
    'kubelet',
    makeKubelet({ node: 'k3s-worker-1', nodeIP: '10.89.97.202', apiserver: 'k3s-master/kube-apiserver', serverName: '10.89.97.201', cert: { subject: { CN: 'system:node:k3s-worker-1', O: ['system:nodes'] } } as any, userAgent: 'k3s/v1.33.5+k3s1 (linux/amd64) kubernetes/kubelet', containerd: 'k3s-worker-1/containerd', lease: { name: 'k3s-worker-1', namespace: 'kube-node-lease', holderIdentity: 'k3s-worker-1', leaseDurationSeconds: 40, periodUs: 10_000_000, jitterFactor: 0.04 } }),
  );
  return k;
}
const api = (k: Kernel) => k.process('k3s-master/kube-apiserver').state as FakeState;

describe('kubelet + containerd pod lifecycle', () => {
  it('watches its node\'s pods, pulls, starts, reports Running with an IP in the node /24 and the v1.33 events', () => {
    const k = world();
    k.runUntil(1_000_000);
    expect(api(k).log).toContain('GET /api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-worker-1&limit=500&resourceVersion=0');
    k.input({ atUs: 1_000_000, type: 'command', to: 'k3s-master/kube-apiserver', kind: 'op', payload: { op: 'add', pod: pod('web-1', 'httpd:2.4') } } as any);
    k.runUntil(40_000_000);
    const p = api(k).pods['web-1']!;
    expect(p.status.phase).toBe('Running');
    expect(p.status.podIP).toMatch(/^10\.42\.1\.(\d+)$/);
    expect(p.status.podIP).toBe('10.42.1.2');
    expect(p.status.hostIP).toBe('10.89.97.202');
    expect(p.status.conditions.map((c: any) => `${c.type}=${c.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    expect(p.status.containerStatuses[0].state.running).toBeTruthy();
    const evs = api(k).events.map((e) => `${e.reason}: ${e.message}`);
    expect(evs[0]).toBe('Pulling: Pulling image "httpd:2.4"');
    expect(evs[1]).toMatch(/^Pulled: Successfully pulled image "httpd:2\.4" in \d+(\.\d+)?s \(\d+(\.\d+)?s including waiting\)\. Image size: 58000000 bytes\.$/);
    expect(evs.slice(2)).toEqual(['Created: Created container: c', 'Started: Started container c']);
    const running = k.trace.entries.find((e) => e.type === 'note' && e.kind === 'kubelet.pod-running')!;
    const seconds = (running.t - 1_000_000) / 1e6;
    expect(seconds).toBeGreaterThan(5);
    expect(seconds).toBeLessThan(30);
  });

  it('a cached image skips the pull (Pulled: already present) and starts in well under a second', () => {
    const k = world(['httpd:2.4']);
    k.runUntil(1_000_000);
    k.input({ atUs: 1_000_000, type: 'command', to: 'k3s-master/kube-apiserver', kind: 'op', payload: { op: 'add', pod: pod('web-1', 'httpd:2.4') } } as any);
    k.runUntil(5_000_000);
    expect(api(k).events.map((e) => e.reason)).toEqual(['Pulled', 'Created', 'Started']);
    expect(api(k).events[0]!.message).toBe('Container image "httpd:2.4" already present on machine');
    const running = k.trace.entries.find((e) => e.type === 'note' && e.kind === 'kubelet.pod-running')!;
    expect(running.t - 1_000_000).toBeLessThan(1_000_000);
  });

  it('graceful deletion: Killing, SIGTERM, sandbox torn down (IP released), then DELETE with grace 0', () => {
    const k = world(['httpd:2.4']);
    k.runUntil(1_000_000);
    k.input({ atUs: 1_000_000, type: 'command', to: 'k3s-master/kube-apiserver', kind: 'op', payload: { op: 'add', pod: pod('web-1', 'httpd:2.4') } } as any);
    k.input({ atUs: 3_000_000, type: 'command', to: 'k3s-master/kube-apiserver', kind: 'op', payload: { op: 'delete', pod: pod('web-1', 'httpd:2.4') } } as any);
    k.runUntil(6_000_000);
    expect(api(k).events.map((e) => e.reason)).toEqual(['Pulled', 'Created', 'Started', 'Killing']);
    expect(api(k).events[3]!.message).toBe('Stopping container c');
    expect(api(k).pods['web-1']).toBeUndefined();
    expect(api(k).log.some((l) => l === 'DELETE /api/v1/namespaces/default/pods/web-1')).toBe(true);
    const cd = k.process('k3s-worker-1/containerd').state as any;
    expect(Object.keys(cd.ipam.used)).toEqual([]);
    expect(k.trace.entries.some((e) => e.type === 'note' && e.kind === 'containerd.sigterm')).toBe(true);
  });

  it('goDuration prints as Go does', () => {
    expect(goDuration(850_000)).toBe('850ms');
    expect(goDuration(7_213_400)).toBe('7.213s');
    expect(goDuration(5_000_000)).toBe('5s');
    expect(goDuration(65_500_000)).toBe('1m5.5s');
  });
});
