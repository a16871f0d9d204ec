/**
 * VOPR-style runs (after TigerBeetle's Viewstamped Operation Replicator): a seeded cluster, a
 * random schedule of faults (kill/restart, pause/resume, partition/heal, lossy links), a client
 * writing and reading at random, and checks on the way and at the end — election safety (at most
 * one leader per term), log matching, leader completeness, state-machine safety (no two members
 * ever commit different entries at one index), and linearizability of the client's history.
 * With `joiners`, the schedule may also change the membership: `member-add` (etcdctl member add
 * of the next spare member, started once the add succeeded) and `member-remove` (of a target).
 * Everything is a function of (members, seed, schedule): a failing run replays exactly.
 */
import type { Fault } from '../kernel/kernel';
import { CLIENT_OP, type ClientOp, type ClientState } from './client';
import { checkHistory, type HistoryOp } from './linearizability';
import { buildCluster } from './experiment';
import type { MemberState } from './member';
import type { Entry } from './raft/types';

export interface ScheduledFault {
  atMs: number;
  kind: 'kill' | 'restart' | 'pause' | 'resume' | 'partition' | 'heal' | 'lossy' | 'clean' | 'wipe' | 'member-add' | 'member-remove';
  /** Member indexes (0-based, modulo the cluster size). */
  targets: number[];
}

export interface VoprResult {
  violations: string[];
  leaders: number;
  maxTerm: number;
  committed: number;
  ops: number;
  okOps: number;
  linearizable: boolean | 'unknown';
  /** Membership changes (member add / remove) that succeeded. */
  membershipChanges: number;
}

const identity = (e: Entry): string => {
  const d = e.data as { id?: string; kind?: string; type?: string; nodeId?: number } | undefined;
  return `${e.term}:${d?.id ?? d?.kind ?? (d?.type ? `${d.type}/${d.nodeId}` : 'noop')}`;
};

