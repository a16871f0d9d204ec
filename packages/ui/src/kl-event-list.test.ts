// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '@kubelab/sim-core';
import { describeEntry } from './kl-event-list';
import './kl-event-list';

const entries: TraceEntry[] = [
  { i: 0, t: 1000, type: 'deliver', from: 'laptop/kubectl', to: 'k3s-master/kube-apiserver', kind: 'http.request', id: 1, data: { method: 'GET', path: '/api/v1/namespaces/default/pods?limit=500' } },
  { i: 1, t: 2000, type: 'note', from: 'k3s-master/etcd', kind: 'flow.step', data: { step: 5, title: 'Query for pod objects' } },
  { i: 2, t: 3000, type: 'drop', from: 'a/x', to: 'b/y', kind: 'tcp.SYN', id: 2, data: { reason: 'partition' } },
];

describe('kl-event-list', () => {
  it('describes entries in a learner\'s words', () => {
    expect(describeEntry(entries[0]!)).toBe('GET /api/v1/namespaces/default/pods?limit=500');
    expect(describeEntry(entries[1]!)).toBe('step 5: Query for pod objects');
    expect(describeEntry(entries[2]!)).toBe('tcp.SYN dropped (partition)');
  });

  it('renders a row per entry, dims the future, and fires kl-select on click', async () => {
    const el = document.createElement('kl-event-list') as any;
    el.entries = entries;
    el.playheadUs = 2000;
    document.body.appendChild(el);
    await el.updateComplete;
    const rows = el.shadowRoot.querySelectorAll('tbody tr');
    expect(rows.length).toBe(3);
    expect(rows[2].className).toContain('future');
    expect(rows[0].className).not.toContain('future');
    let got = -1;
    el.addEventListener('kl-select', (e: CustomEvent<number>) => (got = e.detail));
    rows[1].click();
    expect(got).toBe(1);
  });
});
