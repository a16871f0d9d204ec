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
  /** A state change worth showing (a flow step, a phase change), recorded in the trace. */
  | { type: 'note'; kind: string; data: unknown; afterUs?: number };

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

export const noOutputs = <S>(state: S): StepResult<S> => ({ state, outputs: [] });
