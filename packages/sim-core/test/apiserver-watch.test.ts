/**
 * The apiserver's REST semantics that controllers and kubelets depend on, driven through the
 * simulation like a real client: generateName, list with field and label selectors, watch from a
 * resourceVersion (and 410 Expired below the window), pods/binding, the status subresource,
 * graceful pod deletion, merge patch and the scale subresource.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR_RESPONSE, FRONT_DOOR_WATCH_END, FRONT_DOOR_WATCH_EVENT, makeFrontDoor } from '../src/client/front-door';
import { Simulation } from '../src/kernel/simulation';
import { ms, seconds } from '../src/kernel/time';
import { ADMIN_CERT } from '../src/scenarios/tower-fleet';

const CLIENT = 'laptop/test-client';

function lab() {
  const sim = new Simulation('tower-fleet', { seed: 4, setup: (k, b) => k.spawn('laptop', 'test-client', makeFrontDoor(b.processes.apiserver, '127.0.0.1')) });
  sim.runUntil(seconds(1));
  let next = 1;
  const call = (method: string, path: string, body?: unknown, conn = 'c1') => {
    const reqId = next++;
    sim.addInput({ atUs: sim.now, type: 'command', to: CLIENT, kind: 'http', payload: { reqId, realConn: conn, remote: '10.89.97.10:5000', method, path, headers: { Accept: 'application/json', 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }, ...(body !== undefined ? { body } : {}), cert: ADMIN_CERT } });
    // Wait for the answer (the controllers share the apiserver, so it can take more than a round trip).
    const find = () => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === reqId);
    let res = undefined as ReturnType<typeof find>;
    for (let i = 0; i < 100 && !(res = find()); i++) sim.runFor(ms(10));
    return { reqId, ...(res?.data as { status: number; body: any }) };
  };
  const events = (reqId: number) => sim.trace.entries.filter((e) => e.type === 'note' && e.kind === FRONT_DOOR_WATCH_EVENT && (e.data as { reqId: number }).reqId === reqId).map((e) => (e.data as { event: { type: string; object: any } }).event);
  return { sim, call, events };
}

// schedulerName "manual": kube-scheduler leaves these pods alone, so the test does the binding itself.
const podBody = (extra: any = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-', labels: { app: 'web' }, ...extra.metadata }, spec: { schedulerName: 'manual', containers: [{ name: 'web', image: 'nginx:1.27' }], ...extra.spec } });

describe('kube-apiserver REST semantics', () => {
  it('a selector watch sees an object enter (ADDED), stay (MODIFIED) and leave (DELETED, its old content at the new resourceVersion), live and replayed', () => {
    const { call, events } = lab();
    const byNode = call('GET', '/api/v1/pods?watch=true&resourceVersion=0&fieldSelector=spec.nodeName%3Dk3s-worker-8', undefined, 'w1');
    const byLabel = call('GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=0&labelSelector=tier%3Dfront', undefined, 'w2');
    const created = call('POST', '/api/v1/namespaces/default/pods', podBody({ metadata: { labels: { app: 'web', tier: 'front' } } }));
    const name = created.body.metadata.name as string;
    call('POST', `/api/v1/namespaces/default/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: 'k3s-worker-8' } });
    const relabelled = call('PATCH', `/api/v1/namespaces/default/pods/${name}`, { metadata: { labels: { tier: 'back' } } });
    expect(relabelled.status).toBe(200);
    const rv = relabelled.body.metadata.resourceVersion as string;
    // cacheWatcher.convertToWatchEvent: the binding brings the pod into spec.nodeName=k3s-worker-8.
    expect(events(byNode.reqId).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    const front = events(byLabel.reqId);
    expect(front.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(front[2]!.object.metadata.labels.tier).toBe('front');
    expect(front[2]!.object.metadata.resourceVersion).toBe(rv);
    // A watch started from before the pod existed replays the same events.
    const replay = call('GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${Number(created.body.metadata.resourceVersion) - 1}&labelSelector=tier%3Dfront`, undefined, 'w3');
    expect(events(replay.reqId).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const back = call('GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${Number(created.body.metadata.resourceVersion) - 1}&labelSelector=tier%3Dback`, undefined, 'w4');
    expect(events(back.reqId).map((e) => e.type)).toEqual(['ADDED']);
  });

  it('generateName, defaulting, and a watch that sees ADDED → MODIFIED (bind, status) → graceful delete → DELETED', () => {
    const { call, events } = lab();
    const w = call('GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=0&fieldSelector=metadata.namespace%3Ddefault&labelSelector=app%3Dweb', undefined, 'cw');
    expect(w.status).toBe(200);
    expect(w.body.kind).toBe('WatchStream');
    expect(events(w.reqId)).toEqual([]); // no app=web pods yet
    const created = call('POST', '/api/v1/namespaces/default/pods', podBody());
    expect(created.status).toBe(201);
    const name = created.body.metadata.name as string;
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.body.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'manual', serviceAccountName: 'default' });
    expect(created.body.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    expect(created.body.status.phase).toBe('Pending');
    // unscheduled pods, as kube-scheduler lists them
    const unscheduled = call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3D%2Cstatus.phase!%3DSucceeded%2Cspec.schedulerName%3Dmanual');
    expect(unscheduled.body.items.map((p: any) => p.metadata.name)).toEqual([name]);
    // Bound to a node that has no kubelet (binding does not check that the node exists, as upstream),
    // so no kubelet runs the pod and finishes its graceful deletion before the test does.
    const bind = call('POST', `/api/v1/namespaces/default/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: 'k3s-worker-9' } });
    expect(bind.status).toBe(201);
    const again = call('POST', `/api/v1/namespaces/default/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: 'k3s-worker-2' } });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(`Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "k3s-worker-9"`);
    const onNode = call('GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-worker-9');
    expect(onNode.body.items.map((p: any) => p.metadata.name)).toContain(name);
    const st = call('PUT', `/api/v1/namespaces/default/pods/${name}/status`, { metadata: { name }, spec: { nodeName: 'evil' }, status: { phase: 'Running', podIP: '10.42.1.9' } });
    expect(st.status).toBe(200);
    expect(st.body.spec.nodeName).toBe('k3s-worker-9'); // a status update keeps the stored spec
    expect(st.body.status.phase).toBe('Running');
    const del = call('DELETE', `/api/v1/namespaces/default/pods/${name}`);
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    expect(del.body.metadata.deletionGracePeriodSeconds).toBe(30);
    const gone = call('DELETE', `/api/v1/namespaces/default/pods/${name}?gracePeriodSeconds=0`);
    expect(gone.status).toBe(200);
    expect(call('GET', `/api/v1/namespaces/default/pods/${name}`).status).toBe(404);
    const evs = events(w.reqId);
    // The final delete (grace 0) is written first, then removed (store.go updateForGracefulDeletionAndFinalizers): a last MODIFIED with deletionGracePeriodSeconds 0.
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    expect(evs[4]!.object.metadata.deletionGracePeriodSeconds).toBe(0);
    const rvs = evs.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(rvs.length);
  });

  it('watch from a resourceVersion replays what came after it; below the window: 410 Expired in upstream words', () => {
    const { call, events, sim } = lab();
    const a = call('POST', '/api/v1/namespaces/default/pods', podBody());
    const rv = Number(a.body.metadata.resourceVersion);
    call('POST', '/api/v1/namespaces/default/pods', podBody());
    const w = call('GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}`);
    expect(events(w.reqId).map((e) => e.type)).toEqual(['ADDED']);
    const old = call('GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=3');
    const ev = events(old.reqId);
    expect(ev).toHaveLength(1);
    expect(ev[0]!.type).toBe('ERROR');
    expect(ev[0]!.object).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(ev[0]!.object.message).toMatch(/^too old resource version: 3 \(\d+\)$/);
    void sim;
  });

  it('merge patch (cordon) and the scale subresource, with upstream\'s validation text', () => {
    const { call } = lab();
    const cordon = call('PATCH', '/api/v1/nodes/k3s-worker-2', { spec: { unschedulable: true } });
    expect(cordon.status).toBe(200);
    expect(cordon.body.spec.unschedulable).toBe(true);
    const uncordon = call('PATCH', '/api/v1/nodes/k3s-worker-2', { spec: { unschedulable: null } });
    expect(uncordon.body.spec.unschedulable).toBeUndefined();
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } };
    expect(call('POST', '/apis/apps/v1/namespaces/default/deployments', dep).status).toBe(201);
    const scale = call('GET', '/apis/apps/v1/namespaces/default/deployments/web/scale');
    expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { selector: 'app=web' } });
    const up = call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: 5 } });
    expect(up.body.spec.replicas).toBe(5);
    expect(call('GET', '/apis/apps/v1/namespaces/default/deployments/web').body.metadata.generation).toBe(2);
    const bad = call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { spec: { replicas: -1 } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  it('watch deadlines and bookmarks: BOOKMARK every minute and 2 s before timeoutSeconds, only past the start RV; then the server ends the watch', () => {
    const { sim, call } = lab();
    const at = (reqId: number) =>
      sim.trace.entries
        .filter((e) => e.type === 'note' && (e.kind === FRONT_DOOR_WATCH_EVENT || e.kind === FRONT_DOOR_WATCH_END) && (e.data as { reqId: number }).reqId === reqId)
        .map((e) => ({ atS: Math.round(e.t / 1e5) / 10, kind: e.kind, event: (e.data as { event?: { type: string; object: any } }).event }));
    const list = call('GET', '/api/v1/namespaces/default/configmaps');
    const rv0 = Number(list.body.metadata.resourceVersion);
    const t0 = sim.now;
    // Bookmarks asked for, 130 s: bookmarks at +60 s, +120 s and +128 s; the end at +130 s.
    const w = call('GET', `/api/v1/namespaces/default/configmaps?allowWatchBookmarks=true&resourceVersion=${rv0}&timeoutSeconds=130&watch=true`, undefined, 'cb');
    // No bookmarks asked for: none, the same end.
    const plain = call('GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${rv0}&timeoutSeconds=130&watch=true`, undefined, 'cp');
    // No timeoutSeconds: minRequestTimeout 1800 s × (1 + rand).
    const forever = call('GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${rv0}&watch=true`, undefined, 'cf');
    sim.runFor(seconds(30));
    const made = call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bm' }, data: { a: '1' } });
    expect(made.status).toBe(201);
    const rv1 = Number(made.body.metadata.resourceVersion);
    sim.runFor(seconds(110));
    const evs = at(w.reqId).map((e) => ({ ...e, atS: Math.round((e.atS - t0 / 1e6) * 10) / 10 }));
    expect(evs.map((e) => e.event?.type ?? 'END')).toEqual(['ADDED', 'BOOKMARK', 'BOOKMARK', 'BOOKMARK', 'END']);
    const bms = evs.filter((e) => e.event?.type === 'BOOKMARK');
    for (const b of bms) expect(b.event!.object).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: String(rv1) } });
    const near = (x: number, want: number) => expect(Math.abs(x - want)).toBeLessThan(0.5);
    near(bms[0]!.atS, 60);
    near(bms[1]!.atS, 120);
    near(bms[2]!.atS, 128);
    near(evs.at(-1)!.atS, 130);
    expect(at(plain.reqId).map((e) => e.event?.type ?? 'END')).toEqual(['ADDED', 'END']);
    expect(at(forever.reqId).map((e) => e.event?.type ?? 'END')).toEqual(['ADDED']);
    // Its deadline, as the apiserver holds it (running the half hour or more to it would be slow).
    const api = sim.kernel.process(sim.built.processes.apiserver).state as { watch: { watchers: Record<string, { conn: string; deadlineUs: number }> } };
    const fw = Object.values(api.watch.watchers).find((x) => x.conn.endsWith('#cf'))!;
    expect(fw.deadlineUs - t0).toBeGreaterThanOrEqual(1800e6);
    expect(fw.deadlineUs - t0).toBeLessThan(3600e6 + 1e6);
  });

  it('bad selectors are refused in the apiserver\'s words', () => {
    const { call } = lab();
    const r = call('GET', '/api/v1/pods?fieldSelector=spec.foo%3Dbar');
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('field label not supported: spec.foo');
  });
});

describe('property: watch order and replay', () => {
  it('every event\'s resourceVersion is greater than the last, and a watch from any RV replays exactly the live stream after it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('create', 'delete', 'label'), { minLength: 2, maxLength: 8 }), fc.integer({ min: 1, max: 50 }), (ops, pick) => {
        const { call, events, sim } = lab();
        const rv0 = call('GET', '/api/v1/namespaces/default/pods').body.metadata.resourceVersion;
        const live = call('GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv0}&labelSelector=app%3Dweb`, undefined, 'live');
        const names: string[] = [];
        // Each label patch changes something: a patch that changes nothing is not written (no event).
        let touches = 0;
        for (const o of ops) {
          if (o === 'create' || names.length === 0) {
            const c = call('POST', '/api/v1/namespaces/default/pods', podBody());
            names.push(c.body.metadata.name);
          } else if (o === 'delete') call('DELETE', `/api/v1/namespaces/default/pods/${names.shift()}`);
          else call('PATCH', `/api/v1/namespaces/default/pods/${names[0]}`, { metadata: { labels: { app: 'web', touched: String(++touches) } } });
        }
        sim.runFor(ms(50)); // the last watch events arrive after the last response
        const seen = events(live.reqId);
        expect(seen.length).toBeGreaterThanOrEqual(ops.length);
        expect(seen.every((e) => e.type !== 'ERROR')).toBe(true);
        const rvs = seen.map((e) => Number(e.object.metadata.resourceVersion));
        for (let i = 1; i < rvs.length; i++) expect(rvs[i]).toBeGreaterThan(rvs[i - 1]!);
        const from = rvs[pick % rvs.length]!;
        const replay = call('GET', `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}&labelSelector=app%3Dweb`, undefined, 'replay');
        sim.runFor(ms(50));
        const again = events(replay.reqId);
        expect(again.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`)).toEqual(seen.filter((e) => Number(e.object.metadata.resourceVersion) > from).map((e) => `${e.type} ${e.object.metadata.name} ${e.object.metadata.resourceVersion}`));
      }),
      { numRuns: 12, seed: 42 },
    );
  });
});
