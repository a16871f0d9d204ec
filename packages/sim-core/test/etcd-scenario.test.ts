/**
 * tower-fleet-ha: three masters with embedded etcd. kubectl works through Raft (a linearizable
 * Range via ReadIndex), keeps working when one master dies (re-election), and a master can join
 * by a single-member ConfChange ("Migrate from Single to HA Masters").
 */
import { describe, expect, it } from 'vitest';
import { runFlow } from '../src/flows/run-flow';
import { etcdClient, CLIENT_OP, type ClientState } from '../src/etcd/client';
import { etcdMember, type MemberState } from '../src/etcd/member';
import { currentLeader } from '../src/etcd/experiment';
import { Kernel } from '../src/kernel/kernel';
import { Simulation } from '../src/kernel/simulation';
import { towerFleetHa } from '../src/scenarios/tower-fleet-ha';

describe('tower-fleet-ha', () => {
  it('is registered and kubectl get pods answers as in tower-fleet, through a 3-member etcd', () => {
    expect(towerFleetHa.name).toBe('tower-fleet-ha');
    const single = runFlow('kubectl-get-pods', { scenario: 'tower-fleet', seed: 1 });
    const ha = runFlow('kubectl-get-pods', { scenario: 'tower-fleet-ha', seed: 1, commandAtUs: 3_000_000 });
    expect(ha.exitCode).toBe(0);
    expect(ha.output.split('\n')[0]).toBe(single.output.split('\n')[0]);
    expect(ha.output.split('\n').length).toBe(single.output.split('\n').length);
  });

  it('survives the loss of one master: a new etcd leader is elected and the data is all there', () => {
    const sim = new Simulation('tower-fleet-ha', { seed: 3 });
    sim.runUntil(3_000_000);
    const members = ['k3s-master/etcd', 'k3s-master-2/etcd', 'k3s-master-3/etcd'];
    const lead = currentLeader(sim.kernel, members)!;
    expect(lead).not.toBeNull();
    const keys = (sim.kernel.processState<MemberState>(lead)).mvcc.kvs.size;
    expect(keys).toBeGreaterThan(10);
    sim.addInput({ atUs: 3_000_000, type: 'fault', fault: { kind: 'kill', target: lead } });
    sim.runUntil(8_000_000);
    const next = currentLeader(sim.kernel, members);
    expect(next).not.toBeNull();
    expect(next).not.toBe(lead);
    expect(sim.kernel.processState<MemberState>(next!).mvcc.kvs.size).toBe(keys);
  });

  it('a master joins a running single-member cluster by ConfChange and catches up', () => {
    const k = new Kernel({ seed: 5, epochMs: 0 });
    const peers = { 1: 'a/etcd', 2: 'b/etcd' };
    const names = { 1: 'a', 2: 'b' };
    for (const h of ['a', 'b', 'c']) k.addHost({ name: h, ip: `10.0.0.${h.charCodeAt(0)}`, role: 'x' });
    k.spawn('a', 'etcd', etcdMember({ name: 'a', id: 1, peers, names, initialCluster: [1] }));
    const client = k.spawn('c', 'etcdctl', etcdClient);
    k.runUntil(2_000_000);
    expect(k.processState<MemberState>('a/etcd').raft.state).toBe('StateLeader');
    k.input({ atUs: 2_000_000, type: 'command', to: client, kind: CLIENT_OP, payload: { opId: 1, op: 'put', key: 'before', value: '1', endpoint: 'a/etcd', timeoutUs: 5_000_000 } });
    k.input({ atUs: 2_100_000, type: 'command', to: 'a/etcd', kind: 'etcd.add-member', payload: { id: 2 } });
    k.spawn('b', 'etcd', etcdMember({ name: 'b', id: 2, peers, names, initialCluster: [1] }), { atUs: 2_200_000 });
    k.runUntil(4_000_000);
    const b = k.processState<MemberState>('b/etcd');
    expect(Object.keys(b.raft.prs).map(Number).sort()).toEqual([1, 2]);
    expect(b.mvcc.kvs.get('before')?.value).toBe('1');
    k.input({ atUs: 4_000_000, type: 'command', to: client, kind: CLIENT_OP, payload: { opId: 2, op: 'put', key: 'after', value: '2', endpoint: 'b/etcd', timeoutUs: 5_000_000 } });
    k.runUntil(5_000_000);
    expect(k.processState<ClientState>(client).results.map((r) => r.result)).toEqual(['ok', 'ok']);
    expect(k.processState<MemberState>('b/etcd').mvcc.kvs.get('after')?.value).toBe('2');
  });
});
