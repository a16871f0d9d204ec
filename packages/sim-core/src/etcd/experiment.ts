/**
 * Quorum experiments on a simulated etcd 3.4 cluster: N members on their own hosts, a client
 * (etcdctl) writing at a steady rate round-robin over the endpoints that accept connections, and a
 * fault at a time — then what the client saw and when leaders changed. The same experiments run
 * against real etcd in packages/sim-core/test/etcd-real.test.ts.
 *
 * Faults are separate things, as the kernel keeps them: kill (SIGKILL: volatile state lost,
 * restart from the WAL), pause (SIGSTOP: the process's clock stops too), stop (SIGTERM: the
 * leader first transfers leadership), partition (messages dropped, the clock runs), wipe (the data
 * directory is lost); links between members can be slowed or made lossy, all of them or one pair
 * at a time (a member at a remote site). Membership changes go through etcdctl's `member add` /
 * `member remove` (one member at a time; a joining member starts with an empty data dir once its
 * add succeeded). Models the etcd functional tester's failure cases (`functional/rpcpb`):
 * SIGKILL/SIGTERM of leader, quorum; blackhole of the leader's peer traffic; delay of peer traffic.
 */
import { Kernel, type Fault } from '../kernel/kernel';
import { CLIENT_OP, etcdClient, type ClientOp, type ClientState, type OpResult } from './client';
import type { MemberRow } from './etcdctl';
import { ETCD_STOP, endpointStatus, etcdMember, memberIdOf, memberInfos, type EndpointStatus, type MemberState } from './member';

export const FAULTS = ['none', 'kill-leader', 'pause-leader', 'stop-leader', 'partition-leader', 'kill-majority', 'pause-majority', 'kill-follower', 'wipe-leader'] as const;
export type FaultName = (typeof FAULTS)[number] | `kill-${number}`;

export interface ScriptStep {
  atUs: number;
  op: 'put' | 'get' | 'delete';
  key: string;
  value?: string;
  timeoutUs?: number;
  serializable?: boolean;
  /** 'survivor' (default): a member the fault did not touch; 'leader': the leader at the fault. */
  endpoint?: 'survivor' | 'leader';
}

export interface ExperimentOptions {
  members: number;
  fault: FaultName;
  atUs: number;
  restoreAtUs?: number;
  /** Restore only the first K fault targets (e.g. bring back one of two killed members). */
  restoreOnly?: number;
  forUs: number;
  writesPerSecond: number;
  preVote?: boolean;
  mode?: 'etcd' | 'paper';
  /** One-way latency between members (µs); default 200 µs ± 100 (loopback-like). */
  latencyUs?: number;
  jitterUs?: number;
  loss?: number;
  /** Links between two members (1-based, both directions) that differ from the rest: a remote site. */
  links?: LinkSpec[];
  seed: number;
  commandTimeoutUs?: number;
  script?: ScriptStep[];
  /** Snapshot `endpoint status` (and `member list`) of every member at these times. */
  statusAtUs?: number[];
  /** Run `etcdctl endpoint health` (a linearizable get of "health" per endpoint) at these times. */
  healthAtUs?: number[];
  /**
   * Members that join after the start ("join a master"): `etcdctl member add` for m(N+1), then —
   * once it succeeded — start that member; the next one `joinEveryUs` later (default 10 s: etcd
   * refuses an add until every member has been connected for 5 s).
   */
  join?: number;
  joinAtUs?: number;
  joinEveryUs?: number;
  /** false: add the members but never start them (the quorum trap of adding a member). */
  joinStart?: boolean;
  /** `etcdctl member remove` of member `removeMember` (1-based) at `removeAtUs`. */
  removeMember?: number;
  removeAtUs?: number;
  /**
   * Record the full trace (every message, timer and fault; stable JSON, hashed). By default the
   * kernel records only the `etcd.*` notes the experiment reads (leader changes, step-downs,
   * exits): the Trial is the same either way.
   */
  fullTrace?: boolean;
}

export interface LinkSpec {
  a: number;
  b: number;
  latencyUs: number;
  jitterUs?: number;
  loss?: number;
}

export interface HealthRow {
  endpoint: string;
  health: boolean;
  tookUs: number;
  error?: string;
}

export interface LeaderChange {
  atMs: number;
  leader: string;
  term: number;
}

