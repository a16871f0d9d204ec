/**
 * `lab etcd`: quorum experiments on a simulated etcd 3.4 cluster.
 *
 *   lab etcd --members 3 --fault kill-leader --at 5s [--restore-at 20s] --for 30s
 *            --writes-per-second 100 [--pre-vote] [--mode etcd|paper] [--latency 50ms]
 *            [--seed N] [--trials K] [--status-at 8s] -o json
 *   lab etcd --quorum-table [--seed N]
 *
 * JSON: one trial ({seed, leaderChanges, reelectionMs, ops, …}) or, with --trials K, {trials: [K
 * trials, seeds N…N+K−1], medianReelectionMs}.
 */
import { InvalidArgumentError } from 'commander';
import { FieldError, parseDuration } from '../../kernel/time';
import { endpointHealthSimple, endpointStatusTable, memberListTable } from '../../etcd/etcdctl';
import { FAULTS, quorumTable, runTrials, type FaultName, type Trial } from '../../etcd/experiment';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';

const duration = (flag: string) => (v: string): number => {
  try {
    return parseDuration(v, flag);
  } catch (e) {
    if (e instanceof FieldError) throw new InvalidArgumentError(`${flag} must be a duration such as 5s, 500ms or 1m, got ${JSON.stringify(v)}`);
    throw e;
  }
};

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
  seed: number;
  trials: number;
  commandTimeout: number;
  statusAt?: number;
  quorumTable?: boolean;
  output: string;
}

function trialText(t: Trial): string {
  const lines = [`seed ${t.seed}: ${t.members} members, fault ${t.fault} at ${t.faultAtMs} ms on ${t.faultTargets.join(', ') || '-'} (leader was ${t.leaderAtFault ?? 'none'})`];
  for (const c of t.leaderChanges) lines.push(`  ${String(c.atMs).padStart(9)} ms  ${c.leader} became leader at term ${c.term}`);
  for (const s of t.stepDowns) lines.push(`  ${String(s.atMs).padStart(9)} ms  ${s.member} stepped down (term ${s.term})`);
  lines.push(`  re-election: ${t.reelectionMs === null ? 'none' : `${t.reelectionMs} ms`}; first write OK after the fault: ${t.summary.firstOkAfterFaultMs === null ? 'none' : `${t.summary.firstOkAfterFaultMs} ms`}`);
  lines.push(`  ops: ${t.summary.ok} ok, ${t.summary.error} failed`);
  for (const [e, n] of Object.entries(t.summary.errors)) lines.push(`    ${String(n).padStart(5)} × Error: ${e}`);
  for (const s of t.statuses) lines.push(`  $ etcdctl endpoint status -w table   (at ${s.atMs} ms; members that are down give no row)`, endpointStatusTable(s.status.map((x) => ({ endpoint: x.endpoint ?? x.name, status: x }))).trimEnd());
  if (t.statuses.length > 0) lines.push('  $ etcdctl member list -w table', memberListTable(t.memberList).trimEnd());
  for (const h of t.health) {
    const r = endpointHealthSimple(h.rows);
    lines.push(`  $ etcdctl endpoint health   (at ${h.atMs} ms; exit ${r.exitCode})`, r.stderr.trimEnd());
  }
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
    .option('--command-timeout <duration>', "etcdctl's --command-timeout", duration('--command-timeout'), 5_000_000)
    .option('--seed <n>', 'seed of the first trial', intArg('--seed'), 1)
    .option('--trials <k>', 'number of trials (seeds N…N+K−1)', intArg('--trials', 1, 1000), 1)
    .option('--status-at <duration>', 'print etcdctl endpoint status, member list and endpoint health at this time', duration('--status-at'))
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
          seed: opts.seed,
          commandTimeoutUs: opts.commandTimeout,
          statusAtUs: opts.statusAt !== undefined ? [opts.statusAt] : undefined,
          healthAtUs: opts.statusAt !== undefined ? [opts.statusAt] : undefined,
        },
        opts.trials,
      );
      const value = opts.trials === 1 ? r.trials[0] : r;
      emit(opts.output, value, () => r.trials.map(trialText).join('\n') + (opts.trials > 1 ? `\nmedian re-election: ${r.medianReelectionMs ?? 'none'} ms over ${opts.trials} trials\n` : ''));
    });
};
