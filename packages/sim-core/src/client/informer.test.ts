import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HTTP_RESPONSE, HTTP_WATCH_EVENT, HTTP_CANCEL, type HttpRequest } from '../apiserver/http';
import { RngStreams } from '../kernel/rng';
import type { Input, Output, StepEnv } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import { newConnection } from './api-connection';
import { informerList, newInformer, onInformerInput, startInformer } from './informer';

const env = (): StepEnv => ({ now: 0, self: 'n/kubelet', host: 'n', rng: new RngStreams(1).stream('t'), epochMs: 0 });
const pod = (name: string, rv: number): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: String(rv) } });
const conn = () => {
  const c = newConnection('m/kube-apiserver', '127.0.0.1', 'n/kubelet:6443', { subject: { CN: 'x' }, issuer: { CN: 'ca' }, serial: '1', notBefore: '', notAfter: '' } as any);
  c.established = true;
  return c;
};
const sent = (o: Output[]) => o.filter((x) => x.type === 'send').map((x) => (x as { payload: HttpRequest }).payload);
const msg = (kind: string, payload: unknown): Input => ({ type: 'message', from: 'm/kube-apiserver', kind, payload, id: 0 });

describe('informer (reflector list + watch)', () => {
  it('lists from RV 0, watches from the list RV, applies events, relists with RV "" after 410', () => {
    const c = conn();
    const inf = newInformer('pods', '/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-worker-1', 'kubelet');
    const [list] = sent(startInformer(inf, c));
    expect(list!.path).toBe('/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-worker-1&limit=500&resourceVersion=0');
    const r1 = onInformerInput(inf, c, msg(HTTP_RESPONSE, { conn: c.conn, stream: list!.stream, status: 200, headers: {}, body: { kind: 'PodList', metadata: { resourceVersion: '10' }, items: [pod('a', 5)] } }), env());
    expect(r1.deltas.map((d) => d.type)).toEqual(['add']);
    const watch = sent(r1.outputs)[0]!;
    expect(watch.path).toMatch(/^\/api\/v1\/pods\?fieldSelector=spec.nodeName%3Dk3s-worker-1&allowWatchBookmarks=true&resourceVersion=10&timeoutSeconds=(\d+)&watch=true$/);
    const t = Number(/timeoutSeconds=(\d+)/.exec(watch.path)![1]);
    expect(t).toBeGreaterThanOrEqual(300);
    expect(t).toBeLessThan(600);
    onInformerInput(inf, c, msg(HTTP_RESPONSE, { conn: c.conn, stream: watch.stream, status: 200, headers: {}, body: null }), env());
    const r2 = onInformerInput(inf, c, msg(HTTP_WATCH_EVENT, { conn: c.conn, stream: watch.stream, event: { type: 'ADDED', object: pod('b', 11) } }), env());
    expect(r2.deltas[0]!.type).toBe('add');
    const r3 = onInformerInput(inf, c, msg(HTTP_WATCH_EVENT, { conn: c.conn, stream: watch.stream, event: { type: 'MODIFIED', object: pod('a', 12) } }), env());
    expect(r3.deltas[0]).toMatchObject({ type: 'update', old: { metadata: { resourceVersion: '5' } } });
    expect(inf.resourceVersion).toBe('12');
    const r4 = onInformerInput(inf, c, msg(HTTP_WATCH_EVENT, { conn: c.conn, stream: watch.stream, event: { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } } }), env());
    expect(r4.outputs.some((o) => o.type === 'send' && o.kind === HTTP_CANCEL)).toBe(true);
    const relist = sent(r4.outputs).find((p) => (p as any).method === 'GET')!;
    expect(relist.path).toMatch(/limit=500&resourceVersion=$/);
    // b was deleted while we were away: the relist reports it deleted (DeltaFIFO.Replace).
    const r5 = onInformerInput(inf, c, msg(HTTP_RESPONSE, { conn: c.conn, stream: relist.stream, status: 200, headers: {}, body: { kind: 'PodList', metadata: { resourceVersion: '20' }, items: [pod('a', 12)] } }), env());
    expect(r5.deltas.map((d) => [d.type, d.obj.metadata.name])).toEqual([['update', 'a'], ['delete', 'b']]);
    expect(informerList(inf).map((p) => p.metadata.name)).toEqual(['a']);
    expect(inf.relistsOn410).toBe(1);
  });

  it('property: after any event sequence and a relist, the cache equals the server state', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('ADDED', 'MODIFIED', 'DELETED'), fc.integer({ min: 0, max: 5 })), { maxLength: 40 }), fc.boolean(), (events, gone) => {
        const c = conn();
        const inf = newInformer('pods', '/api/v1/pods', 'x');
        const server = new Map<string, KubeObject>();
        let rv = 1;
        const [list] = sent(startInformer(inf, c));
        const w = sent(onInformerInput(inf, c, msg(HTTP_RESPONSE, { conn: c.conn, stream: list!.stream, status: 200, headers: {}, body: { metadata: { resourceVersion: '1' }, items: [] } }), env()).outputs)[0]!;
        for (const [type, i] of events) {
          const name = `p${i}`;
          const o = pod(name, ++rv);
          if (type === 'DELETED') {
            if (!server.has(name)) continue;
            server.delete(name);
          } else server.set(name, o);
          if (!gone) onInformerInput(inf, c, msg(HTTP_WATCH_EVENT, { conn: c.conn, stream: w.stream, event: { type: type === 'DELETED' ? 'DELETED' : server.has(name) && type === 'MODIFIED' ? 'MODIFIED' : 'ADDED', object: o } }), env());
        }
        if (gone) {
          const r = onInformerInput(inf, c, msg(HTTP_WATCH_EVENT, { conn: c.conn, stream: w.stream, event: { type: 'ERROR', object: { code: 410 } } }), env());
          const l = sent(r.outputs).find((p) => (p as any).method === 'GET')!;
          onInformerInput(inf, c, msg(HTTP_RESPONSE, { conn: c.conn, stream: l.stream, status: 200, headers: {}, body: { metadata: { resourceVersion: String(rv) }, items: [...server.values()] } }), env());
        }
        expect(informerList(inf).map((p) => p.metadata.name).sort()).toEqual([...server.keys()].sort());
      }),
      { numRuns: 100 },
    );
  });
});