export interface TrialOp {
  op: string;
  key: string;
  value?: string;
  endpoint: string;
  startMs: number;
  endMs: number;
  result: 'ok' | 'error';
  error?: string;
  read?: string[];
  serializable?: boolean;
  scripted?: boolean;
}

export interface Trial {
  seed: number;
  members: number;
  fault: FaultName;
  faultAtMs: number;
  faultTargets: string[];
  leaderAtFault: string | null;
  leaderChanges: LeaderChange[];
  stepDowns: { atMs: number; member: string; term: number }[];
  reelectionMs: number | null;
  ops: TrialOp[];
  /** etcdctl endpoint status (running members) and member list (as the first of them sees it). */
  statuses: { atMs: number; status: EndpointStatus[]; members: MemberRow[] }[];
  health: { atMs: number; rows: HealthRow[] }[];
  memberList: MemberRow[];
  summary: { ok: number; error: number; errors: Record<string, number>; firstOkAfterFaultMs: number | null; firstOkAfterRestoreMs: number | null };
  finalValues: Record<string, string | null>;
}

const ms = (us: number): number => Math.round(us / 100) / 10;

export function memberName(i: number): string {
  return `m${i}`;
}

export interface Cluster {
  kernel: Kernel;
  /** Process ids of the members spawned so far. */
  members: string[];
  client: string;
  /** Start member `i` (1-based, beyond the initial ones) with an empty data dir, to join. */
  spawnJoiner(i: number): string;
}

export function buildCluster(opts: Pick<ExperimentOptions, 'members' | 'seed' | 'preVote' | 'mode' | 'latencyUs' | 'jitterUs' | 'loss' | 'links' | 'join'>, trace = false): Cluster {
  const kernel = new Kernel({
    seed: opts.seed,
    epochMs: 0,
    defaultLink: { latencyUs: 200, jitterUs: 100 },
    traceFilter: trace ? undefined : (type, kind) => type === 'note' && kind.startsWith('etcd.'),
  });
  const n = opts.members;
  const total = n + (opts.join ?? 0);
  const peers: Record<number, string> = {};
  const names: Record<number, string> = {};
  for (let i = 1; i <= total; i++) {
    kernel.addHost({ name: memberName(i), ip: `10.0.0.${10 + i}`, role: 'etcd' });
    peers[i] = `${memberName(i)}/etcd`;
    names[i] = memberName(i);
  }
  kernel.addHost({ name: 'client', ip: '10.0.0.2', role: 'client' });
  if (opts.latencyUs !== undefined || opts.loss !== undefined) {
    for (let a = 1; a <= total; a++)
      for (let b = 1; b <= total; b++)
        if (a !== b) kernel.setLink(memberName(a), memberName(b), { latencyUs: opts.latencyUs ?? 200, jitterUs: opts.jitterUs ?? Math.round((opts.latencyUs ?? 200) / 10), loss: opts.loss ?? 0 });
  }
  for (const l of opts.links ?? []) {
    if (l.a < 1 || l.a > total || l.b < 1 || l.b > total || l.a === l.b) throw new Error(`link m${l.a}-m${l.b}: members are m1…m${total}`);
    const spec = { latencyUs: l.latencyUs, jitterUs: l.jitterUs ?? Math.round(l.latencyUs / 10), loss: l.loss ?? 0 };
    kernel.setLink(memberName(l.a), memberName(l.b), spec);
    kernel.setLink(memberName(l.b), memberName(l.a), spec);
  }
  const initialCluster = Array.from({ length: n }, (_, i) => i + 1);
  const model = (i: number) => etcdMember({ name: memberName(i), id: i, peers, names, preVote: opts.preVote, mode: opts.mode, initialCluster });
  const members: string[] = [];
  for (let i = 1; i <= n; i++) members.push(kernel.spawn(memberName(i), 'etcd', model(i)));
  const client = kernel.spawn('client', 'etcdctl', etcdClient);
  return {
    kernel,
    members,
    client,
    spawnJoiner(i: number): string {
      if (i <= n || i > total) throw new Error(`member ${i} is not one that joins (m${n + 1}…m${total})`);
      const id = kernel.spawn(memberName(i), 'etcd', model(i));
      members.push(id);
      return id;
    },
  };
}

/** The member that leads (running, role leader, highest term), or null. */
export function currentLeader(kernel: Kernel, members: string[]): string | null {
  let best: string | null = null;
  let term = -1;
  for (const id of members) {
    const p = kernel.process(id);
    if (p.status !== 'running') continue;
    const s = p.state as MemberState;
    if (s.raft.state === 'StateLeader' && s.raft.term > term) {
      best = id;
      term = s.raft.term;
    }
  }
  return best;
}

