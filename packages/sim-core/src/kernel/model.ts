/**
 * What a simulated component is, in the style of etcd-io/raft: a pure step function. Given its
 * state and one input (a delivered message, a fired timer, a command from the learner) it returns
 * its next state and a list of outputs (messages to send, timers to arm, records to persist, notes
 * for the trace). It reads no clock and does no I/O: the kernel owns time, delivery and
 * randomness, and hands the time and a seeded random stream in through `StepEnv`.
 *
 * State must be plain data (objects, arrays, Maps, primitives): checkpoints copy it with
 * structuredClone, and a crash throws it away.
 */
import type { Rng } from './rng';

export type Input =
  | { type: 'start' }
  | { type: 'message'; from: string; kind: string; payload: unknown; id: number }
  | { type: 'timer'; name: string; data?: unknown }
  | { type: 'command'; kind: string; payload: unknown };

export type Output =
  /** Send a message; `afterUs` is processing time spent before it leaves (default 0). */
  | { type: 'send'; to: string; kind: string; payload: unknown; afterUs?: number }
  /** Arm (or re-arm) the named timer. */
  | { type: 'timer'; name: string; afterUs: number; data?: unknown }
  | { type: 'cancel-timer'; name: string }
  /**
   * Write durable state: it survives a crash (a WAL record, a file on disk). The kernel stores a
   * structuredClone of `value`, unless `owned` is set: then the model hands the value over and
   * promises never to mutate it again (a fresh copy it keeps no reference to), and it is stored
   * as is — the fast path for WAL entries.
   */
  | { type: 'persist'; key: string; value: unknown; owned?: boolean }
  /**
   * Append a record to the durable log under `key` (a write-ahead log): it survives a crash with
   * every record appended before it. The model hands `value` over and never mutates it again (no
   * copy is made). An append costs the same however long the log is (the kernel keeps the log as
   * one append-only array; a checkpoint notes its length instead of copying it); `init` reads the
   * records back with `logRecords`.
   */
  | { type: 'append'; key: string; value: unknown }
  /** A state change worth showing (a flow step, a phase change), recorded in the trace. */
  | { type: 'note'; kind: string; data: unknown; afterUs?: number };

/**
 * What a call of `init` or `step` may read besides its state and input. It is valid for the call
 * only: the kernel reuses one object per process from call to call (only `now` changes), so a
 * model reads what it needs and keeps no reference to the env itself.
 */
export interface StepEnv {
  /** Virtual time, microseconds. */
  readonly now: number;
  /** This process's id, "<host>/<component>". */
  readonly self: string;
  readonly host: string;
  /** This process's random stream. */
  readonly rng: Rng;
  /** The calendar time of t=0 (for Kubernetes timestamps). */
  readonly epochMs: number;
}

/**
 * What `step` returns. The kernel applies the outputs at once, before it steps any process again,
 * reading each output's fields and keeping neither the list, nor this object, nor an output (only
 * the values in them: a payload, a record): a model may hand back the same ones every call,
 * refilled (the etcd member does: no list and no output objects per step).
 */
export interface StepResult<S> {
  state: S;
  outputs: Output[];
}

export interface Model<S = unknown> {
  /** The component's name, e.g. "kube-apiserver". */
  readonly type: string;
  /** Build the state at start or restart, from what was persisted (empty at first start). */
  init(persisted: ReadonlyMap<string, unknown>, env: StepEnv): S;
  step(state: S, input: Input, env: StepEnv): StepResult<S>;
}

/** Records per chunk of a DurableLog. */
const LOG_CHUNK = 512;

/**
 * A durable log in a process's persisted map (see the `append` output): its records, oldest
 * first. Only the kernel appends to it; models read it with `logRecords`. The records sit in
 * chunks, each allocated once at full size (a growing array is copied as it grows, and in a long
 * run every copy lives long enough to be promoted by the GC). A record is never changed once
 * appended, and a full chunk never again: copies of the log share its full chunks.
 */
export class DurableLog {
  constructor(
    private readonly chunks: unknown[][] = [],
    private count = 0,
  ) {}

  get length(): number {
    return this.count;
  }

  append(value: unknown): void {
    const i = this.count % LOG_CHUNK;
    if (i === 0) this.chunks.push(new Array<unknown>(LOG_CHUNK));
    this.chunks[this.chunks.length - 1]![i] = value;
    this.count++;
  }

  /** The first `n` records (all of them by default), oldest first, in a new array. */
  records(n = this.count): unknown[] {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.chunks[(i / LOG_CHUNK) | 0]![i % LOG_CHUNK];
    return out;
  }

  /** A log of the first `n` records, to append to apart from this one: full chunks shared, the last copied. */
  prefix(n = this.count): DurableLog {
    const full = (n / LOG_CHUNK) | 0;
    const chunks = this.chunks.slice(0, full);
    const rest = n % LOG_CHUNK;
    if (rest !== 0) {
      const last = new Array<unknown>(LOG_CHUNK);
      for (let i = 0; i < rest; i++) last[i] = this.chunks[full]![i];
      chunks.push(last);
    }
    return new DurableLog(chunks, n);
  }
}

/** The records appended under `key`, oldest first (empty if none). */
export function logRecords(persisted: ReadonlyMap<string, unknown>, key: string): unknown[] {
  const log = persisted.get(key);
  return log instanceof DurableLog ? log.records() : [];
}

export const noOutputs = <S>(state: S): StepResult<S> => ({ state, outputs: [] });
