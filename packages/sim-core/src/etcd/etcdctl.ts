/**
 * etcdctl 3.4's views of a cluster, printed as it prints them: `endpoint status` (simple and
 * table), `endpoint health`, `member list`. RAFT TERM is the term of the last *applied* entry
 * (etcdserver sets it in apply()), so a lone survivor keeps showing the old term while its live
 * Raft term climbs.
 *
 * Models: etcd-io/etcd v3.4.23 `etcdctl/ctlv3/command/printer.go` (makeEndpointStatusTable,
 * makeMemberListTable), `printer_simple.go`, `ep_command.go` (health = a linearizable Get of
 * "health"), tablewriter's layout. Leaves out: -w json/protobuf/fields for these views.
 */
import type { EndpointStatus } from './member';

function humanizeBytes(n: number): string {
  // go-humanize Bytes: SI units, e.g. "20 kB".
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  const e = Math.floor(Math.log(n) / Math.log(1000));
  const v = n / 1000 ** e;
  return `${v < 10 ? v.toFixed(1) : Math.floor(v + 0.5).toFixed(0)} ${units[e]}`;
}

/** olekukonko/tablewriter as etcdctl configures it: centred headers, right-aligned cells. */
export function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const sep = '+' + w.map((n) => '-'.repeat(n + 2)).join('+') + '+';
  const centre = (s: string, n: number) => {
    const pad = n - s.length;
    const left = Math.floor(pad / 2);
    return ' '.repeat(left) + s + ' '.repeat(pad - left);
  };
  const lines = [sep, '| ' + header.map((h, i) => centre(h, w[i]!)).join(' | ') + ' |', sep];
  for (const r of rows) lines.push('| ' + r.map((c, i) => c.padStart(w[i]!)).join(' | ') + ' |');
  lines.push(sep);
  return lines.join('\n') + '\n';
}

export interface StatusRow {
  endpoint: string;
  status: EndpointStatus;
}

const statusCells = ({ endpoint, status: s }: StatusRow): string[] => [
  endpoint,
  s.memberId,
  s.version,
  humanizeBytes(s.dbSize),
  String(s.isLeader),
  String(s.isLearner),
  String(s.raftTerm),
  String(s.raftIndex),
  String(s.raftAppliedIndex),
  s.errors.join(', '),
];

export function endpointStatusTable(rows: StatusRow[]): string {
  return table(['ENDPOINT', 'ID', 'VERSION', 'DB SIZE', 'IS LEADER', 'IS LEARNER', 'RAFT TERM', 'RAFT INDEX', 'RAFT APPLIED INDEX', 'ERRORS'], rows.map(statusCells));
}

export function endpointStatusSimple(rows: StatusRow[]): string {
  return rows.map((r) => statusCells(r).join(', ') + '\n').join('');
}

/** `etcdctl endpoint health` (printer_simple.go EndpointHealth: to stderr) and its exit. */
export function endpointHealthSimple(rows: { endpoint: string; health: boolean; tookUs: number; error?: string }[]): { stderr: string; exitCode: number } {
  let stderr = '';
  for (const h of rows) {
    if (h.health) stderr += `${h.endpoint} is healthy: successfully committed proposal: took = ${goDuration(h.tookUs)}\n`;
    else stderr += `${h.endpoint} is unhealthy: failed to commit proposal: ${h.error}\n`;
  }
  const bad = rows.some((h) => !h.health);
  if (bad) stderr += 'Error: unhealthy cluster\n';
  return { stderr, exitCode: bad ? 1 : 0 };
}

/** Go's time.Duration.String() for sub-minute durations (e.g. 2.959075ms, 5.000412s). */
export function goDuration(us: number): string {
  if (us < 1000) return `${trim(us)}µs`;
  if (us < 1_000_000) return `${trim(us / 1000)}ms`;
  return `${trim(us / 1_000_000)}s`;
}

const trim = (n: number): string => String(Number(n.toFixed(6)));

export function memberListTable(members: { id: string; name: string; peerURL: string; clientURL: string }[]): string {
  return table(['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'], members.map((m) => [m.id, 'started', m.name, m.peerURL, m.clientURL, 'false']));
}

export function memberListSimple(members: { id: string; name: string; peerURL: string; clientURL: string }[]): string {
  return members.map((m) => `${m.id}, started, ${m.name}, ${m.peerURL}, ${m.clientURL}, false\n`).join('');
}
