/**
 * The etcd member model's etcd-3.4 behaviours, each from the reference measurements
 * (/work/shared/references/etcd-3.4.md) or the etcd source: bootstrap index 2N+2 at term 2, RAFT
 * TERM is the applied term, term inflation without pre-vote and none with it, a paused leader
 * steps down on resume, the `lab etcd` JSON shape and its errors.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endpointHealthJson, endpointHealthSimple, endpointStatusJson, endpointStatusSimple, endpointStatusTable, memberListJson, memberListSimple, memberListTable, u64 } from '../src/etcd/etcdctl';
import { replayWal } from '../src/etcd/member';
import { buildCluster, currentLeader, quorumTable, runExperiment, statuses } from '../src/etcd/experiment';
import { CLIENT_OP } from '../src/etcd/client';
import { WATCH, WATCH_EVENT } from '../src/etcd/watch';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const lab = (...args: string[]) => {
  const r = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'packages/sim-core/src/cli/main.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('etcd member model', () => {
  it.each([
    [3, 8],
    [5, 12],
  ])('%i members bootstrap to raft index %i (N ConfChanges, leader noop, N publishes, cluster version) at term 2', (n, index) => {
    const { kernel, members } = buildCluster({ members: n, seed: 1 });
    kernel.runUntil(4_000_000);
    const st = statuses(kernel, members);
    expect(st.map((s) => s.raftIndex)).toEqual(Array(n).fill(index));
    expect(st.map((s) => s.raftTerm)).toEqual(Array(n).fill(2));
    expect(st.filter((s) => s.isLeader)).toHaveLength(1);
  });

  it('endpoint status prints as etcdctl 3.4 prints it', () => {
    const { kernel, members } = buildCluster({ members: 3, seed: 1 });
    kernel.runUntil(4_000_000);
    const rows = statuses(kernel, members).map((s, i) => ({ endpoint: `127.0.0.1:${12379 + 1000 * i}`, status: s }));
    const table = endpointStatusTable(rows).split('\n');
    expect(table[1]).toBe('|    ENDPOINT     |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |');
    expect(table[3]).toMatch(/^\| 127\.0\.0\.1:12379 \| [0-9a-f]{16} \|  3\.4\.23 \|   20 kB \|  *(true|false) \|      false \|         2 \|          8 \|                  8 \|        \|$/);
    expect(endpointStatusSimple(rows).split('\n')[0]).toMatch(/^127\.0\.0\.1:12379, [0-9a-f]{16}, 3\.4\.23, 20 kB, (true|false), false, 2, 8, 8, $/);
  });

  it('quorum loss without pre-vote: the survivor inflates its live term, RAFT TERM stays at the applied term', () => {
    const t = runExperiment({ members: 3, fault: 'kill-majority', atUs: 3_000_000, forUs: 20_000_000, writesPerSecond: 0, seed: 2, statusAtUs: [19_000_000] });
    const s = t.statuses[0]!.status[0]!;
    expect(s.errors).toEqual(['etcdserver: no leader']);
    expect(s.raftTerm).toBe(2);
    expect(s.liveTerm).toBeGreaterThan(8);
    expect(t.stepDowns).toHaveLength(1);
  });

  it('quorum loss with pre-vote: the survivor stays a pre-candidate and the term does not grow; recovery elects at term 3', () => {
    const t = runExperiment({ members: 3, fault: 'kill-majority', atUs: 3_000_000, restoreAtUs: 15_000_000, restoreOnly: 1, forUs: 20_000_000, writesPerSecond: 0, seed: 2, preVote: true, statusAtUs: [14_000_000] });
    const s = t.statuses[0]!.status[0]!;
    expect(s.liveTerm).toBe(2);
    expect(s.role).toBe('StatePreCandidate');
    expect(t.leaderChanges[t.leaderChanges.length - 1]!.term).toBe(3);
  });

  it('a paused (SIGSTOP) leader does not campaign; on resume it steps down within milliseconds of its next contact', () => {
    const t = runExperiment({ members: 3, fault: 'pause-leader', atUs: 3_000_000, restoreAtUs: 8_000_000, forUs: 10_000_000, writesPerSecond: 10, seed: 4 });
    expect(t.reelectionMs).not.toBeNull();
    const newTerm = t.leaderChanges[1]!.term;
    expect(newTerm).toBe(3);
    const sd = t.stepDowns.find((x) => x.member === t.leaderAtFault);
    expect(sd, JSON.stringify(t.stepDowns)).toBeDefined();
    expect(sd!.atMs - 8000).toBeLessThan(150);
  });

  it('a graceful stop transfers leadership at once; no write fails', () => {
    const t = runExperiment({ members: 3, fault: 'stop-leader', atUs: 3_000_000, forUs: 6_000_000, writesPerSecond: 50, seed: 1 });
    expect(t.reelectionMs!).toBeLessThan(20);
    expect(t.summary.error).toBe(0);
  });

  it("reproduces the seed's quorum table by experiment: 1, 2, 3, 5, 7 members tolerate 0, 0, 1, 2, 3", () => {
    const rows = quorumTable([1, 2, 3, 5, 7], 1);
    expect(rows.map((r) => [r.members, r.quorum, r.tolerates])).toEqual([
      [1, 1, 0],
      [2, 2, 0],
      [3, 2, 1],
      [5, 3, 2],
      [7, 4, 3],
    ]);
  });
});

describe('client-visible errors in etcd words', () => {
  const recorder = (kernel: ReturnType<typeof buildCluster>['kernel']) => {
    const got: { atUs: number; payload: any }[] = [];
    kernel.addHost({ name: 'rec', ip: '10.0.0.98', role: 'client' });
    const id = kernel.spawn('rec', 'raw-client', {
      type: 'raw-client',
      init: () => ({}),
      step(st, input, env) {
        if (input.type === 'message') got.push({ atUs: env.now, payload: input.payload });
        if (input.type === 'command') {
          const p = input.payload as { to: string; req: unknown };
          return { state: st, outputs: [{ type: 'send', to: p.to, kind: input.kind, payload: p.req }] };
        }
        return { state: st, outputs: [] };
      },
    });
    return { id, got };
  };

  it('a linearizable read waiting on a follower when a new leader appears fails with "etcdserver: leader changed"', () => {
    const { kernel, members } = buildCluster({ members: 3, seed: 1 });
    const rec = recorder(kernel);
    kernel.runUntil(3_000_000);
    const lead = currentLeader(kernel, members)!;
    const follower = members.find((m) => m !== lead)!;
    kernel.input({ atUs: 3_000_000, type: 'fault', fault: { kind: 'partition', hosts: [kernel.process(lead).host] } });
    kernel.input({ atUs: 3_010_000, type: 'command', to: rec.id, kind: 'etcdserverpb.KV/Range', payload: { to: follower, req: { method: 'etcdserverpb.KV/Range', reqId: 'r1', request: { key: 'x' } } } });
    kernel.runUntil(8_000_000);
    expect(rec.got.map((g) => g.payload.error)).toEqual(['etcdserver: leader changed']);
  });

  it('a write lost with the old leader times out after 7 s; on the member that became leader it says "possibly due to previous leader failure"', () => {
    const { kernel, members } = buildCluster({ members: 3, seed: 1 });
    const rec = recorder(kernel);
    kernel.runUntil(3_000_000);
    const lead = currentLeader(kernel, members)!;
    kernel.input({ atUs: 3_000_000, type: 'fault', fault: { kind: 'kill', target: lead } });
    members
      .filter((m) => m !== lead)
      .forEach((m, i) => kernel.input({ atUs: 3_001_000, type: 'command', to: rec.id, kind: 'etcdserverpb.KV/Put', payload: { to: m, req: { method: 'etcdserverpb.KV/Put', reqId: `w${i}`, request: { key: 'k', value: 'v' } } } }));
    kernel.runUntil(12_000_000);
    const errors = rec.got.map((g) => g.payload.error).sort();
    expect(errors).toEqual(['etcdserver: request timed out', 'etcdserver: request timed out, possibly due to previous leader failure']);
    for (const g of rec.got) expect(g.atUs - 3_001_000).toBeGreaterThanOrEqual(7_000_000);
  });
});

describe('watch from a revision', () => {
  it('replays history from start_revision, then streams new events, in revision order', () => {
    const { kernel, members, client } = buildCluster({ members: 3, seed: 1 });
    const got: { kind: string; payload: any }[] = [];
    kernel.addHost({ name: 'w', ip: '10.0.0.99', role: 'client' });
    const watcher = kernel.spawn('w', 'watcher', {
      type: 'watcher',
      init: () => ({}),
      step(st, input) {
        if (input.type === 'message') got.push({ kind: input.kind, payload: input.payload });
        if (input.type === 'command') return { state: st, outputs: [{ type: 'send', to: members[1]!, kind: WATCH, payload: input.payload }] };
        return { state: st, outputs: [] };
      },
    });
    kernel.runUntil(2_000_000);
    const put = (atUs: number, key: string, value: string) => kernel.input({ atUs, type: 'command', to: client, kind: CLIENT_OP, payload: { opId: atUs, op: 'put', key, value, endpoint: members[0]!, timeoutUs: 5_000_000 } });
    put(2_000_000, 'a', '1');
    put(2_100_000, 'b', '1');
    put(2_200_000, 'a', '2');
    kernel.runUntil(3_000_000);
    kernel.input({ atUs: 3_000_000, type: 'command', to: watcher, kind: 'watch', payload: { reqId: 'w1', key: 'a', start_revision: 1 } });
    kernel.runUntil(3_100_000);
    put(3_200_000, 'a', '3');
    kernel.runUntil(4_000_000);
    expect(got[0]!.kind).toBe(`${WATCH}.reply`);
    expect(got[0]!.payload.created).toBe(true);
    const events = got.filter((g) => g.kind === WATCH_EVENT).flatMap((g) => g.payload.events);
    expect(events.map((e: any) => [e.type, e.kv.key, e.kv.value, e.kv.mod_revision])).toEqual([
      ['PUT', 'a', '1', 2],
      ['PUT', 'a', '2', 4],
      ['PUT', 'a', '3', 5],
    ]);
  });
});

describe('etcdctl views', () => {
  it('endpoint health with one of three down: only the dead endpoint is unhealthy, exit 1, "Error: unhealthy cluster"', () => {
    const t = runExperiment({ members: 3, fault: 'kill-follower', atUs: 3_000_000, forUs: 5_000_000, writesPerSecond: 0, seed: 1, healthAtUs: [4_000_000] });
    const r = endpointHealthSimple(t.health[0]!.rows);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => / is healthy: successfully committed proposal: took = \d+(\.\d+)?(ms|µs)$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.endsWith(' is unhealthy: failed to commit proposal: context deadline exceeded'))).toHaveLength(1);
    expect(lines[lines.length - 1]).toBe('Error: unhealthy cluster');
    expect(r.exitCode).toBe(1);
  });

  it('member list lists every member as started, dead or alive (it is not a liveness probe)', () => {
    const t = runExperiment({ members: 3, fault: 'kill-majority', atUs: 3_000_000, forUs: 4_000_000, writesPerSecond: 0, seed: 1, statusAtUs: [3_500_000] });
    const out = memberListTable(t.memberList).split('\n');
    expect(out[1]).toBe('|        ID        | STATUS  | NAME |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |');
    expect(out.filter((l) => l.includes('| started |'))).toHaveLength(3);
  });
});

describe('lab etcd', () => {
  it('-o json gives seed, leaderChanges, reelectionMs and ops with op/key/startMs/endMs/result/error', () => {
    const r = lab('etcd', '--members', '3', '--fault', 'kill-leader', '--at', '3s', '--for', '6s', '--writes-per-second', '20', '--seed', '7', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.seed).toBe(7);
    expect(j.leaderChanges[0]).toEqual({ atMs: expect.any(Number), leader: expect.stringMatching(/^m\d$/), term: 2 });
    expect(j.reelectionMs).toBeGreaterThan(500);
    expect(j.ops.length).toBeGreaterThan(50);
    for (const op of j.ops) {
      expect(op).toMatchObject({ op: 'put', key: expect.any(String), startMs: expect.any(Number), endMs: expect.any(Number), result: expect.stringMatching(/^(ok|error)$/) });
      if (op.result === 'error') expect(op.error).toBe('context deadline exceeded');
    }
  });

  it('--trials K gives K trials with seeds N…N+K−1 and the median re-election', () => {
    const r = lab('etcd', '--fault', 'kill-leader', '--at', '3s', '--for', '5s', '--writes-per-second', '0', '--seed', '10', '--trials', '3', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.trials.map((t: { seed: number }) => t.seed)).toEqual([10, 11, 12]);
    const sorted = j.trials.map((t: { reelectionMs: number }) => t.reelectionMs).sort((a: number, b: number) => a - b);
    expect(j.medianReelectionMs).toBe(sorted[1]);
  });

  it.each([
    [['--fault', 'explode'], /--fault must be one of .*got "explode"/],
    [['--at', 'soon'], /--at must be a duration .*got "soon"/],
    [['--members', 'x'], /--members must be an integer, got "x"/],
    [['--mode', 'raft'], /--mode must be etcd or paper, got "raft"/],
    [['--at', '40s', '--for', '30s'], /--at \(40s\) must be before the end of --for \(30s\)/],
  ])('bad input %j → exit 2 naming the flag and value', (args, re) => {
    const r = lab('etcd', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });
});

describe('etcdctl -w json', () => {
  it('prints uint64 ids as encoding/json does: bare decimal numbers (checked against a real etcd 3.4 member)', () => {
    // Real etcd 3.4.23 here: member 9e737febb6b99eee is 11417610130673999598 in -w json.
    expect(u64('9e737febb6b99eee')).toBe('11417610130673999598');
  });

  it('endpoint status, member list and endpoint health in the field order and with the omitempty of etcdctl 3.4', () => {
    const t = runExperiment({ members: 3, fault: 'kill-majority', atUs: 3_000_000, forUs: 6_000_000, writesPerSecond: 0, seed: 1, statusAtUs: [2_000_000, 5_500_000], healthAtUs: [2_000_000] });
    const rows = (i: number) => t.statuses[i]!.status.map((s) => ({ endpoint: s.endpoint!, status: s }));
    const ok = endpointStatusJson(rows(0));
    expect(ok).toMatch(/^\[\{"Endpoint":"10\.0\.0\.11:2379","Status":\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":1,"raft_term":2\},"version":"3\.4\.23","dbSize":20480,"leader":\d+,"raftIndex":8,"raftTerm":2,"raftAppliedIndex":8,"dbSizeInUse":16384\}\},/);
    const lost = endpointStatusJson(rows(1));
    expect(lost).not.toContain('"leader"');
    expect(lost).toContain('"errors":["etcdserver: no leader"],"dbSizeInUse"');
    const s0 = t.statuses[0]!.status[0]!;
    const ml = JSON.parse(memberListJson(t.statuses[0]!.members, s0));
    expect(Object.keys(ml)).toEqual(['header', 'members']);
    expect(Object.keys(ml.members[0])).toEqual(['ID', 'name', 'peerURLs', 'clientURLs']);
    const h = endpointHealthJson(t.health[0]!.rows);
    expect(JSON.parse(h.stdout).map((x: { endpoint: string; health: boolean }) => [x.endpoint, x.health])).toEqual([
      ['10.0.0.11:2379', true],
      ['10.0.0.12:2379', true],
      ['10.0.0.13:2379', true],
    ]);
    expect(h.exitCode).toBe(0);
  });

  it('lab etcd --status-at … -w json prints the views as etcdctl -w json does', () => {
    const r = lab('etcd', '--members', '3', '--fault', 'kill-follower', '--at', '3s', '--for', '6s', '--writes-per-second', '0', '--status-at', '5s', '-w', 'json');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const after = (cmd: string) => lines[lines.findIndex((l) => l.includes(`$ etcdctl ${cmd} -w json`)) + 1]!;
    expect(JSON.parse(after('endpoint status'))).toHaveLength(2);
    expect(JSON.parse(after('member list')).members).toHaveLength(3);
    expect(JSON.parse(after('endpoint health')).filter((x: { health: boolean }) => !x.health)).toEqual([{ endpoint: '10.0.0.11:2379', health: false, took: '5s', error: 'context deadline exceeded' }]);
    expect(r.stdout).toContain('Error: unhealthy cluster');
  });
});

describe('membership: one member at a time, with --strict-reconfig-check', () => {
  const memberOps = (t: ReturnType<typeof runExperiment>) => t.ops.filter((o) => o.op.startsWith('member-')).map((o) => [o.op, o.key, o.result, o.error ?? null]);

  it('single master → three (the seed\'s "Migrate from Single to HA Masters"): member add, start, next; no write fails', () => {
    const t = runExperiment({ members: 1, join: 2, joinAtUs: 3_000_000, fault: 'none', atUs: 1_000_000, forUs: 16_000_000, writesPerSecond: 10, seed: 1, statusAtUs: [15_000_000] });
    expect(memberOps(t)).toEqual([
      ['member-add', 'm2', 'ok', null],
      ['member-add', 'm3', 'ok', null],
    ]);
    expect(t.summary.error).toBe(0);
    const ms = t.statuses[0]!.members;
    expect(ms.map((m) => m.id)).toEqual(ms.map((m) => m.id).sort());
    expect(ms.map((m) => [m.name, m.started]).sort()).toEqual([
      ['m1', true],
      ['m2', true],
      ['m3', true],
    ]);
    expect(t.statuses[0]!.status.map((s) => s.raftIndex)).toEqual(Array(3).fill(t.statuses[0]!.status[0]!.raftIndex));
  });

  it('adding a member that is never started loses quorum; the next add is refused with etcd\'s words', () => {
    const t = runExperiment({ members: 1, join: 2, joinAtUs: 3_000_000, joinStart: false, fault: 'none', atUs: 1_000_000, forUs: 14_000_000, writesPerSecond: 5, seed: 1, statusAtUs: [13_000_000] });
    expect(memberOps(t)).toEqual([
      ['member-add', 'm2', 'ok', null],
      ['member-add', 'm3', 'error', 'etcdserver: re-configuration failed due to not enough started members'],
    ]);
    expect(t.stepDowns).toHaveLength(1);
    expect(t.ops.filter((o) => o.op === 'put' && o.startMs > 6000).every((o) => o.error === 'context deadline exceeded')).toBe(true);
    const ms = t.statuses[0]!.members;
    const m1 = ms.find((m) => m.started)!;
    const m2 = ms.find((m) => !m.started)!;
    expect(memberListSimple(ms).split('\n').sort()).toEqual(['', `${m1.id}, started, m1, https://10.0.0.11:2380, https://10.0.0.11:2379, false`, `${m2.id}, unstarted, , https://10.0.0.12:2380, , false`].sort());
  });

  it('a member add within 5 s of start is refused as "etcdserver: unhealthy cluster" (peers not connected for HealthInterval)', () => {
    const t = runExperiment({ members: 3, join: 1, joinAtUs: 2_000_000, fault: 'none', atUs: 1_000_000, forUs: 4_000_000, writesPerSecond: 0, seed: 1 });
    expect(memberOps(t)).toEqual([['member-add', 'm4', 'error', 'etcdserver: unhealthy cluster']]);
  });

  it('member remove: the removed member stops itself; the other two keep quorum', () => {
    const t = runExperiment({ members: 3, removeMember: 1, removeAtUs: 8_000_000, fault: 'none', atUs: 1_000_000, forUs: 12_000_000, writesPerSecond: 10, seed: 1, statusAtUs: [11_000_000] });
    expect(memberOps(t)).toEqual([['member-remove', 'm1', 'ok', null]]);
    expect(t.statuses[0]!.members.map((m) => m.name).sort()).toEqual(['m2', 'm3']);
    expect(t.statuses[0]!.status.map((s) => s.name)).toEqual(['m2', 'm3']);
    expect(t.ops.filter((o) => o.op === 'put' && o.startMs > 9000).every((o) => o.result === 'ok')).toBe(true);
  });

  it('lab etcd --join / --join-no-start / --remove-member', () => {
    const r = lab('etcd', '--members', '1', '--fault', 'none', '--at', '1s', '--for', '12s', '--writes-per-second', '2', '--join', '2', '--join-at', '3s', '--join-no-start');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\$ etcdctl member add m2: OK/);
    expect(r.stdout).toMatch(/\$ etcdctl member add m3: Error: etcdserver: re-configuration failed due to not enough started members/);
    const bad = lab('etcd', '--remove-member', 'm7');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--remove-member m7: members are m1…m3/);
  });
});

describe('faults and persistence', () => {
  it('--link: a member at a remote site (50 ms one way) — the links are set both ways, the others stay local', () => {
    const { kernel } = buildCluster({ members: 3, seed: 1, links: [{ a: 1, b: 3, latencyUs: 50_000 }, { a: 2, b: 3, latencyUs: 50_000 }] });
    const l = kernel.state.links;
    expect([l['m1>m3']!.latencyUs, l['m3>m1']!.latencyUs, l['m3>m2']!.latencyUs]).toEqual([50_000, 50_000, 50_000]);
    expect(l['m1>m2']).toBeUndefined();
    const r = lab('etcd', '--link', 'm1-m3=50ms,0.5x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--link must look like m1-m3=50ms/);
  });

  it('the WAL replays record by record: a later record replaces the tail from its first index (a follower\'s log repaired by a new leader)', () => {
    const e = (term: number, index: number) => ({ term, index });
    const persisted = new Map<string, unknown>([
      ['raft/hardstate', { term: 1, vote: 0, commit: 2 }],
      ['raft/ent/0000000001', e(1, 1)],
      ['raft/ent/0000000002', e(1, 2)],
      ['wal/0', { ents: [e(2, 3), e(2, 4), e(2, 5)], hs: { term: 2, vote: 1, commit: 3 } }],
      ['wal/2', { hs: { term: 3, vote: 2, commit: 4 } }],
      ['wal/1', { ents: [e(3, 4)] }],
      ['wal/10', { ents: [e(3, 5), e(3, 6)] }],
    ]);
    const w = replayWal(persisted);
    expect(w.entries.map((x) => `${x.index}@${x.term}`)).toEqual(['1@1', '2@1', '3@2', '4@3', '5@3', '6@3']);
    expect(w.hs).toEqual({ term: 3, vote: 2, commit: 4 });
    expect(w.records).toBe(11);
  });

  it('data loss (the data dir wiped): one member loses the cluster state; one of three gets it back from its peers', () => {
    const script = [
      { atUs: 2_000_000, op: 'put' as const, key: 'k', value: 'v' },
      { atUs: 8_000_000, op: 'get' as const, key: 'k', endpoint: 'leader' as const },
    ];
    const one = runExperiment({ members: 1, fault: 'wipe-leader', atUs: 3_000_000, restoreAtUs: 4_000_000, forUs: 9_000_000, writesPerSecond: 0, seed: 1, script, statusAtUs: [8_500_000] });
    expect(one.ops.find((o) => o.op === 'get')!.read).toEqual([]);
    expect(one.statuses[0]!.status[0]!.revision).toBe(1);
    const three = runExperiment({ members: 3, fault: 'wipe-leader', atUs: 3_000_000, restoreAtUs: 4_000_000, forUs: 9_000_000, writesPerSecond: 10, seed: 1, script, statusAtUs: [8_900_000] });
    expect(three.ops.find((o) => o.op === 'get')!.read).toEqual(['v']);
    const st = three.statuses[0]!.status;
    expect(st).toHaveLength(3);
    expect(new Set(st.map((x) => x.revision)).size).toBe(1);
  });

  it('a killed member restarts from its WAL with its term, vote and log, and catches up', () => {
    const t = runExperiment({ members: 3, fault: 'kill-follower', atUs: 3_000_000, restoreAtUs: 6_000_000, forUs: 9_000_000, writesPerSecond: 20, seed: 3, statusAtUs: [8_900_000] });
    const st = t.statuses[0]!.status;
    expect(st).toHaveLength(3);
    expect(new Set(st.map((s) => s.raftAppliedIndex)).size).toBe(1);
    expect(t.summary.error).toBe(0);
  });
});
