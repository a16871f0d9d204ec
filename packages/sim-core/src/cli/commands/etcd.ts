/**
 * `lab etcd`: quorum experiments on a simulated etcd 3.4 cluster.
 *
 *   lab etcd --members 3 --fault kill-leader --at 5s [--restore-at 20s] --for 30s
 *            --writes-per-second 100 [--pre-vote] [--mode etcd|paper] [--latency 50ms]
 *            [--seed N] [--trials K] [--status-at 8s] -o json
 *   lab etcd --members 1 --fault none --join 2 [--join-at 5s] [--join-every 10s] [--join-no-start]
 *   lab etcd --members 3 --fault none --remove-member m1 --remove-at 8s
 *   lab etcd … --link m1-m3=50ms[,0.05] (a remote member) --status-at 8s -w table|simple|json
 *   lab etcd --quorum-table [--seed N]
 *
 * JSON: one trial ({seed, leaderChanges, reelectionMs, ops, …}) or, with --trials K, {trials: [K
 * trials, seeds N…N+K−1], medianReelectionMs}.
 */
import { InvalidArgumentError, Option } from 'commander';
import { FieldError, parseDuration } from '../../kernel/time';
import { endpointHealthJson, endpointHealthSimple, endpointStatusJson, endpointStatusSimple, endpointStatusTable, memberListJson, memberListSimple, memberListTable, type WriteOut } from '../../etcd/etcdctl';
import { FAULTS, quorumTable, runTrials, type FaultName, type LinkSpec, type Trial } from '../../etcd/experiment';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';

const duration = (flag: string) => (v: string): number => {
  try {
    return parseDuration(v, flag);
  } catch (e) {
    if (e instanceof FieldError) throw new InvalidArgumentError(`${flag} must be a duration such as 5s, 500ms or 1m, got ${JSON.stringify(v)}`);
    throw e;
  }
};

/** --link m1-m3=50ms[,0.1]: one-way latency (and loss) between two members, both directions. */
function linkArg(v: string, prev: LinkSpec[]): LinkSpec[] {
  const m = /^m(\d+)-m(\d+)=([^,]+)(?:,(\d*\.?\d+))?$/.exec(v);
  const bad = () => new InvalidArgumentError(`--link must look like m1-m3=50ms or m1-m3=50ms,0.1 (latency, loss), got ${JSON.stringify(v)}`);
  if (!m) throw bad();
  let latencyUs: number;
  try {
    latencyUs = parseDuration(m[3]!, '--link');
  } catch {
    throw bad();
  }
  const loss = m[4] !== undefined ? Number(m[4]) : undefined;
  if (loss !== undefined && loss > 1) throw bad();
  return [...prev, { a: Number(m[1]), b: Number(m[2]), latencyUs, ...(loss !== undefined ? { loss } : {}) }];
}

function faultArg(v: string): FaultName {
  if ((FAULTS as readonly string[]).includes(v) || /^kill-[1-9]$/.test(v)) return v as FaultName;
  throw new InvalidArgumentError(`--fault must be one of ${FAULTS.join(', ')}, kill-K; got ${JSON.stringify(v)}`);
}

interface Opts {
  members: number;
  fault: FaultName;
  at: number;
  restoreAt?: number;
  for: number;
  writesPerSecond: number;
  preVote?: boolean;
  mode: string;
  latency?: number;
  loss?: number;
  link: LinkSpec[];
  seed: number;
  trials: number;
  commandTimeout: number;
  statusAt?: number;
  writeOut: WriteOut;
  join: number;
  joinAt: number;
  joinEvery: number;
  joinNoStart: boolean;
  removeMember?: number;
  removeAt?: number;
  quorumTable?: boolean;
  output: string;
}

