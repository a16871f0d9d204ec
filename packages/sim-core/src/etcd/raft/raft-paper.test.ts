/**
 * The Raft paper's conformance tests, ported as data from etcd-io/etcd v3.4.23
 * `raft/raft_paper_test.go` (test names and tables kept; line numbers in comments).
 * The raft runs in `paper` mode: CheckQuorum and PreVote off, ElectionTick 10, HeartbeatTick 1.
 */
import { describe, expect, it } from 'vitest';
import * as L from './log';
import type { StateType } from './raft';
import { msg, None, type Entry, type Message } from './types';
import { Network, acceptAndReply, commitNoopEntry, ents, idsBySize, loadState, newTestRaft, readMessages } from './testing';

const byTo = (ms: Message[]) => [...ms].sort((a, b) => a.to - b.to || a.type.localeCompare(b.type));
const pick = (m: Message) => ({ type: m.type, from: m.from, to: m.to, term: m.term, logTerm: m.logTerm, index: m.index, commit: m.commit, reject: m.reject, rejectHint: m.rejectHint, entries: m.entries.map((e) => ({ term: e.term, index: e.index, data: e.data })) });
const entriesOf = (es: Entry[]) => es.map((e) => ({ term: e.term, index: e.index, data: e.data }));

describe('raft_paper_test.go (etcd v3.4.23)', () => {
  // L38-77: testUpdateTermFromMessage
  it.each<StateType>(['StateFollower', 'StateCandidate', 'StateLeader'])('TestXUpdateTermFromMessage (%s): a higher term makes it a follower of that term (§5.1)', (state) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    if (state === 'StateFollower') r.becomeFollower(1, 2);
    if (state === 'StateCandidate') r.becomeCandidate();
    if (state === 'StateLeader') {
      r.becomeCandidate();
      r.becomeLeader();
    }
    r.step(msg({ type: 'MsgApp', term: 2 }));
    expect(r.s.term).toBe(2);
    expect(r.s.state).toBe('StateFollower');
  });

  it('TestRejectStaleTermMessage: a message with a stale term is ignored (§5.1) [L79]', () => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    loadState(r, { term: 2 });
    const before = structuredClone(r.s);
    r.step(msg({ type: 'MsgApp', term: r.s.term - 1 }));
    expect(readMessages(r)).toEqual([]);
    expect(r.s).toEqual(before);
  });

  it('TestStartAsFollower (§5.2) [L98]', () => {
    expect(newTestRaft(1, [1, 2, 3], 10, 1).s.state).toBe('StateFollower');
  });

  it('TestLeaderBcastBeat: on a heartbeat tick the leader sends MsgHeartbeat to all (§5.2) [L109]', () => {
    const hi = 1;
    const r = newTestRaft(1, [1, 2, 3], 10, hi);
    r.becomeCandidate();
    r.becomeLeader();
    for (let i = 0; i < 10; i++) r.appendEntry([{ term: 0, index: i + 1 }]);
    for (let i = 0; i < hi; i++) r.tick();
    expect(byTo(readMessages(r)).map(pick)).toEqual([
      pick(msg({ from: 1, to: 2, term: 1, type: 'MsgHeartbeat' })),
      pick(msg({ from: 1, to: 3, term: 1, type: 'MsgHeartbeat' })),
    ]);
  });

  // L134-190: testNonleaderStartElection
  it.each<StateType>(['StateFollower', 'StateCandidate'])('Test%sStartNewElection: after an election timeout it campaigns at term+1 (§5.2)', (state) => {
    const et = 10;
    const r = newTestRaft(1, [1, 2, 3], et, 1);
    if (state === 'StateFollower') r.becomeFollower(1, 2);
    else r.becomeCandidate();
    for (let i = 1; i < 2 * et; i++) r.tick();
    expect(r.s.term).toBe(2);
    expect(r.s.state).toBe('StateCandidate');
    expect(r.s.votes[r.s.id]).toBe(true);
    expect(byTo(readMessages(r)).map(pick)).toEqual([
      pick(msg({ from: 1, to: 2, term: 2, type: 'MsgVote' })),
      pick(msg({ from: 1, to: 3, term: 2, type: 'MsgVote' })),
    ]);
  });

  // L192-235
  const oneRound: { size: number; votes: Record<number, boolean>; state: StateType }[] = [
    { size: 1, votes: {}, state: 'StateLeader' },
    { size: 3, votes: { 2: true, 3: true }, state: 'StateLeader' },
    { size: 3, votes: { 2: true }, state: 'StateLeader' },
    { size: 5, votes: { 2: true, 3: true, 4: true, 5: true }, state: 'StateLeader' },
    { size: 5, votes: { 2: true, 3: true, 4: true }, state: 'StateLeader' },
    { size: 5, votes: { 2: true, 3: true }, state: 'StateLeader' },
    { size: 3, votes: { 2: false, 3: false }, state: 'StateFollower' },
    { size: 5, votes: { 2: false, 3: false, 4: false, 5: false }, state: 'StateFollower' },
    { size: 5, votes: { 2: true, 3: false, 4: false, 5: false }, state: 'StateFollower' },
    { size: 3, votes: {}, state: 'StateCandidate' },
    { size: 5, votes: { 2: true }, state: 'StateCandidate' },
    { size: 5, votes: { 2: false, 3: false }, state: 'StateCandidate' },
    { size: 5, votes: {}, state: 'StateCandidate' },
  ];
  it.each(oneRound)('TestLeaderElectionInOneRoundRPC: size $size votes $votes → $state (§5.2)', ({ size, votes, state }) => {
    const r = newTestRaft(1, idsBySize(size), 10, 1);
    r.step(msg({ from: 1, to: 1, type: 'MsgHup' }));
    for (const [id, vote] of Object.entries(votes)) r.step(msg({ from: Number(id), to: 1, term: r.s.term, type: 'MsgVoteResp', reject: !vote }));
    expect(r.s.state).toBe(state);
    expect(r.s.term).toBe(1);
  });

  // L237-269
  const followerVote = [
    { vote: None, nvote: 1, wreject: false },
    { vote: None, nvote: 2, wreject: false },
    { vote: 1, nvote: 1, wreject: false },
    { vote: 2, nvote: 2, wreject: false },
    { vote: 1, nvote: 2, wreject: true },
    { vote: 2, nvote: 1, wreject: true },
  ];
  it.each(followerVote)('TestFollowerVote: voted $vote, asked by $nvote → reject $wreject (§5.2)', ({ vote, nvote, wreject }) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    loadState(r, { term: 1, vote });
    r.step(msg({ from: nvote, to: 1, term: 1, type: 'MsgVote' }));
    expect(readMessages(r).map(pick)).toEqual([pick(msg({ from: 1, to: nvote, term: 1, type: 'MsgVoteResp', reject: wreject }))]);
  });

  // L271-292
  it.each([1, 2])('TestCandidateFallback: MsgApp at term %i from a leader makes the candidate follow (§5.2)', (term) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    r.step(msg({ from: 1, to: 1, type: 'MsgHup' }));
    expect(r.s.state).toBe('StateCandidate');
    r.step(msg({ from: 2, to: 1, term, type: 'MsgApp' }));
    expect(r.s.state).toBe('StateFollower');
    expect(r.s.term).toBe(term);
  });

  // L294-333: testNonleaderElectionTimeoutRandomized (v3.4.23 checks d = et+1 .. 2et-1)
  it.each<StateType>(['StateFollower', 'StateCandidate'])('Test%sElectionTimeoutRandomized: every timeout in (et, 2et) occurs (§5.2)', (state) => {
    const et = 10;
    const r = newTestRaft(1, [1, 2, 3], et, 1);
    const timeouts = new Set<number>();
    for (let round = 0; round < 50 * et; round++) {
      if (state === 'StateFollower') r.becomeFollower(r.s.term + 1, 2);
      else r.becomeCandidate();
      let time = 0;
      while (readMessages(r).length === 0) {
        r.tick();
        time++;
      }
      timeouts.add(time);
    }
    for (let d = et + 1; d < 2 * et; d++) expect(timeouts.has(d), `timeout ${d}`).toBe(true);
    for (const t of timeouts) expect(t >= et && t < 2 * et).toBe(true);
  });

  // L335-395: testNonleadersElectionTimeoutNonconflict
  it.each<StateType>(['StateFollower', 'StateCandidate'])('Test%ssElectionTimeoutNonconflict: at most 30%% of rounds have two timeouts in one tick (§5.2)', (state) => {
    const et = 10;
    const size = 5;
    const ids = idsBySize(size);
    const rs = ids.map((id) => newTestRaft(id, ids, et, 1));
    let conflicts = 0;
    for (let round = 0; round < 1000; round++) {
      for (const r of rs) {
        if (state === 'StateFollower') r.becomeFollower(r.s.term + 1, None);
        else r.becomeCandidate();
      }
      let timeoutNum = 0;
      while (timeoutNum === 0) {
        for (const r of rs) {
          r.tick();
          if (readMessages(r).length > 0) timeoutNum++;
        }
      }
      if (timeoutNum > 1) conflicts++;
    }
    expect(conflicts / 1000).toBeLessThanOrEqual(0.3);
  });

  it('TestLeaderStartReplication: a proposal is appended and sent in MsgApp (§5.3) [L397]', () => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r);
    const li = L.lastIndex(r.s.log);
    r.step(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0, data: 'some data' }] }));
    expect(L.lastIndex(r.s.log)).toBe(li + 1);
    expect(r.s.log.committed).toBe(li);
    const wents = [{ term: 1, index: li + 1, data: 'some data' }];
    expect(byTo(readMessages(r)).map(pick)).toEqual([
      pick(msg({ from: 1, to: 2, term: 1, type: 'MsgApp', index: li, logTerm: 1, entries: wents, commit: li })),
      pick(msg({ from: 1, to: 3, term: 1, type: 'MsgApp', index: li, logTerm: 1, entries: wents, commit: li })),
    ]);
    expect(entriesOf(L.unstableEntries(r.s.log))).toEqual(wents);
  });

  it('TestLeaderCommitEntry: a replicated entry is committed and its commit index sent on (§5.3) [L436]', () => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r);
    const li = L.lastIndex(r.s.log);
    r.step(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0, data: 'some data' }] }));
    for (const m of readMessages(r)) r.step(acceptAndReply(m));
    expect(r.s.log.committed).toBe(li + 1);
    expect(entriesOf(L.nextEnts(r.s.log))).toEqual([{ term: 1, index: li + 1, data: 'some data' }]);
    const ms = byTo(readMessages(r));
    ms.forEach((m, i) => {
      expect(m.to).toBe(i + 2);
      expect(m.type).toBe('MsgApp');
      expect(m.commit).toBe(li + 1);
    });
  });

  // L474-514
  const ackCommit: { size: number; acceptors: number[]; wack: boolean }[] = [
    { size: 1, acceptors: [], wack: true },
    { size: 3, acceptors: [], wack: false },
    { size: 3, acceptors: [2], wack: true },
    { size: 3, acceptors: [2, 3], wack: true },
    { size: 5, acceptors: [], wack: false },
    { size: 5, acceptors: [2], wack: false },
    { size: 5, acceptors: [2, 3], wack: true },
    { size: 5, acceptors: [2, 3, 4], wack: true },
    { size: 5, acceptors: [2, 3, 4, 5], wack: true },
  ];
  it.each(ackCommit)('TestLeaderAcknowledgeCommit: size $size acceptors $acceptors → committed $wack (§5.3)', ({ size, acceptors, wack }) => {
    const r = newTestRaft(1, idsBySize(size), 10, 1);
    r.becomeCandidate();
    r.becomeLeader();
    commitNoopEntry(r);
    const li = L.lastIndex(r.s.log);
    r.step(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0, data: 'some data' }] }));
    for (const m of readMessages(r)) if (acceptors.includes(m.to)) r.step(acceptAndReply(m));
    expect(r.s.log.committed > li).toBe(wack);
  });

  // L516-545
  it.each([[], ents(2), ents(1, 2), ents(1)])('TestLeaderCommitPrecedingEntries: preloaded %j are committed in order (§5.3)', (...tt) => {
    const pre = tt as Entry[];
    const r = newTestRaft(1, [1, 2, 3], 10, 1, { entries: pre });
    loadState(r, { term: 2 });
    r.becomeCandidate();
    r.becomeLeader();
    r.step(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0, data: 'some data' }] }));
    for (const m of readMessages(r)) r.step(acceptAndReply(m));
    const li = pre.length;
    const wents = [...pre.map((e) => ({ ...e, data: undefined })), { term: 3, index: li + 1, data: undefined }, { term: 3, index: li + 2, data: 'some data' }];
    expect(entriesOf(L.nextEnts(r.s.log))).toEqual(wents);
  });

  // L547-599
  const followerCommit: { ents: Entry[]; commit: number }[] = [
    { ents: [{ term: 1, index: 1, data: 'some data' }], commit: 1 },
    { ents: [{ term: 1, index: 1, data: 'some data' }, { term: 1, index: 2, data: 'some data2' }], commit: 2 },
    { ents: [{ term: 1, index: 1, data: 'some data2' }, { term: 1, index: 2, data: 'some data' }], commit: 2 },
    { ents: [{ term: 1, index: 1, data: 'some data' }, { term: 1, index: 2, data: 'some data2' }], commit: 1 },
  ];
  it.each(followerCommit)('TestFollowerCommitEntry: commit $commit (§5.3)', ({ ents: es, commit }) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    r.becomeFollower(1, 2);
    r.step(msg({ from: 2, to: 1, type: 'MsgApp', term: 1, entries: es, commit }));
    expect(r.s.log.committed).toBe(commit);
    expect(entriesOf(L.nextEnts(r.s.log))).toEqual(es.slice(0, commit));
  });

  // L601-643 (v3.4: RejectHint = the follower's last index, no LogTerm hint)
  const checkMsgApp = [
    { term: 0, index: 0, windex: 1, wreject: false, wrejectHint: 0 },
    { term: 1, index: 1, windex: 1, wreject: false, wrejectHint: 0 },
    { term: 2, index: 2, windex: 2, wreject: false, wrejectHint: 0 },
    { term: 1, index: 2, windex: 2, wreject: true, wrejectHint: 2 },
    { term: 3, index: 3, windex: 3, wreject: true, wrejectHint: 2 },
  ];
  it.each(checkMsgApp)('TestFollowerCheckMsgApp: prev ($term,$index) → index $windex reject $wreject hint $wrejectHint (§5.3)', ({ term, index, windex, wreject, wrejectHint }) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1, { entries: ents(1, 2) });
    loadState(r, { commit: 1 });
    r.becomeFollower(2, 2);
    r.step(msg({ from: 2, to: 1, type: 'MsgApp', term: 2, logTerm: term, index }));
    expect(readMessages(r).map(pick)).toEqual([pick(msg({ from: 1, to: 2, type: 'MsgAppResp', term: 2, index: windex, reject: wreject, rejectHint: wrejectHint }))]);
  });

  // L645-695
  const appendEntries: { index: number; term: number; ents: Entry[]; wents: Entry[]; wunstable: Entry[] }[] = [
    { index: 2, term: 2, ents: [{ term: 3, index: 3 }], wents: [{ term: 1, index: 1 }, { term: 2, index: 2 }, { term: 3, index: 3 }], wunstable: [{ term: 3, index: 3 }] },
    { index: 1, term: 1, ents: [{ term: 3, index: 2 }, { term: 4, index: 3 }], wents: [{ term: 1, index: 1 }, { term: 3, index: 2 }, { term: 4, index: 3 }], wunstable: [{ term: 3, index: 2 }, { term: 4, index: 3 }] },
    { index: 0, term: 0, ents: [{ term: 1, index: 1 }], wents: [{ term: 1, index: 1 }, { term: 2, index: 2 }], wunstable: [] },
    { index: 0, term: 0, ents: [{ term: 3, index: 1 }], wents: [{ term: 3, index: 1 }], wunstable: [{ term: 3, index: 1 }] },
  ];
  it.each(appendEntries)('TestFollowerAppendEntries: prev ($index,$term) + $ents (§5.3)', ({ index, term, ents: es, wents, wunstable }) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1, { entries: ents(1, 2) });
    r.becomeFollower(2, 2);
    r.step(msg({ from: 2, to: 1, type: 'MsgApp', term: 2, logTerm: term, index, entries: es }));
    expect(entriesOf(r.s.log.ents.slice(1))).toEqual(entriesOf(wents));
    expect(entriesOf(L.unstableEntries(r.s.log))).toEqual(entriesOf(wunstable));
  });

  // L697-773: paper figure 7
  const fig7: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  it.each(Object.entries(fig7))('TestLeaderSyncFollowerLog: figure 7 case (%s) is brought into line (§5.3)', (_c, followerTerms) => {
    const term = 8;
    const lead = newTestRaft(1, [1, 2, 3], 10, 1, { entries: ents(1, 1, 1, 4, 4, 5, 5, 6, 6, 6) });
    loadState(lead, { commit: L.lastIndex(lead.s.log), term });
    const follower = newTestRaft(2, [1, 2, 3], 10, 1, { entries: ents(...followerTerms) });
    loadState(follower, { term: term - 1 });
    const n = new Network([lead, follower, null]);
    n.send(msg({ from: 1, to: 1, type: 'MsgHup' }));
    n.send(msg({ from: 3, to: 1, type: 'MsgVoteResp', term: term + 1 }));
    n.send(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0 }] }));
    expect(lead.s.state).toBe('StateLeader');
    expect(follower.s.log.committed).toBe(lead.s.log.committed);
    expect(entriesOf(follower.s.log.ents)).toEqual(entriesOf(lead.s.log.ents));
  });

  // L775-821
  it.each([
    { es: ents(1), wterm: 2 },
    { es: ents(1, 2), wterm: 3 },
  ])('TestVoteRequest: MsgVote carries the last log index and term (§5.4.1) $es', ({ es, wterm }) => {
    const r = newTestRaft(1, [1, 2, 3], 10, 1);
    r.step(msg({ from: 2, to: 1, type: 'MsgApp', term: wterm - 1, logTerm: 0, index: 0, entries: es }));
    readMessages(r);
    for (let i = 1; i < r.s.electionTimeout * 2; i++) r.tickElection();
    const ms = byTo(readMessages(r));
    expect(ms).toHaveLength(2);
    ms.forEach((m, i) => {
      expect(m.type).toBe('MsgVote');
      expect(m.to).toBe(i + 2);
      expect(m.term).toBe(wterm);
      expect(m.index).toBe(es[es.length - 1]!.index);
      expect(m.logTerm).toBe(es[es.length - 1]!.term);
    });
  });

  // L823-866
  const voter: { ents: Entry[]; logterm: number; index: number; wreject: boolean }[] = [
    { ents: ents(1), logterm: 1, index: 1, wreject: false },
    { ents: ents(1), logterm: 1, index: 2, wreject: false },
    { ents: ents(1, 1), logterm: 1, index: 1, wreject: true },
    { ents: ents(1), logterm: 2, index: 1, wreject: false },
    { ents: ents(1), logterm: 2, index: 2, wreject: false },
    { ents: ents(1, 1), logterm: 2, index: 1, wreject: false },
    { ents: ents(2), logterm: 1, index: 1, wreject: true },
    { ents: ents(2), logterm: 1, index: 2, wreject: true },
    { ents: ents(2, 1), logterm: 1, index: 1, wreject: true },
  ];
  it.each(voter)('TestVoter: log $ents vs candidate ($logterm,$index) → reject $wreject (§5.4.1)', ({ ents: es, logterm, index, wreject }) => {
    const r = newTestRaft(1, [1, 2], 10, 1, { entries: es });
    r.step(msg({ from: 2, to: 1, type: 'MsgVote', term: 3, logTerm: logterm, index }));
    const ms = readMessages(r);
    expect(ms).toHaveLength(1);
    expect(ms[0]!.type).toBe('MsgVoteResp');
    expect(ms[0]!.reject).toBe(wreject);
  });

  // L868-900
  it.each([
    { index: 1, wcommit: 0 },
    { index: 2, wcommit: 0 },
    { index: 3, wcommit: 3 },
  ])('TestLeaderOnlyCommitsLogFromCurrentTerm: ack of $index → commit $wcommit (§5.4.2)', ({ index, wcommit }) => {
    const r = newTestRaft(1, [1, 2], 10, 1, { entries: ents(1, 2) });
    loadState(r, { term: 2 });
    r.becomeCandidate();
    r.becomeLeader();
    readMessages(r);
    r.step(msg({ from: 1, to: 1, type: 'MsgProp', entries: [{ term: 0, index: 0 }] }));
    r.step(msg({ from: 2, to: 1, type: 'MsgAppResp', term: r.s.term, index }));
    expect(r.s.log.committed).toBe(wcommit);
  });
});
