/**
 * Behaviour of the etcd mode (CheckQuorum, the vote-ignoring lease, PreVote, leadership transfer,
 * ReadIndex), ported from etcd-io/etcd v3.4.23 `raft/raft_test.go` (names kept).
 */
import { describe, expect, it } from 'vitest';
import * as L from './log';
import type { StateType } from './raft';
import { msg, type Entry } from './types';
import { Network, ents, newTestRaft, readMessages } from './testing';

describe('raft_test.go (etcd v3.4.23): elections', () => {
  // L259-300 TestLeaderElection / TestLeaderElectionPreVote
  const rows: { spec: (null | 'nil' | Entry[])[]; w: [StateType, number]; wpv: [StateType, number] }[] = [
    { spec: ['nil', 'nil', 'nil'], w: ['StateLeader', 1], wpv: ['StateLeader', 1] },
    { spec: ['nil', 'nil', null], w: ['StateLeader', 1], wpv: ['StateLeader', 1] },
    { spec: ['nil', null, null], w: ['StateCandidate', 1], wpv: ['StatePreCandidate', 0] },
    { spec: ['nil', null, null, 'nil'], w: ['StateCandidate', 1], wpv: ['StatePreCandidate', 0] },
    { spec: ['nil', null, null, 'nil', 'nil'], w: ['StateLeader', 1], wpv: ['StateLeader', 1] },
    { spec: ['nil', ents(1), ents(1), ents(1, 1), 'nil'], w: ['StateFollower', 1], wpv: ['StateFollower', 1] },
  ];
  for (const preVote of [false, true]) {
    it.each(rows)(`TestLeaderElection${preVote ? 'PreVote' : ''} #%#`, ({ spec, w, wpv }) => {
      const n = Network.fresh(spec, { preVote });
      n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
      const [state, term] = preVote ? wpv : w;
      expect(n.raft(1).s.state).toBe(state);
      expect(n.raft(1).s.term).toBe(term);
    });
  }

  it('TestLeaderStepdownWhenQuorumActive', () => {
    const r = newTestRaft(1, [1, 2, 3], 5, 1, undefined, { checkQuorum: true });
    r.becomeCandidate();
    r.becomeLeader();
    for (let i = 0; i < r.s.electionTimeout + 1; i++) {
      r.step(msg({ from: 2, type: 'MsgHeartbeatResp', term: r.s.term }));
      r.tick();
    }
    expect(r.s.state).toBe('StateLeader');
  });

  it('TestLeaderStepdownWhenQuorumLost', () => {
    const r = newTestRaft(1, [1, 2, 3], 5, 1, undefined, { checkQuorum: true });
    r.becomeCandidate();
    r.becomeLeader();
    for (let i = 0; i < r.s.electionTimeout + 1; i++) r.tick();
    expect(r.s.state).toBe('StateFollower');
  });

  it('TestLeaderElectionWithCheckQuorum: a vote inside the lease is ignored; after it, granted', () => {
    const [a, b, c] = [1, 2, 3].map((id) => newTestRaft(id, [1, 2, 3], 10, 1, undefined, { checkQuorum: true })) as [ReturnType<typeof newTestRaft>, ReturnType<typeof newTestRaft>, ReturnType<typeof newTestRaft>];
    const n = new Network([a, b, c]);
    a.s.randomizedElectionTimeout = a.s.electionTimeout + 1;
    b.s.randomizedElectionTimeout = b.s.electionTimeout + 2;
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    expect(a.s.state).toBe('StateLeader');
    expect(c.s.state).toBe('StateFollower');
    a.s.randomizedElectionTimeout = a.s.electionTimeout + 1;
    b.s.randomizedElectionTimeout = b.s.electionTimeout + 2;
    for (let i = 0; i < a.s.electionTimeout; i++) a.tick();
    for (let i = 0; i < b.s.electionTimeout; i++) b.tick();
    n.send(msg({ from: 3, to: 3, type: 'MsgHup' }));
    expect(a.s.state).toBe('StateFollower');
    expect(c.s.state).toBe('StateLeader');
  });

  it('TestFreeStuckCandidateWithCheckQuorum-like: a vote from a higher term is ignored while in lease (no reply)', () => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1, undefined, { checkQuorum: true });
    r.becomeFollower(2, 2);
    r.step(msg({ from: 3, to: 1, type: 'MsgVote', term: 3, index: 10, logTerm: 2 }));
    expect(readMessages(r)).toEqual([]);
    expect(r.s.term).toBe(2);
  });

  it('TestDisruptiveFollower (pre-vote off): an isolated follower inflates its term and forces the leader down', () => {
    const n = Network.fresh(['nil', 'nil', 'nil'], { checkQuorum: true });
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    const c = n.raft(3);
    expect(n.raft(1).s.state).toBe('StateLeader');
    n.isolate(3);
    for (let i = 0; i < 20; i++) c.tick();
    readMessages(c);
    expect(c.s.state).toBe('StateCandidate');
    n.recover();
    // the leader's next heartbeat is answered with a higher-term MsgAppResp
    n.raft(1).tick();
    const out = readMessages(n.raft(1));
    n.send(...out);
    expect(n.raft(1).s.state).toBe('StateFollower');
    expect(n.raft(1).s.term).toBe(c.s.term);
  });

  it('TestDisruptiveFollowerPreVote: with pre-vote the isolated follower stays a pre-candidate at its term', () => {
    const n = Network.fresh(['nil', 'nil', 'nil'], { checkQuorum: true, preVote: true });
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    n.isolate(3);
    const c = n.raft(3);
    for (let i = 0; i < 40; i++) {
      c.tick();
      readMessages(c);
    }
    expect(c.s.state).toBe('StatePreCandidate');
    expect(c.s.term).toBe(1);
  });

  it('TestLeaderTransferToUpToDateNode: MsgTransferLeader → MsgTimeoutNow → the transferee wins at once', () => {
    const n = Network.fresh(['nil', 'nil', 'nil'], { checkQuorum: true });
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    n.send(msg({ from: 2, to: 1, type: 'MsgTransferLeader' }));
    expect(n.raft(2).s.state).toBe('StateLeader');
    expect(n.raft(1).s.state).toBe('StateFollower');
    expect(n.raft(1).s.lead).toBe(2);
  });

  it('TestReadOnlyOptionSafe-like: ReadIndex is answered after a heartbeat quorum, at the commit index', () => {
    const n = Network.fresh(['nil', 'nil', 'nil'], { checkQuorum: true });
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    n.send(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0, data: 'x' }] }));
    n.send(msg({ from: 2, to: 2, type: 'MsgReadIndex', entries: [{ term: 0, index: 0, data: 'ctx1' }] }));
    const rs = n.raft(2).s.readStates;
    expect(rs).toEqual([{ index: n.raft(1).s.log.committed, requestCtx: 'ctx1' }]);
    expect(L.lastIndex(n.raft(2).s.log)).toBe(2);
  });

  it('a minority-side leader cannot answer ReadIndex', () => {
    const n = Network.fresh(['nil', 'nil', 'nil'], { checkQuorum: true });
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    n.isolate(1);
    n.send(msg({ from: 1, to: 1, type: 'MsgReadIndex', entries: [{ term: 0, index: 0, data: 'c' }] }));
    expect(n.raft(1).s.readStates).toEqual([]);
  });
});
