/**
 * Linearizable reads without a log entry: the leader records its commit index for a read request,
 * confirms it is still leader with a round of heartbeats carrying the request's context, and
 * answers once a quorum has acknowledged (ReadOnlySafe, the option etcd 3.4 uses).
 *
 * Models: etcd-io/etcd v3.4.23 `raft/read_only.go`. Leaves out: ReadOnlyLeaseBased (etcd 3.4 does
 * not use it).
 */
import type { Message } from './types';

export interface ReadIndexStatus {
  req: Message;
  index: number;
  acks: Record<number, boolean>;
}

export interface ReadOnly {
  pending: Record<string, ReadIndexStatus>;
  queue: string[];
}

export interface ReadState {
  index: number;
  requestCtx: string;
}

export const newReadOnly = (): ReadOnly => ({ pending: {}, queue: [] });

export function addRequest(ro: ReadOnly, index: number, m: Message): void {
  const ctx = String(m.entries[0]?.data ?? '');
  if (ro.pending[ctx]) return;
  ro.pending[ctx] = { index, req: m, acks: {} };
  ro.queue.push(ctx);
}

/** Record an ack; returns the acks so far for that context (null if unknown). */
export function recvAck(ro: ReadOnly, id: number, ctx: string): Record<number, boolean> | null {
  const rs = ro.pending[ctx];
  if (!rs) return null;
  rs.acks[id] = true;
  return rs.acks;
}

/** Dequeue every request up to and including ctx. */
export function advance(ro: ReadOnly, ctx: string): ReadIndexStatus[] {
  const i = ro.queue.indexOf(ctx);
  if (i < 0) return [];
  const done = ro.queue.splice(0, i + 1);
  const out: ReadIndexStatus[] = [];
  for (const c of done) {
    const rs = ro.pending[c];
    if (rs) out.push(rs);
    delete ro.pending[c];
  }
  return out;
}

export const lastPendingRequestCtx = (ro: ReadOnly): string => ro.queue[ro.queue.length - 1] ?? '';
