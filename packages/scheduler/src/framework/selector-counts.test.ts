/**
 * The incremental paths give exactly what the full ones give:
 * - SelectorCounts (kept by the snapshot through adds, removes and node label changes) equals
 *   countPodsMatchSelector walked over every node, per node and per topology value;
 * - a Scheduler fed informer-style deltas (upsertPod / deletePod / updateNode) schedules a pod
 *   exactly as a Scheduler handed the whole cluster (`sync`) does: same node, same totals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../api/types';
import { countPodsMatchSelector } from '../plugins/pod-topology-spread/common';
import { createScheduler, type Rand } from '../schedule-one';
import { Selector } from '../util/labels';
import { ClusterSnapshot } from './snapshot';

const ZONES = ['a', 'b', ''];
const APPS = ['web', 'api', 'db'];
const NSS = ['default', 'team'];

const node = (i: number, zone: string): Node => ({
  kind: 'Node',
  metadata: { name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}`, ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}) } },
  spec: {},
  status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
});

const pod = (name: string, app: string, ns: string, nodeName: string | undefined, deleting: boolean): Pod => ({
  kind: 'Pod',
  metadata: {
    name,
    namespace: ns,
    labels: { app },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-rs`, uid: `uid-${ns}-${app}`, controller: true }],
    ...(deleting ? { deletionTimestamp: '2025-11-09T12:00:00Z' } : {}),
  },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }], ...(nodeName ? { nodeName } : {}) },
});

type Op = { t: 'add'; name: string; app: string; ns: string; node: number; deleting: boolean } | { t: 'remove'; name: string } | { t: 'relabel'; node: number; zone: string };

const op = fc.oneof(
  fc.record({ t: fc.constant('add' as const), name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'), app: fc.constantFrom(...APPS), ns: fc.constantFrom(...NSS), node: fc.nat(4), deleting: fc.boolean() }),
  fc.record({ t: fc.constant('remove' as const), name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7') }),
  fc.record({ t: fc.constant('relabel' as const), node: fc.nat(4), zone: fc.constantFrom(...ZONES) }),
);
const ops = fc.array(op, { maxLength: 40 });
/** …and a new version of a pod with the same spec and labels objects (a status update, as the informer hands it), or with a deletionTimestamp set. */
const opsWithUpdates = fc.array(fc.oneof(op, fc.record({ t: fc.constant('update' as const), name: fc.constantFrom('p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'), phase: fc.constantFrom('Running', 'Pending', 'Succeeded'), deleting: fc.boolean(), spec: fc.constantFrom('same', 'shallow', 'deep') })), { maxLength: 40 });

