/**
 * The trace: every delivered message and state change of a run, in order, as stable JSON (keys
 * sorted, one entry a line). Its SHA-256, over the same bytes a `--trace FILE` holds, is the run's
 * fingerprint: `sha256sum FILE` prints the trace hash. The UI, the CLI and the tests all read it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { configure } from 'safe-stable-stringify';

export const stableStringify = configure({ deterministic: true, bigint: false, circularValue: Error }) as (
  value: unknown,
) => string;

export type TraceType = 'send' | 'deliver' | 'drop' | 'timer' | 'note' | 'fault' | 'process' | 'input';

export interface TraceEntry {
  /** Index in the trace, from 0. */
  i: number;
  /** Simulated time in microseconds. */
  t: number;
  type: TraceType;
  /** Sending process (send, deliver, drop) or the process a note/timer/process entry is about. */
  from?: string;
  to?: string;
  /** Message or note kind, e.g. "http.request", "flow.step", "etcdserverpb.KV/Range". */
  kind: string;
  /** Message id, shared by a message's send and deliver/drop entries. */
  id?: number;
  data?: unknown;
}

type Hasher = ReturnType<typeof sha256.create>;
const encoder = new TextEncoder();

export class Trace {
  entries: TraceEntry[] = [];
  private hasher: Hasher = sha256.create();
  /** Listeners see each entry as it is recorded (the UI's live view, the CLI's progress). */
  private listeners: ((e: TraceEntry) => void)[] = [];

  record(e: Omit<TraceEntry, 'i'>): TraceEntry {
    const entry = { i: this.entries.length, ...e } as TraceEntry;
    this.entries.push(entry);
    this.hasher.update(encoder.encode(stableStringify(entry) + '\n'));
    for (const l of this.listeners) l(entry);
    return entry;
  }

  onEntry(l: (e: TraceEntry) => void): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  hash(): string {
    return bytesToHex(this.hasher.clone().digest());
  }

  get length(): number {
    return this.entries.length;
  }

  /** A mark to come back to: the length and the hash state at this point. */
  mark(): TraceMark {
    return { length: this.entries.length, hasher: this.hasher.clone() };
  }

  rewind(mark: TraceMark): void {
    this.entries.length = mark.length;
    this.hasher = mark.hasher.clone();
  }

  /** The trace as JSON lines: the exact bytes the hash is taken over. */
  toJsonl(): string {
    let s = '';
    for (const e of this.entries) s += stableStringify(e) + '\n';
    return s;
  }
}

export interface TraceMark {
  length: number;
  hasher: Hasher;
}

export function hashJsonl(text: string): string {
  return bytesToHex(sha256(encoder.encode(text)));
}