export function statuses(kernel: Kernel, members: string[]): EndpointStatus[] {
  const out: EndpointStatus[] = [];
  for (const id of members) {
    const p = kernel.process(id);
    if (p.status === 'running') out.push({ ...endpointStatus(p.state as MemberState), endpoint: `${kernel.state.hosts[p.host]!.ip}:2379` });
  }
  return out;
}

/** etcdctl member list as a running member sees it (the first one up), or every process if none. */
export function memberRows(kernel: Kernel, members: string[]): MemberRow[] {
  const url = (name: string, port: number) => `https://${kernel.state.hosts[name]!.ip}:${port}`;
  const up = members.find((m) => kernel.process(m).status === 'running');
  if (up) {
    return memberInfos(kernel.process(up).state as MemberState).map((mi) => {
      const host = memberName(mi.raftId);
      return { id: mi.id, name: mi.name, peerURL: url(host, 2380), clientURL: url(host, 2379), started: mi.started };
    });
  }
  return members.map((m) => {
    const host = kernel.process(m).host;
    return { id: memberIdOf(host), name: host, peerURL: url(host, 2380), clientURL: url(host, 2379) };
  });
}

function faultPlan(fault: FaultName, leader: string | null, members: string[]): { targets: string[]; kind: 'kill' | 'pause' | 'stop' | 'partition' | 'wipe' | 'none' } {
  const followers = members.filter((m) => m !== leader);
  const n = members.length;
  const lead = leader ? [leader] : [];
  switch (fault) {
    case 'none':
      return { targets: [], kind: 'none' };
    case 'kill-leader':
      return { targets: lead, kind: 'kill' };
    case 'pause-leader':
      return { targets: lead, kind: 'pause' };
    case 'stop-leader':
      return { targets: lead, kind: 'stop' };
    case 'partition-leader':
      return { targets: lead, kind: 'partition' };
    case 'wipe-leader':
      return { targets: lead, kind: 'wipe' };
    case 'kill-follower':
      return { targets: followers.slice(0, 1), kind: 'kill' };
    case 'kill-majority':
      // Kill enough followers that the leader is left without a quorum (2 of 3, 3 of 5).
      return { targets: n === 1 ? lead : followers.slice(0, Math.ceil(n / 2)), kind: 'kill' };
    case 'pause-majority':
      return { targets: n === 1 ? lead : followers.slice(0, Math.ceil(n / 2)), kind: 'pause' };
    default: {
      const k = Number(fault.slice('kill-'.length));
      // kill-K: the leader and K-1 followers.
      return { targets: [...lead, ...followers].slice(0, k), kind: 'kill' };
    }
  }
}