function statusViews(t: Trial, w: WriteOut): string[] {
  const lines: string[] = [];
  const flag = w === 'simple' ? '' : ` -w ${w}`;
  for (const s of t.statuses) {
    const rows = s.status.map((x) => ({ endpoint: x.endpoint ?? x.name, status: x }));
    lines.push(`  $ etcdctl endpoint status${flag}   (at ${s.atMs} ms; members that are down give no row)`);
    lines.push((w === 'json' ? endpointStatusJson(rows) : w === 'table' ? endpointStatusTable(rows) : endpointStatusSimple(rows)).replace(/\n$/, ''));
    lines.push(`  $ etcdctl member list${flag}`);
    const answering = s.status[0];
    if (w === 'json') lines.push(answering ? memberListJson(t.memberList, { clusterId: answering.clusterId, memberId: answering.memberId, raftTerm: answering.raftTerm }).trimEnd() : 'Error: context deadline exceeded');
    else lines.push((w === 'table' ? memberListTable(t.memberList) : memberListSimple(t.memberList)).replace(/\n$/, ''));
  }
  for (const h of t.health) {
    if (w === 'json') {
      const r = endpointHealthJson(h.rows);
      lines.push(`  $ etcdctl endpoint health -w json   (at ${h.atMs} ms; exit ${r.exitCode})`, r.stdout.trimEnd());
      if (r.stderr) lines.push(r.stderr.trimEnd());
    } else {
      const r = endpointHealthSimple(h.rows);
      lines.push(`  $ etcdctl endpoint health   (at ${h.atMs} ms; exit ${r.exitCode})`, r.stderr.trimEnd());
    }
  }
  return lines;
}

function trialText(t: Trial, w: WriteOut): string {
  const lines = [`seed ${t.seed}: ${t.members} member${t.members === 1 ? '' : 's'}, fault ${t.fault} at ${t.faultAtMs} ms on ${t.faultTargets.join(', ') || '-'} (leader was ${t.leaderAtFault ?? 'none'})`];
  const events = [
    ...t.leaderChanges.map((c) => ({ atMs: c.atMs, text: `${c.leader} became leader at term ${c.term}` })),
    ...t.stepDowns.map((s) => ({ atMs: s.atMs, text: `${s.member} stepped down (term ${s.term})` })),
  ].sort((a, b) => a.atMs - b.atMs);
  for (const e of events) lines.push(`  ${String(e.atMs).padStart(9)} ms  ${e.text}`);
  lines.push(`  re-election: ${t.reelectionMs === null ? 'none' : `${t.reelectionMs} ms`}; first write OK after the fault: ${t.summary.firstOkAfterFaultMs === null ? 'none' : `${t.summary.firstOkAfterFaultMs} ms`}`);
  for (const op of t.ops.filter((o) => o.op.startsWith('member-'))) {
    const verb = op.op === 'member-add' ? 'member add' : 'member remove';
    lines.push(`  ${String(op.startMs).padStart(9)} ms  $ etcdctl ${verb} ${op.key}: ${op.result === 'ok' ? `OK (${Math.round((op.endMs - op.startMs) * 10) / 10} ms)` : `Error: ${op.error}`}`);
  }
  lines.push(`  ops: ${t.summary.ok} ok, ${t.summary.error} failed`);
  for (const [e, n] of Object.entries(t.summary.errors)) lines.push(`    ${String(n).padStart(5)} × Error: ${e}`);
  lines.push(...statusViews(t, w));
  return lines.join('\n') + '\n';
}

