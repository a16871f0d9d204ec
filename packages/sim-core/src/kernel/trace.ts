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

/** A string JSON writes as is between quotes: printable ASCII without `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const str = (s: string): string => (PLAIN.test(s) ? `"${s}"` : stableStringify(s));

/**
 * One entry as stable JSON: the same bytes as `stableStringify(entry)`, built directly for the
 * envelope (its keys in sorted order: data, from, i, id, kind, t, to, type; an undefined field
 * left out), with `stableStringify` for `data` only. Anything else (another key, a field of
 * another type) goes through `stableStringify` whole.
 */
export function entryJson(e: TraceEntry): string {
  if (Object.getPrototypeOf(e) !== Object.prototype) return stableStringify(e);
  for (const k in e) {
    if (k !== 'i' && k !== 't' && k !== 'type' && k !== 'from' && k !== 'to' && k !== 'kind' && k !== 'id' && k !== 'data') return stableStringify(e);
  }
  const { i, t, type, from, to, kind, id, data } = e;
  if (typeof i !== 'number' || !Number.isFinite(i) || typeof t !== 'number' || !Number.isFinite(t) || typeof type !== 'string' || typeof kind !== 'string') return stableStringify(e);
  if ((from !== undefined && typeof from !== 'string') || (to !== undefined && typeof to !== 'string') || (id !== undefined && (typeof id !== 'number' || !Number.isFinite(id)))) return stableStringify(e);
  let out = '{';
  const d = data === undefined ? undefined : stableStringify(data);
  if (d !== undefined) out += `"data":${d},`;
  if (from !== undefined) out += `"from":${str(from)},`;
  out += `"i":${i},`;
  if (id !== undefined) out += `"id":${id},`;
  out += `"kind":${str(kind)},"t":${t},`;
  if (to !== undefined) out += `"to":${str(to)},`;
  return `${out}"type":${str(type)}}`;
}

/** Bytes wait in `pending` until there are this many characters: one encode and update per batch. */
const BATCH = 1 << 15;

export class Trace {
  entries: TraceEntry[] = [];
  private hasher: Hasher = sha256.create();
  /** JSON lines recorded but not yet fed to the hasher (SHA-256 of the concatenation is the same). */
  private pending = '';
  /** Listeners see each entry as it is recorded (the UI's live view, the CLI's progress). */
  private listeners: ((e: TraceEntry) => void)[] = [];

  record(e: Omit<TraceEntry, 'i'>): TraceEntry {
    return this.add({ i: this.entries.length, ...e } as TraceEntry);
  }

  /** `record({ t, ...e })` with one copy instead of two (the kernel's path). */
  recordAt(t: number, e: Omit<TraceEntry, 'i' | 't'>): TraceEntry {
    return this.add({ i: this.entries.length, t, ...e } as TraceEntry);
  }

  private add(entry: TraceEntry): TraceEntry {
    this.entries.push(entry);
    this.pending += entryJson(entry) + '\n';
    if (this.pending.length >= BATCH) this.flush();
    for (const l of this.listeners) l(entry);
    return entry;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.hasher.update(encoder.encode(this.pending));
    this.pending = '';
  }

  onEntry(l: (e: TraceEntry) => void): () => void {
    this.listeners.push(l);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== l);
    };
  }

  hash(): string {
    this.flush();
    return bytesToHex(this.hasher.clone().digest());
  }

  get length(): number {
    return this.entries.length;
  }

  /** A mark to come back to: the length and the hash state at this point. */
  mark(): TraceMark {
    this.flush();
    return { length: this.entries.length, hasher: this.hasher.clone() };
  }

  rewind(mark: TraceMark): void {
    this.entries.length = mark.length;
    this.pending = '';
    this.hasher = mark.hasher.clone();
  }

  /** The trace as JSON lines: the exact bytes the hash is taken over. */
  toJsonl(): string {
    let s = '';
    for (const e of this.entries) s += entryJson(e) + '\n';
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