export function runExperiment(o: ExperimentOptions, onKernel?: (k: Kernel) => void): Trial {
  const { kernel, members, client, spawnJoiner } = buildCluster(o, o.fullTrace ?? false);
  onKernel?.(kernel);
  const timeoutUs = o.commandTimeoutUs ?? 5_000_000;
  const leaderChanges: LeaderChange[] = [];
  const stepDowns: Trial['stepDowns'] = [];
  const exits: string[] = [];
  const scripted = new Set<number>();
  kernel.trace.onEntry((e) => {
    if (e.type !== 'note') return;
    const d = e.data as { member: string; leader?: string; term: number };
    if (e.kind === 'etcd.leader' && d.leader === d.member) leaderChanges.push({ atMs: ms(e.t), leader: d.member, term: d.term });
    else if (e.kind === 'etcd.step-down') stepDowns.push({ atMs: ms(e.t), member: d.member, term: d.term });
    else if (e.kind === 'etcd.exit') exits.push(e.from!);
  });

  let opId = 0;
  let rr = 0;
  let targets: string[] = [];
  let leaderAtFault: string | null = null;
  let faultDone = false;
  let restored = false;
  const statusOut: Trial['statuses'] = [];
  const statusTimes = [...(o.statusAtUs ?? [])].sort((a, b) => a - b);
  const script = [...(o.script ?? [])].sort((a, b) => a.atUs - b.atUs);
  const healthTimes = [...(o.healthAtUs ?? [])].sort((a, b) => a - b);
  const healthOps = new Map<number, { atMs: number; endpoint: string }>();
  const endUs = o.forUs;
  const writeEvery = o.writesPerSecond > 0 ? Math.round(1_000_000 / o.writesPerSecond) : Number.POSITIVE_INFINITY;
  let nextWrite = writeEvery;
  const sliceUs = 10_000;

  const accepting = (id: string) => {
    const st = kernel.process(id).status;
    return st === 'running' || st === 'paused';
  };
  /** Round robin over the members that accept connections (without building their list: 100 times a second). */
  const acceptingNow: boolean[] = [];
  const pickEndpoint = (): string | null => {
    let n = 0;
    for (let i = 0; i < members.length; i++) if ((acceptingNow[i] = accepting(members[i]!))) n++;
    if (n === 0) return null;
    let k = rr++ % n;
    for (let i = 0; i < members.length; i++) if (acceptingNow[i] && k-- === 0) return members[i]!;
    return null;
  };
  const issue = (op: Omit<ClientOp, 'opId' | 'endpoint' | 'timeoutUs'> & { timeoutUs?: number }, endpoint: string | null) => {
    if (!endpoint) return;
    const id = ++opId;
    const payload: ClientOp = { opId: id, op: op.op, key: op.key, endpoint, timeoutUs: op.timeoutUs ?? timeoutUs };
    if (op.value !== undefined) payload.value = op.value;
    if (op.serializable !== undefined) payload.serializable = op.serializable;
    if (op.memberId !== undefined) payload.memberId = op.memberId;
    kernel.input({ atUs: kernel.now, type: 'command', to: client, kind: CLIENT_OP, payload });
    return id;
  };

  const joinTotal = o.join ?? 0;
  let joinNext = 1;
  let joinAt = o.joinAtUs ?? 5_000_000;
  let joinPending = 0;
  let removed = false;

  let t = 0;
  const horizon = endUs + Math.max(timeoutUs, ...script.map((s) => s.timeoutUs ?? timeoutUs)) + 100_000;
  while (t < horizon) {
    const next = Math.min(t + sliceUs, horizon);
    kernel.runUntil(next);
    t = next;
    if (exits.length > 0) for (const ex of exits.splice(0)) kernel.input({ atUs: t, type: 'fault', fault: { kind: 'stop', target: ex } });
    if (!faultDone && t >= o.atUs) {
      faultDone = true;
      leaderAtFault = currentLeader(kernel, members);
      const plan = faultPlan(o.fault, leaderAtFault, members);
      targets = plan.targets;
      for (const target of targets) {
        if (plan.kind === 'none') break;
        if (plan.kind === 'stop') kernel.input({ atUs: t, type: 'command', to: target, kind: ETCD_STOP });
        else if (plan.kind === 'partition') kernel.input({ atUs: t, type: 'fault', fault: { kind: 'partition', hosts: [kernel.process(target).host] } });
        else if (plan.kind === 'wipe') {
          kernel.input({ atUs: t, type: 'fault', fault: { kind: 'kill', target } });
          kernel.input({ atUs: t, type: 'fault', fault: { kind: 'wipe', target } });
        } else kernel.input({ atUs: t, type: 'fault', fault: { kind: plan.kind, target } as Fault });
      }
      if (o.restoreAtUs === undefined) restored = true;
    }
    if (faultDone && !restored && o.restoreAtUs !== undefined && t >= o.restoreAtUs) {
      restored = true;
      const plan = faultPlan(o.fault, leaderAtFault, members);
      for (const target of targets.slice(0, o.restoreOnly ?? targets.length)) {
        const f: Fault | null =
          plan.kind === 'kill' || plan.kind === 'stop' || plan.kind === 'wipe'
            ? { kind: 'restart', target }
            : plan.kind === 'pause'
              ? { kind: 'resume', target }
              : plan.kind === 'partition'
                ? { kind: 'heal' }
                : null;
        if (f) kernel.input({ atUs: t, type: 'fault', fault: f });
      }
    }
    while (statusTimes.length > 0 && statusTimes[0]! <= t) {
      statusTimes.shift();
      statusOut.push({ atMs: ms(t), status: statuses(kernel, members), members: memberRows(kernel, members) });
    }
    while (healthTimes.length > 0 && healthTimes[0]! <= t) {
      healthTimes.shift();
      for (const m of members) {
        const id = issue({ op: 'get', key: 'health' }, m);
        if (id !== undefined) healthOps.set(id, { atMs: ms(t), endpoint: `${kernel.state.hosts[kernel.process(m).host]!.ip}:2379` });
      }
    }
    // Membership: member add (then start the new member once the add succeeded), member remove.
    if (joinNext <= joinTotal && !joinPending && t >= joinAt) {
      const ep = currentLeader(kernel, members) ?? pickEndpoint();
      const id = issue({ op: 'member-add', key: memberName(o.members + joinNext), memberId: o.members + joinNext }, ep);
      if (id !== undefined) joinPending = id;
    }
    if (joinPending) {
      const res = (kernel.process(client).state as ClientState).results.find((x) => x.opId === joinPending);
      if (res) {
        if (res.result === 'ok' && o.joinStart !== false) spawnJoiner(o.members + joinNext);
        joinPending = 0;
        joinNext++;
        joinAt = t + (o.joinEveryUs ?? 10_000_000);
      }
    }
    if (o.removeMember !== undefined && !removed && t >= (o.removeAtUs ?? 0)) {
      removed = true;
      issue({ op: 'member-remove', key: memberName(o.removeMember), memberId: o.removeMember }, currentLeader(kernel, members) ?? pickEndpoint());
    }
    while (script.length > 0 && script[0]!.atUs <= t) {
      const s = script.shift()!;
      const survivors = members.filter((m) => !targets.includes(m) && accepting(m));
      const ep = s.endpoint === 'leader' ? leaderAtFault : survivors[0] ?? null;
      const id = issue({ op: s.op, key: s.key, value: s.value, serializable: s.serializable, timeoutUs: s.timeoutUs }, ep);
      if (id !== undefined) scripted.add(id);
    }
    while (t < endUs && nextWrite <= t) {
      issue({ op: 'put', key: `k${opId + 1}`, value: `v${opId + 1}` }, pickEndpoint());
      nextWrite += writeEvery;
    }
  }

  return trialOf(o, kernel, client, members, { leaderChanges, stepDowns, targets, leaderAtFault, statusOut, healthOps, scripted });
}