export const register: RegisterCommand = (program) => {
  program
    .command('etcd')
    .description('etcd quorum experiments: kill, pause, stop or partition members of a simulated etcd 3.4 cluster')
    .option('--members <n>', 'cluster size', intArg('--members', 1, 9), 3)
    .option('--fault <name>', `fault to inject (${FAULTS.join(', ')}, kill-K)`, faultArg, 'kill-leader')
    .option('--at <duration>', 'when the fault happens', duration('--at'), 5_000_000)
    .option('--restore-at <duration>', 'when the fault is undone (restart, resume, heal)', duration('--restore-at'))
    .option('--for <duration>', 'how long the client writes', duration('--for'), 30_000_000)
    .option('--writes-per-second <n>', 'client write rate', intArg('--writes-per-second', 0, 10_000), 100)
    .option('--pre-vote', 'run with --pre-vote=true (etcd 3.4 default: off)')
    .option('--mode <mode>', 'etcd (CheckQuorum on) or paper (CheckQuorum off)', 'etcd')
    .option('--latency <duration>', 'one-way latency between members', duration('--latency'))
    .option('--loss <fraction>', 'message loss between members, 0..1', (v: string) => {
      const n = Number(v);
      if (!/^\d*\.?\d+$/.test(v) || n < 0 || n > 1) throw new InvalidArgumentError(`--loss must be a number between 0 and 1, got ${JSON.stringify(v)}`);
      return n;
    })
    .option('--link <m1-m3=50ms[,loss]>', 'latency (and loss) of one member-to-member link, both ways; repeat for a multi-site layout', linkArg, [])
    .option('--command-timeout <duration>', "etcdctl's --command-timeout", duration('--command-timeout'), 5_000_000)
    .option('--seed <n>', 'seed of the first trial', intArg('--seed'), 1)
    .option('--trials <k>', 'number of trials (seeds N…N+K−1)', intArg('--trials', 1, 1000), 1)
    .option('--status-at <duration>', 'print etcdctl endpoint status, member list and endpoint health at this time', duration('--status-at'))
    .addOption(new Option('-w, --write-out <format>', "etcdctl's output format for the --status-at views").choices(['simple', 'table', 'json']).default('table'))
    .option('--join <k>', 'members that join after the start, one at a time (etcdctl member add, then start the member)', intArg('--join', 0, 8), 0)
    .option('--join-at <duration>', 'when the first member add is made', duration('--join-at'), 5_000_000)
    .option('--join-every <duration>', 'time between one join and the next member add (etcd refuses an add until every member has been connected 5 s)', duration('--join-every'), 10_000_000)
    .option('--join-no-start', 'add the members but never start them', false)
    .option('--remove-member <mN>', 'etcdctl member remove of this member (m1…mN)', (v: string) => {
      const m = /^m([1-9]\d?)$/.exec(v);
      if (!m) throw new InvalidArgumentError(`--remove-member must name a member such as m1, got ${JSON.stringify(v)}`);
      return Number(m[1]);
    })
    .option('--remove-at <duration>', 'when the member remove is made', duration('--remove-at'))
    .option('--quorum-table', "reproduce the seed's quorum table (1, 2, 3, 5, 7 members) by experiment")
    .addOption(outputOption())
    .action((opts: Opts) => {
      if (opts.mode !== 'etcd' && opts.mode !== 'paper') throw new CliError(`--mode must be etcd or paper, got ${JSON.stringify(opts.mode)}`);
      if (opts.quorumTable) {
        const rows = quorumTable([1, 2, 3, 5, 7], opts.seed);
        emit(opts.output, rows, () => {
          const lines = ['MEMBERS  QUORUM  TOLERATES  writes after killing 0..N members (leader first)'];
          for (const r of rows) lines.push(`${String(r.members).padStart(7)}  ${String(r.quorum).padStart(6)}  ${String(r.tolerates).padStart(9)}  ${r.available.map((a) => (a ? 'ok' : '--')).join(' ')}`);
          return lines.join('\n') + '\n';
        });
        return;
      }
      const total = opts.members + opts.join;
      if (opts.removeMember !== undefined && opts.removeMember > total) throw new CliError(`--remove-member m${opts.removeMember}: members are m1…m${total}`);
      for (const l of opts.link) if (l.a > total || l.b > total || l.a === l.b || l.a < 1 || l.b < 1) throw new CliError(`--link m${l.a}-m${l.b}: members are m1…m${total}`);
      if (opts.at >= opts.for) throw new CliError(`--at (${opts.at / 1e6}s) must be before the end of --for (${opts.for / 1e6}s)`);
      if (opts.restoreAt !== undefined && opts.restoreAt <= opts.at) throw new CliError(`--restore-at must be after --at`);
      const r = runTrials(
        {
          members: opts.members,
          fault: opts.fault,
          atUs: opts.at,
          restoreAtUs: opts.restoreAt,
          forUs: opts.for,
          writesPerSecond: opts.writesPerSecond,
          preVote: opts.preVote ?? false,
          mode: opts.mode,
          latencyUs: opts.latency,
          loss: opts.loss,
          links: opts.link,
          join: opts.join,
          joinAtUs: opts.joinAt,
          joinEveryUs: opts.joinEvery,
          joinStart: !opts.joinNoStart,
          removeMember: opts.removeMember,
          removeAtUs: opts.removeMember !== undefined ? opts.removeAt ?? opts.at : undefined,
          seed: opts.seed,
          commandTimeoutUs: opts.commandTimeout,
          statusAtUs: opts.statusAt !== undefined ? [opts.statusAt] : undefined,
          healthAtUs: opts.statusAt !== undefined ? [opts.statusAt] : undefined,
        },
        opts.trials,
      );
      const value = opts.trials === 1 ? r.trials[0] : r;
      emit(opts.output, value, () => r.trials.map((t) => trialText(t, opts.writeOut)).join('\n') + (opts.trials > 1 ? `\nmedian re-election: ${r.medianReelectionMs ?? 'none'} ms over ${opts.trials} trials\n` : ''));
    });
};
