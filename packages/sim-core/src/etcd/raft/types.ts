/**
 * Raft messages and log entries, as etcd v3.4's `raft/raftpb/raft.proto` defines them.
 *
 * Models: etcd-io/etcd v3.4.23 `raft/raftpb/raft.proto` (Message, Entry, HardState, ConfChange).
 * Leaves out: snapshots (MsgSnap, Snapshot metadata), ConfChangeV2 / joint consensus, learners'
 * promotion. Ids are small integers (etcd uses random uint64 member ids; `None` is 0).
 */

export const None = 0;

export type MessageType =
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgUnreachable'
  | 'MsgCheckQuorum'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp';

export type EntryType = 'EntryNormal' | 'EntryConfChange';

export interface ConfChange {
  type: 'ConfChangeAddNode' | 'ConfChangeRemoveNode';
  nodeId: number;
  /** The etcd server's request id (ConfChange.ID), to answer the MemberAdd/MemberRemove that proposed it. */
  id?: string;
}

export interface Entry {
  term: number;
  index: number;
  type?: EntryType;
  /** Opaque to Raft: the etcd server's request (or a ConfChange for EntryConfChange). */
  data?: unknown;
}

export interface Message {
  type: MessageType;
  to: number;
  from: number;
  term: number;
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  reject: boolean;
  rejectHint: number;
  /** Heartbeat / ReadIndex context, or the campaignTransfer marker on MsgVote. */
  context?: string;
}

export interface HardState {
  term: number;
  vote: number;
  commit: number;
}

/** The entries of a message that carries none: one shared array, never mutated. */
export const NO_ENTRIES: Entry[] = [];

/** Build a message with etcd's zero values for the fields not given. */
export function msg(m: Partial<Message> & { type: MessageType }): Message {
  // Field by field rather than a spread: this runs for every Raft message.
  const out: Message = {
    type: m.type,
    to: m.to ?? None,
    from: m.from ?? None,
    term: m.term ?? 0,
    logTerm: m.logTerm ?? 0,
    index: m.index ?? 0,
    entries: m.entries ?? NO_ENTRIES,
    commit: m.commit ?? 0,
    reject: m.reject ?? false,
    rejectHint: m.rejectHint ?? 0,
  };
  if (m.context !== undefined) out.context = m.context;
  return out;
}

/**
 * `msg` for the hot paths (MsgApp, MsgAppResp, heartbeats), positionally: no options object to
 * build and read. The same fields in the same order as `msg` gives them; `send` sets from and term.
 */
export function msgTo(type: MessageType, to: number, logTerm: number, index: number, entries: Entry[], commit: number, reject: boolean, rejectHint: number): Message {
  return { type, to, from: None, term: 0, logTerm, index, entries, commit, reject, rejectHint };
}

export const isLocalMsg = (t: MessageType): boolean =>
  t === 'MsgHup' || t === 'MsgBeat' || t === 'MsgUnreachable' || t === 'MsgCheckQuorum';

export const isResponseMsg = (t: MessageType): boolean =>
  t === 'MsgAppResp' || t === 'MsgVoteResp' || t === 'MsgHeartbeatResp' || t === 'MsgUnreachable' || t === 'MsgPreVoteResp';

export function voteRespMsgType(t: MessageType): MessageType {
  if (t === 'MsgVote') return 'MsgVoteResp';
  if (t === 'MsgPreVote') return 'MsgPreVoteResp';
  throw new Error(`not a vote message: ${t}`);
}