/**
 * The Trial from a finished run. A function of its own, not the end of runExperiment: the run's
 * loop is compiled on the stack (OSR) with what its feedback knew then, and this part, run once
 * per experiment after it, used to drop that code back to the interpreter every time.
 */
function trialOf(
  o: ExperimentOptions,
  kernel: Kernel,
  client: string,
  members: string[],
  run: { leaderChanges: LeaderChange[]; stepDowns: Trial['stepDowns']; targets: string[]; leaderAtFault: string | null; statusOut: Trial['statuses']; healthOps: Map<number, { atMs: number; endpoint: string }>; scripted: Set<number> },
): Trial {
  const { leaderChanges, stepDowns, targets, leaderAtFault, statusOut, healthOps, scripted } = run;
  const allResults = (kernel.process(client).state as ClientState).results.slice().sort((a, b) => a.opId - b.opId);
  const health: Trial['health'] = [];
  if (healthOps.size > 0) {
    for (const r of allResults) {
      const h = healthOps.get(r.opId);
      if (!h) continue;
      let g = health.find((x) => x.atMs === h.atMs);
      if (!g) health.push((g = { atMs: h.atMs, rows: [] }));
      g.rows.push({ endpoint: h.endpoint, health: r.result === 'ok', tookUs: r.endUs - r.startUs, ...(r.error ? { error: r.error } : {}) });
    }
    for (const g of health) g.rows.sort((a, b) => a.endpoint.localeCompare(b.endpoint));
  }
  const results = healthOps.size > 0 ? allResults.filter((r) => !healthOps.has(r.opId)) : allResults;
  // The host of each endpoint, looked up once (6,000 ops, a few endpoints).
  const hostOf = new Map<string, string>();
  const host = (endpoint: string): string => {
    let h = hostOf.get(endpoint);
    if (h === undefined) hostOf.set(endpoint, (h = kernel.process(endpoint).host));
    return h;
  };
  // Fields set one by one, in a fixed order (the JSON's key order), without spreads: 6,000 ops a minute.
  const ops: TrialOp[] = results.map((r: OpResult) => {
    const op = { op: r.op, key: r.key } as TrialOp;
    if (r.value !== undefined) op.value = r.value;
    op.endpoint = host(r.endpoint);
    op.startMs = ms(r.startUs);
    op.endMs = ms(r.endUs);
    op.result = r.result;
    if (r.error) op.error = r.error;
    if (r.read) op.read = r.read;
    if (r.op === 'get') op.serializable = r.serializable;
    if (scripted.has(r.opId)) op.scripted = true;
    return op;
  });
  const faultAtMs = ms(o.atUs);
  const after = leaderChanges.find((c) => c.atMs >= faultAtMs && (o.fault === 'none' ? false : c.leader !== leaderAtFault?.split('/')[0] || o.fault.startsWith('kill-') || o.fault === 'wipe-leader'));
  const errors: Record<string, number> = {};
  let okCount = 0;
  let errorCount = 0;
  for (const op of ops) {
    if (op.result === 'ok') okCount++;
    else if (op.result === 'error') errorCount++;
    if (op.error) errors[op.error] = (errors[op.error] ?? 0) + 1;
  }
  const firstOk = earliestEnd(ops, (op) => !op.scripted && op.op === 'put' && op.result === 'ok' && op.startMs >= faultAtMs);
  const restoreMs = o.restoreAtUs !== undefined ? ms(o.restoreAtUs) : null;
  const firstOkRestore = restoreMs === null ? undefined : earliestEnd(ops, (op) => op.op === 'put' && op.result === 'ok' && op.endMs >= restoreMs);
  const finalValues: Record<string, string | null> = {};
  const live = members.filter((m) => kernel.process(m).status === 'running');
  for (const s of o.script ?? []) {
    if (s.op !== 'put') continue;
    const st = live.length > 0 ? (kernel.process(live[0]!).state as MemberState) : null;
    finalValues[s.key] = st?.mvcc.kvs.get(s.key)?.value ?? null;
  }
  return {
    seed: o.seed,
    members: o.members,
    fault: o.fault,
    faultAtMs,
    faultTargets: targets.map((x) => x.split('/')[0]!),
    leaderAtFault: leaderAtFault ? leaderAtFault.split('/')[0]! : null,
    leaderChanges,
    stepDowns,
    reelectionMs: after ? Math.round((after.atMs - faultAtMs) * 10) / 10 : null,
    ops,
    statuses: statusOut,
    health,
    memberList: memberRows(kernel, members),
    summary: { ok: okCount, error: errorCount, errors, firstOkAfterFaultMs: firstOk ? Math.round((firstOk.endMs - faultAtMs) * 10) / 10 : null, firstOkAfterRestoreMs: firstOkRestore && restoreMs !== null ? Math.round((firstOkRestore.endMs - restoreMs) * 10) / 10 : null },
    finalValues,
  };
}

