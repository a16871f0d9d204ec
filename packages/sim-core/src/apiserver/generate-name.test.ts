/**
 * RetryGenerateName (KEP-4420, on by default since v1.31; staging/src/k8s.io/apiserver/pkg/
 * registry/generic/registry/store.go): a create with generateName whose generated name is taken
 * is tried again with a new name, up to 8 attempts in all, before AlreadyExists is answered.
 * kube-apiserver runs here against a stand-in etcd that says "taken" to the first N creates, so
 * the collisions are forced instead of waited for.
 */
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR_RESPONSE, makeFrontDoor } from '../client/front-door';
import { Kernel } from '../kernel/kernel';
import type { Model } from '../kernel/model';
import { seconds } from '../kernel/time';
import { KV_TXN, replyKind, type EtcdRequest } from '../etcd/rpc';
import { ADMIN_CERT, CLIENT_CA, SERVING_CERT } from '../scenarios/tower-fleet';
import { makeKubeApiserver } from './kube-apiserver';

/** Answers every Range with nothing and refuses the first `taken` pod creates as "exists". */
function standInEtcd(taken: number): Model<{ rev: number; refused: string[]; stored: string[] }> {
  return {
    type: 'etcd (stand-in)',
    init: () => ({ rev: 10, refused: [], stored: [] }),
    step(s, input) {
      if (input.type !== 'message') return { state: s, outputs: [] };
      const req = input.payload as EtcdRequest;
      const header = { cluster_id: 'c', member_id: 'm', revision: s.rev, raft_term: 2 };
      if (req.method !== KV_TXN) return { state: s, outputs: [{ type: 'send', to: input.from, kind: replyKind(req.method), payload: { reqId: req.reqId, method: req.method, header, response: { kvs: [], count: 0 } } }] };
      const key = req.request.compare?.[0]?.key ?? '';
      if (key.startsWith('/registry/pods/') && s.refused.length < taken) {
        s.refused.push(key);
        const kv = { key, create_revision: 3, mod_revision: 3, version: 1, value: '{}' };
        return { state: s, outputs: [{ type: 'send', to: input.from, kind: replyKind(KV_TXN), payload: { reqId: req.reqId, method: KV_TXN, header, response: { succeeded: false, responses: [{ response_range: { kvs: [kv], count: 1 } }] } } }] };
      }
      s.rev++;
      s.stored.push(key);
      return { state: s, outputs: [{ type: 'send', to: input.from, kind: replyKind(KV_TXN), payload: { reqId: req.reqId, method: KV_TXN, header: { ...header, revision: s.rev }, response: { succeeded: true, responses: [] } } }] };
    },
  };
}

function createWithGenerateName(taken: number) {
  const k = new Kernel({ seed: 3, epochMs: Date.UTC(2025, 10, 9, 12) });
  k.addHost({ name: 'm', ip: '10.89.97.201', role: 'server' });
  k.spawn('m', 'etcd', standInEtcd(taken));
  k.spawn('m', 'kube-apiserver', makeKubeApiserver({ etcd: 'm/etcd', clientCA: CLIENT_CA, servingCert: SERVING_CERT, advertiseAddress: '10.89.97.201', port: 6443 }));
  k.spawn('m', 'client', makeFrontDoor('m/kube-apiserver', '127.0.0.1'));
  k.runUntil(seconds(1));
  const body = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
  k.input({ atUs: k.now, type: 'command', to: 'm/client', kind: 'http', payload: { reqId: 1, realConn: 'c', remote: '10.89.97.10:5000', method: 'POST', path: '/api/v1/namespaces/default/pods', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body, cert: ADMIN_CERT } });
  k.runUntil(seconds(2));
  const res = k.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE)?.data as { status: number; body: any };
  const etcd = k.processState<{ refused: string[]; stored: string[] }>('m/etcd');
  return { res, refused: etcd.refused, stored: etcd.stored };
}

describe('RetryGenerateName', () => {
  it('a taken generated name is generated again: 3 collisions, then the 4th name is stored', () => {
    const { res, refused, stored } = createWithGenerateName(3);
    expect(res.status).toBe(201);
    expect(refused).toHaveLength(3);
    expect(new Set(refused).size).toBe(3);
    expect(stored).toEqual([`/registry/pods/default/${res.body.metadata.name}`]);
    expect(refused).not.toContain(stored[0]);
    expect(res.body.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('after 8 taken names in a row the create is AlreadyExists, naming the last one', () => {
    const { res, refused, stored } = createWithGenerateName(100);
    expect(refused).toHaveLength(8);
    expect(stored).toEqual([]);
    expect(res.status).toBe(409);
    const last = refused[7]!.split('/').pop();
    expect(res.body).toMatchObject({ reason: 'AlreadyExists', message: `pods "${last}" already exists` });
  });
});
