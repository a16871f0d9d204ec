// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { Simulation } from '@kubelab/sim-core';
import { layoutTopology } from './layout';
import './kl-topology';

const topology = new Simulation('tower-fleet', { seed: 1 }).built.topology;

describe('layout', () => {
  it('places every component inside its host box, without overlaps within a host', () => {
    const l = layoutTopology(topology);
    for (const c of l.components.values()) {
      const h = l.hosts.find((x) => x.name === c.host)!;
      expect(c.x).toBeGreaterThanOrEqual(h.x);
      expect(c.y).toBeGreaterThanOrEqual(h.y);
      expect(c.x + c.w).toBeLessThanOrEqual(h.x + h.w);
      expect(c.y + c.h).toBeLessThanOrEqual(h.y + h.h);
    }
    const byHost = new Map<string, { x: number; y: number; w: number; h: number }[]>();
    for (const c of l.components.values()) byHost.set(c.host, [...(byHost.get(c.host) ?? []), c]);
    for (const boxes of byHost.values())
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
        }
  });

  it('is a pure function of the topology', () => {
    expect(JSON.stringify([...layoutTopology(topology).components])).toBe(JSON.stringify([...layoutTopology(topology).components]));
  });
});

describe('kl-topology', () => {
  it('draws the seed\'s hosts with their IPs, each component with its ports, and flights', async () => {
    const el = document.createElement('kl-topology') as any;
    el.topology = topology;
    el.flights = [{ flight: { id: 1, from: 'laptop/kubectl', to: 'k3s-master/kube-apiserver', kind: 'tcp.SYN', sentUs: 0, endUs: 10, dropped: false, entry: 0 }, progress: 0.5 }];
    el.activeProcess = 'k3s-master/etcd';
    document.body.appendChild(el);
    await el.updateComplete;
    const text = el.shadowRoot.textContent as string;
    for (const s of ['k3s-master', '10.89.97.201', 'k3s-worker-1', '10.89.97.202', 'k3s-worker-2', '10.89.97.203', ':6443', ':2379, :2380', ':10250', 'pods 10.42.1.0/24']) expect(text).toContain(s);
    expect(el.shadowRoot.querySelectorAll('[data-flight]').length).toBe(1);
    expect(el.shadowRoot.querySelector('[data-component="k3s-master/etcd"]').getAttribute('class')).toContain('active');
  });
});
