/**
 * etcdctl 3.4's views of a cluster, printed as it prints them: `endpoint status` (simple and
 * table), `endpoint health`, `member list`. RAFT TERM is the term of the last *applied* entry
 * (etcdserver sets it in apply()), so a lone survivor keeps showing the old term while its live
 * Raft term climbs.
 *
 * `-w json` prints what etcdctl's printer_json.go prints: Go's encoding/json of the gRPC
 * responses, fields in proto order, zero values left out (`omitempty`), uint64 ids as bare
 * decimal numbers (beyond JavaScript's exact integers, so they are written as text here).
 *
 * Models: etcd-io/etcd v3.4.23 `etcdctl/ctlv3/command/printer.go` (makeEndpointStatusTable,
 * makeMemberListTable), `printer_simple.go`, `printer_json.go`, `ep_command.go` (health = a
 * linearizable Get of "health"; epHealth), tablewriter's layout. Leaves out: -w protobuf and
 * -w fields.
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

/** printer.go makeMemberListTable: a member added but not yet started has no name and no client URLs. */
const memberCells = (m: MemberRow): string[] => (m.started === false ? [m.id, 'unstarted', '', m.peerURL, '', 'false'] : [m.id, 'started', m.name, m.peerURL, m.clientURL, 'false']);

export function memberListTable(members: MemberRow[]): string {
  return table(['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'], members.map(memberCells));
}

export function memberListSimple(members: MemberRow[]): string {
  return members.map((m) => memberCells(m).join(', ') + '\n').join('');
}

export type WriteOut = 'simple' | 'table' | 'json';

export interface MemberRow {
  id: string;
  name: string;
  peerURL: string;
  clientURL: string;
  /** false: added (member add) but not started yet. */
  started?: boolean;
}

/** A uint64 id (16 hex digits, as etcdctl's tables show it) as encoding/json prints it. */
export const u64 = (hex: string): string => BigInt(`0x${hex}`).toString(10);

/** `etcdctl endpoint status -w json` (etcdserverpb.StatusResponse per endpoint). */
export function endpointStatusJson(rows: StatusRow[]): string {
  const items = rows.map(({ endpoint, status: s }) => {
    const f: string[] = [`"header":{"cluster_id":${u64(s.clusterId)},"member_id":${u64(s.memberId)},"revision":${s.revision},"raft_term":${s.raftTerm}}`];
    f.push(`"version":${JSON.stringify(s.version)}`, `"dbSize":${s.dbSize}`);
    if (s.leader !== '0') f.push(`"leader":${u64(s.leader)}`);
    if (s.raftIndex) f.push(`"raftIndex":${s.raftIndex}`);
    if (s.raftTerm) f.push(`"raftTerm":${s.raftTerm}`);
    if (s.raftAppliedIndex) f.push(`"raftAppliedIndex":${s.raftAppliedIndex}`);
    if (s.errors.length > 0) f.push(`"errors":${JSON.stringify(s.errors)}`);
    f.push(`"dbSizeInUse":${s.dbSizeInUse}`);
    if (s.isLearner) f.push('"isLearner":true');
    return `{"Endpoint":${JSON.stringify(endpoint)},"Status":{${f.join(',')}}}`;
  });
  return `[${items.join(',')}]\n`;
}

/** `etcdctl endpoint health -w json` (ep_command.go epHealth: endpoint, health, took, error). */
export function endpointHealthJson(rows: { endpoint: string; health: boolean; tookUs: number; error?: string }[]): { stdout: string; stderr: string; exitCode: number } {
  const items = rows.map((h) => JSON.stringify({ endpoint: h.endpoint, health: h.health, took: goDuration(h.tookUs), ...(h.error ? { error: h.error } : {}) }));
  const bad = rows.some((h) => !h.health);
  return { stdout: `[${items.join(',')}]\n`, stderr: bad ? 'Error: unhealthy cluster\n' : '', exitCode: bad ? 1 : 0 };
}

/** `etcdctl member list -w json` (etcdserverpb.MemberListResponse); `header` is the answering member's. */
export function memberListJson(members: MemberRow[], header: { clusterId: string; memberId: string; raftTerm: number }): string {
  const ms = members.map((m) => (m.started === false ? `{"ID":${u64(m.id)},"peerURLs":${JSON.stringify([m.peerURL])}}` : `{"ID":${u64(m.id)},"name":${JSON.stringify(m.name)},"peerURLs":${JSON.stringify([m.peerURL])},"clientURLs":${JSON.stringify([m.clientURL])}}`));
  return `{"header":{"cluster_id":${u64(header.clusterId)},"member_id":${u64(header.memberId)},"raft_term":${header.raftTerm}},"members":[${ms.join(',')}]}\n`;
}