export function runVopr(members: number, seed: number, schedule: ScheduledFault[], opts: { durationMs?: number; preVote?: boolean; opEveryMs?: number; allowDataLoss?: boolean; joiners?: number } = {}): VoprResult {
  const durationMs = opts.durationMs ?? 12_000;
  const joiners = opts.joiners ?? 0;
  const { kernel, members: ids, client, spawnJoiner } = buildCluster({ members, seed, preVote: opts.preVote, join: joiners });
  const memberOps: { atUs: number; kind: 'member-add' | 'member-remove'; target: number }[] = [];
  const hosts = ids.map((id) => kernel.process(id).host);
  const r = kernel.rng.stream('vopr-client');
  const violations: string[] = [];
  const leaderOf = new Map<number, string>();
  kernel.trace.onEntry((e) => {
    // A member that applied its own removal stops (as the experiment runner does it).
    if (e.type === 'note' && e.kind === 'etcd.exit' && e.from) kernel.input({ atUs: kernel.now, type: 'fault', fault: { kind: 'stop', target: e.from } });
    if (e.type !== 'note' || e.kind !== 'etcd.leader') return;
    const d = e.data as { member: string; leader: string; term: number };
    if (d.leader !== d.member) return;
    const prev = leaderOf.get(d.term);
    if (prev !== undefined && prev !== d.member) violations.push(`election safety: term ${d.term} has two leaders, ${prev} and ${d.member}`);
    leaderOf.set(d.term, d.member);
  });
  for (const f of schedule) {
    const t = Math.round(f.atMs * 1000);
    const targets = [...new Set(f.targets.map((i) => ids[i % members]!))];
    const faults: Fault[] = [];
    switch (f.kind) {
      case 'member-add':
      case 'member-remove':
        if (joiners > 0) memberOps.push({ atUs: t, kind: f.kind, target: (f.targets[0] ?? 0) % members });
        break;
      case 'kill':
      case 'restart':
      case 'pause':
      case 'resume':
        for (const target of targets) faults.push({ kind: f.kind, target });
        break;
      case 'wipe':
        if (!opts.allowDataLoss) break;
        for (const target of targets) faults.push({ kind: 'kill', target }, { kind: 'wipe', target }, { kind: 'restart', target });
        break;
      case 'partition':
        faults.push({ kind: 'partition', hosts: targets.map((x) => kernel.process(x).host) });
        break;
      case 'heal':
        faults.push({ kind: 'heal' });
        break;
      case 'lossy':
      case 'clean':
        for (const a of hosts) for (const b of hosts) if (a !== b && targets.some((x) => kernel.process(x).host === a)) faults.push({ kind: 'link', from: a, to: b, loss: f.kind === 'lossy' ? 0.3 : 0, bidirectional: true });
        break;
    }
    for (const fault of faults) kernel.input({ atUs: t, type: 'fault', fault });
  }

  const committedTerm: number[] = [0];
  const committedId: string[] = [''];
  /** The observer's term when an index was first seen committed: ≥ the term it was committed in. */
  const commitSeenTerm: number[] = [0];
  const checked = new Map<string, number>();
  const sample = () => {
    const states: [string, MemberState][] = [];
    for (const id of ids) {
      const p = kernel.process(id);
      if (p.status === 'running' || p.status === 'paused') states.push([id, p.state as MemberState]);
    }
    for (const [id, s] of states) {
      // State-machine safety: what one member committed at an index, every member commits there.
      const log = s.raft.log;
      const from = Math.min(checked.get(id) ?? 0, log.committed) + 1;
      for (let i = from; i <= log.committed; i++) {
        const e = log.ents[i]!;
        if (committedTerm[i] === undefined) {
          committedTerm[i] = e.term;
          committedId[i] = identity(e);
          commitSeenTerm[i] = s.raft.term;
        } else if (committedId[i] !== identity(e)) violations.push(`state-machine safety: index ${i} committed as ${committedId[i]} and as ${identity(e)} (on ${id})`);
      }
      checked.set(id, log.committed);
      // Leader completeness: a leader of term T holds every entry committed in an earlier term.
      if (s.raft.state === 'StateLeader') {
        for (let i = 1; i < committedTerm.length; i++) {
          if (commitSeenTerm[i]! >= s.raft.term) continue;
          const e = log.ents[i];
          if (!e || identity(e) !== committedId[i]) violations.push(`leader completeness: leader ${id} (term ${s.raft.term}) lacks entry ${i} (${committedId[i]}) committed by term ${commitSeenTerm[i]}`);
        }
      }
    }
    // Log matching: two logs with an entry of the same index and term are identical up to it.
    for (let a = 0; a < states.length; a++)
      for (let b = a + 1; b < states.length; b++) {
        const la = states[a]![1].raft.log.ents;
        const lb = states[b]![1].raft.log.ents;
        let i = Math.min(la.length, lb.length) - 1;
        while (i > 0 && la[i]!.term !== lb[i]!.term) i--;
        for (let j = i; j > 0; j--)
          if (identity(la[j]!) !== identity(lb[j]!)) {
            violations.push(`log matching: ${states[a]![0]} and ${states[b]![0]} agree at ${i} but differ at ${j}`);
            break;
          }
      }
  };

  const opEvery = (opts.opEveryMs ?? 40) * 1000;
  memberOps.sort((a, b) => a.atUs - b.atUs);
  let pendingAdd = 0;
  let nextJoiner = 1;
  let opId = 0;
  let values = 0;
  for (let t = 0; t <= durationMs * 1000; t += opEvery) {
    kernel.runUntil(t);
    if (t % 100_000 < opEvery) sample();
    const up = ids.filter((id) => {
      const st = kernel.process(id).status;
      return st === 'running' || st === 'paused';
    });
    if (up.length === 0 || t < 1_000_000) continue;
    // Membership changes, one at a time through etcdctl; a spare member starts once its add is OK.
    if (pendingAdd !== 0) {
      const res = (kernel.process(client).state as ClientState).results.find((x) => x.opId === pendingAdd);
      if (res) {
        if (res.result === 'ok') spawnJoiner(members + nextJoiner);
        nextJoiner++;
        pendingAdd = 0;
      }
    }
    while (memberOps.length > 0 && memberOps[0]!.atUs <= t) {
      const m = memberOps.shift()!;
      const ep = up[r.int(0, up.length - 1)]!;
      if (m.kind === 'member-add') {
        if (pendingAdd !== 0 || nextJoiner > joiners) continue;
        pendingAdd = ++opId;
        kernel.input({ atUs: t, type: 'command', to: client, kind: CLIENT_OP, payload: { opId: pendingAdd, op: 'member-add', key: `m${members + nextJoiner}`, memberId: members + nextJoiner, endpoint: ep, timeoutUs: 5_000_000 } });
      } else {
        kernel.input({ atUs: t, type: 'command', to: client, kind: CLIENT_OP, payload: { opId: ++opId, op: 'member-remove', key: `m${m.target + 1}`, memberId: m.target + 1, endpoint: ep, timeoutUs: 5_000_000 } });
      }
    }
    const endpoint = up[r.int(0, up.length - 1)]!;
    const key = ['a', 'b', 'c'][r.int(0, 2)]!;
    const op: ClientOp = r.chance(0.5) ? { opId: ++opId, op: 'put', key, value: `v${++values}`, endpoint, timeoutUs: 2_000_000 } : { opId: ++opId, op: 'get', key, endpoint, timeoutUs: 2_000_000 };
    kernel.input({ atUs: t, type: 'command', to: client, kind: CLIENT_OP, payload: op });
  }
  kernel.runUntil((durationMs + 2_500) * 1000);
  sample();

  const results = (kernel.process(client).state as ClientState).results;
  const history: HistoryOp[] = [];
  for (const x of results) {
    if (x.op === 'put') history.push({ key: x.key, kind: 'put', value: x.value ?? '', callUs: x.startUs, returnUs: x.result === 'ok' ? x.endUs : Number.POSITIVE_INFINITY });
    else if (x.result === 'ok') history.push({ key: x.key, kind: 'get', value: x.read?.[0] ?? '', callUs: x.startUs, returnUs: x.endUs });
  }
  // Writes still in flight at the end are indeterminate too.
  const inflight = (kernel.process(client).state as ClientState).inflight;
  for (const f of inflight.values()) if (f.op.op === 'put') history.push({ key: f.op.key, kind: 'put', value: f.op.value ?? '', callUs: f.startUs, returnUs: Number.POSITIVE_INFINITY });
  const lin = checkHistory(history);
  if (lin.ok === false) violations.push(`linearizability: the history of key ${lin.badKey} has no linearization`);
  return {
    violations,
    leaders: leaderOf.size,
    maxTerm: Math.max(0, ...leaderOf.keys()),
    committed: committedTerm.length - 1,
    ops: results.length,
    okOps: results.filter((x) => x.result === 'ok').length,
    membershipChanges: results.filter((x) => x.op.startsWith('member-') && x.result === 'ok').length,
    linearizable: lin.ok,
  };
}