describe('SelectorCounts', () => {
  it('equals the walk over every node, per node and per topology value, through adds, removes and relabels', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ZONES), { minLength: 5, maxLength: 5 }), ops, (zones, seq) => {
        const snap = new ClusterSnapshot({ nodes: zones.map((z, i) => node(i, z)) });
        // The empty selector too: countPodsMatchSelector counts nothing for it (upstream's Empty() check).
        const selectors = [...APPS.flatMap((app) => NSS.map((ns) => ({ sel: Selector.fromSet({ app }), ns }))), { sel: Selector.everything(), ns: 'default' }];
        // Indexes made up front are kept in step by every change below.
        for (const { sel, ns } of selectors) snap.selectorCounts(sel, ns);
        const check = () => {
          for (const { sel, ns } of selectors) {
            const idx = snap.selectorCounts(sel, ns);
            const byZone = new Map<string, number>();
            for (const ni of snap.list()) {
              const n = countPodsMatchSelector(ni.pods, sel, ns);
              expect(idx.perNode.get(ni.name) ?? 0).toBe(n);
              const z = ni.node.metadata.labels?.['topology.kubernetes.io/zone'] ?? '';
              byZone.set(z, (byZone.get(z) ?? 0) + n);
            }
            const got = idx.topologyCounts('topology.kubernetes.io/zone');
            for (const [z, n] of byZone) expect(got.get(z) ?? 0).toBe(n);
            for (const [z, n] of got) expect(byZone.get(z) ?? 0).toBe(n);
          }
        };
        for (const op of seq) {
          if (op.t === 'add') {
            snap.removePod(`${op.ns}/${op.name}`);
            snap.addPod(pod(op.name, op.app, op.ns, `n${op.node}`, op.deleting));
          } else if (op.t === 'remove') {
            for (const ns of NSS) snap.removePod(`${ns}/${op.name}`);
          } else {
            snap.updateNode(node(op.node, op.zone));
          }
          check();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('SelectorCounts built on a snapshot that has pods', () => {
  it('counts what the walk over every node counts (the label index finds every matching pod)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ZONES), { minLength: 5, maxLength: 5 }), ops, (zones, seq) => {
        const snap = new ClusterSnapshot({ nodes: zones.map((z, i) => node(i, z)) });
        let fresh = 0;
        for (const op of seq) {
          if (op.t === 'add') {
            snap.removePod(`${op.ns}/${op.name}`);
            snap.addPod(pod(op.name, op.app, op.ns, `n${op.node}`, op.deleting));
          } else if (op.t === 'remove') {
            for (const ns of NSS) snap.removePod(`${ns}/${op.name}`);
          } else snap.updateNode(node(op.node, op.zone));
          // Selectors never asked for before (a requirement no pod fails makes each new), so each is built now.
          for (const app of APPS) {
            for (const ns of NSS) {
              const extra = { key: `absent-${fresh++}`, operator: 'DoesNotExist' as const, values: [] };
              for (const sel of [Selector.fromSet({ app }).add([extra]), Selector.fromSet({ app }).add([{ ...extra, key: `${extra.key}b` }])]) {
                const idx = snap.selectorCounts(sel, ns);
                for (const ni of snap.list()) expect(idx.perNode.get(ni.name) ?? 0).toBe(countPodsMatchSelector(ni.pods, sel, ns));
              }
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Scheduler incremental cache', () => {
  const rand = (): Rand => {
    let x = 7;
    return { intn: (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n };
  };
  it('deltas (upsertPod / deletePod / updateNode) schedule exactly as a full sync of the same objects', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ZONES), { minLength: 5, maxLength: 5 }), opsWithUpdates, fc.constantFrom(...APPS), (zones, seq, app) => {
        let nodes = zones.map((z, i) => node(i, z));
        const pods = new Map<string, Pod>();
        const inc = createScheduler();
        inc.sync({ nodes });
        // The PodTopologySpread indexes exist from the start, so the changes below must keep them in step.
        for (const a of APPS) inc.cache.selectorCounts(Selector.fromSet({ app: a }), 'default');
        for (const op of seq) {
          if (op.t === 'add') {
            for (const ns of NSS) if (ns !== op.ns && pods.has(`${ns}/${op.name}`)) continue;
            const p = pod(op.name, op.app, op.ns, `n${op.node}`, op.deleting);
            pods.set(`${op.ns}/${op.name}`, p);
            inc.upsertPod(p);
          } else if (op.t === 'remove') {
            for (const ns of NSS) {
              pods.delete(`${ns}/${op.name}`);
              inc.deletePod(`${ns}/${op.name}`);
            }
          } else if (op.t === 'update') {
            for (const ns of NSS) {
              const cur = pods.get(`${ns}/${op.name}`);
              if (!cur) continue;
              const metadata = op.deleting ? { ...cur.metadata, deletionTimestamp: '2025-11-09T12:00:01Z' } : { ...cur.metadata };
              const spec = op.spec === 'same' ? cur.spec : op.spec === 'shallow' ? { ...cur.spec } : structuredClone(cur.spec);
              const p = { ...cur, metadata, spec, status: { phase: op.phase } } as Pod;
              if (op.phase === 'Succeeded') pods.delete(`${ns}/${op.name}`);
              else pods.set(`${ns}/${op.name}`, p);
              inc.upsertPod(p);
            }
            for (const a of APPS) {
              const idx = inc.cache.selectorCounts(Selector.fromSet({ app: a }), 'default');
              for (const ni of inc.cache.list()) expect(idx.perNode.get(ni.name) ?? 0).toBe(countPodsMatchSelector(ni.pods, Selector.fromSet({ app: a }), 'default'));
            }
          } else {
            const before = nodes[op.node]!;
            nodes = nodes.map((n, i) => (i === op.node ? node(i, op.zone) : n));
            // A zone change moves the node in the node tree: the caller re-syncs (as kube-scheduler.ts does).
            const sameZone = (before.metadata.labels?.['topology.kubernetes.io/zone'] ?? '') === op.zone;
            expect(inc.updateNode(nodes[op.node]!)).toBe(sameZone);
            if (!sameZone) inc.sync({ nodes, pods: [...pods.values()] });
          }
        }
        const full = createScheduler();
        const incoming = pod('new', app, 'default', undefined, false);
        const objs = { nodes, pods: [...pods.values()], replicaSets: APPS.map((a) => ({ kind: 'ReplicaSet', metadata: { name: `${a}-rs`, namespace: 'default', uid: `uid-default-${a}` }, spec: { selector: { matchLabels: { app: a } } } })) as never };
        const a = full.scheduleOne(objs, incoming, rand());
        inc.cache.replicaSets = objs.replicaSets;
        const b = inc.schedulePod(inc.cache, incoming, rand());
        expect(b.selected).toBe(a.selected);
        expect(b.totals).toEqual(a.totals);
        expect(b.scores).toEqual(a.scores);
      }),
      { numRuns: 200 },
    );
  });
});