/** The first op (in order) with the smallest endMs among those `keep` accepts: what a stable sort by endMs puts first. */
function earliestEnd(ops: TrialOp[], keep: (op: TrialOp) => boolean): TrialOp | undefined {
  let best: TrialOp | undefined;
  for (const op of ops) if (keep(op) && (best === undefined || op.endMs < best.endMs)) best = op;
  return best;
}

export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function runTrials(o: ExperimentOptions, trials: number): { trials: Trial[]; medianReelectionMs: number | null } {
  const out: Trial[] = [];
  for (let i = 0; i < trials; i++) out.push(runExperiment({ ...o, seed: o.seed + i }));
  return { trials: out, medianReelectionMs: median(out.map((t) => t.reelectionMs).filter((x): x is number => x !== null)) };
}

/**
 * The seed's quorum table by experiment: for each cluster size, kill k members (the leader first)
 * and see whether a write still commits within 10 s. Tolerance = the largest k that keeps writes.
 */
export function quorumTable(sizes: number[], seed: number): { members: number; quorum: number; tolerates: number; available: boolean[] }[] {
  return sizes.map((n) => {
    const available: boolean[] = [];
    for (let k = 0; k <= n; k++) {
      const t = runExperiment({ members: n, fault: k === 0 ? 'none' : (`kill-${k}` as FaultName), atUs: 3_000_000, forUs: 14_000_000, writesPerSecond: 0, seed, script: [{ atUs: 3_000_000 + 8_000_000, op: 'put', key: 'probe', value: 'x', timeoutUs: 2_000_000 }] });
      available.push(t.ops.some((op) => op.scripted && op.result === 'ok'));
    }
    let tolerates = 0;
    while (tolerates + 1 <= n && available[tolerates + 1]) tolerates++;
    return { members: n, quorum: available.findIndex((a) => !a) === -1 ? 0 : n - available.findIndex((a) => !a) + 1, tolerates, available };
  });
}
