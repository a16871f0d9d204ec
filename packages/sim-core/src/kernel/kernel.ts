/**
 * The deterministic kernel: one event queue ordered by (time, sequence), processes that are pure
 * step functions, links between hosts with latency, jitter, loss, partition and pause, faults on
 * processes (crash, pause, stop), and the trace. Everything mutable lives in `KernelState`, plain
 * data, so a checkpoint is a structuredClone and seeking is restore-then-replay.
 */
import { EventQueue } from './event-queue';
import { DurableLog, type Input, type Model, type Output, type StepEnv } from './model';
import { RngStreams, type Rng } from './rng';
import { Trace, type TraceEntry } from './trace';

export type ProcessStatus = 'running' | 'paused' | 'crashed' | 'stopped';

export interface Message {
  id: number;
  from: string;
  to: string;
  kind: string;
  payload: unknown;
  sentAt: number;
}

export type Fault =
  | { kind: 'kill'; target: string }
  | { kind: 'restart'; target: string }
  | { kind: 'stop'; target: string }
  | { kind: 'pause'; target: string }
  | { kind: 'resume'; target: string }
  | { kind: 'partition'; hosts: string[] }
  | { kind: 'heal'; hosts?: string[] }
  | { kind: 'link'; from: string; to: string; latencyUs?: number; jitterUs?: number; loss?: number; bidirectional?: boolean }
  | { kind: 'pause-link'; from: string; to: string }
  | { kind: 'resume-link'; from: string; to: string }
  | { kind: 'wipe'; target: string };

/** Something from outside the simulation, at a time: a fault or a learner's command. */
export type SimInput =
  | { atUs: number; type: 'fault'; fault: Fault }
  | { atUs: number; type: 'command'; to: string; kind: string; payload?: unknown }
  /**
   * A change to the machines themselves (a new host joins, its processes start): handled by the
   * code the scenario registered for `kind` with `onHostInput`, which may add hosts, links and
   * processes. The payload is plain data, so the input replays like any other.
   */
  | { atUs: number; type: 'host'; kind: string; payload?: unknown };

/** Code that carries out a `host` input (registered by the scenario when it builds the kernel). */
export type HostInputHandler = (kernel: Kernel, payload: unknown) => void;

type Entry =
  | { t: number; seq: number; kind: 'deliver'; msg: Message }
  | { t: number; seq: number; kind: 'timer'; proc: string; name: string; epoch: number; gen: number; data?: unknown }
  | { t: number; seq: number; kind: 'input'; input: SimInput }
  | { t: number; seq: number; kind: 'start'; proc: string; epoch: number }
  | { t: number; seq: number; kind: 'note'; proc: string; name: string; data: unknown };

/**
 * Queue entries are built by these two only, with their sequence number from the start (adding a
 * property to an object literal later costs an extra backing store): a delivery, the common kind,
 * has just its message; every other kind has every other field (those it does not use are
 * undefined), in one order. Two shapes keep the heap's (t, seq) comparisons fast.
 */
function deliverEntry(t: number, seq: number, msg: Message): Entry {
  return { t, seq, kind: 'deliver', msg };
}

function entry(t: number, seq: number, kind: Exclude<Entry['kind'], 'deliver'>, proc: string | undefined, name: string | undefined, epoch: number | undefined, gen: number | undefined, data: unknown, input: SimInput | undefined): Entry {
  return { t, seq, kind, proc, name, epoch, gen, data, input } as Entry;
}

type MutableEnv = { -readonly [K in keyof StepEnv]: StepEnv[K] };

interface Runtime {
  model: Model;
  env: MutableEnv | null;
  dests: Map<string, { host: string; link: LinkState; rng: Rng }>;
  /** The process's record: `state.processes[id]` (null when the state has none), rebuilt on restore. */
  proc: ProcessRecord | null;
}

export interface HostInfo {
  name: string;
  ip: string;
  role: string;
}

export interface LinkState {
  latencyUs: number;
  jitterUs: number;
  loss: number;
  /** Deliveries on a link keep their order (TCP): none lands before the previous one. */
  lastUs: number;
  paused: boolean;
  held: Message[];
}

export interface ProcessRecord {
  id: string;
  host: string;
  model: string;
  status: ProcessStatus;
  state: unknown;
  persisted: Map<string, unknown>;
  /** Bumped on crash and restart: timers and starts from an earlier life are ignored. */
  epoch: number;
  /** Generation of each named timer: re-arming or cancelling makes the older entry stale. */
  timerGen: Record<string, number>;
  pausedAtUs: number | null;
  /** Deliveries and timer firings that arrived while paused, replayed on resume. */
  held: Entry[];
}

export interface KernelState {
  nowUs: number;
  seq: number;
  msgSeq: number;
  queue: Entry[];
  hosts: Record<string, HostInfo>;
  processes: Record<string, ProcessRecord>;
  links: Record<string, LinkState>;
  partitions: string[][];
  rng: Record<string, number[]>;
}

export interface KernelOptions {
  seed: number;
  /** Calendar time of t=0, in Unix milliseconds. */
  epochMs: number;
  /** Link used between hosts that have no link of their own. */
  defaultLink?: { latencyUs: number; jitterUs: number; loss?: number };
  /** Delivery between two processes of one host. */
  loopbackUs?: number;
  /** Record only the trace entries this accepts (default: all). Fast experiment runs keep notes only. */
  traceFilter?: (type: TraceEntry['type'], kind: string) => boolean;
}

export class Kernel {
  readonly trace = new Trace();
  readonly rng: RngStreams;
  /**
   * Each process's model, its StepEnv once made (one lookup per step for both), and where its
   * messages go: the target's host, link and random stream by target id (rebuilt on restore).
   */
  private runtime = new Map<string, Runtime>();
  /** Stream lookups cached by process and by link (rebuilt on restore, when streams are replaced). */
  private procRng = new Map<string, Rng>();
  private linkRng = new Map<string, Map<string, Rng>>();
  /** LinkState by from-host and to-host (the objects of state.links; rebuilt on restore). */
  private linkCache = new Map<string, Map<string, LinkState>>();
  /** A send's link and random stream by from-host and to-host, in one lookup (rebuilt on restore). */
  private routes = new Map<string, Map<string, { link: LinkState; rng: Rng }>>();
  state: KernelState;
  private queue: EventQueue<Entry>;
  /** What carries out each kind of `host` input (code, not state: a restore keeps it). */
  private hostInputs = new Map<string, HostInputHandler>();

  constructor(readonly opts: KernelOptions) {
    this.rng = new RngStreams(opts.seed);
    this.state = {
      nowUs: 0,
      seq: 0,
      msgSeq: 0,
      queue: [],
      hosts: {},
      processes: {},
      links: {},
      partitions: [],
      rng: {},
    };
    this.queue = new EventQueue(this.state.queue);
  }

  get now(): number {
    return this.state.nowUs;
  }

  // ---- building ---------------------------------------------------------------------------

  addHost(h: HostInfo): void {
    this.state.hosts[h.name] = h;
  }

  /** Configure the link from one host to another (one direction). */
  setLink(from: string, to: string, l: { latencyUs?: number; jitterUs?: number; loss?: number }): void {
    const link = this.link(from, to);
    if (l.latencyUs !== undefined) link.latencyUs = l.latencyUs;
    if (l.jitterUs !== undefined) link.jitterUs = l.jitterUs;
    if (l.loss !== undefined) link.loss = l.loss;
  }

  /** Add a process `<host>/<name>` running `model`; it starts at `atUs`. */
  spawn(host: string, name: string, model: Model<any>, opts: { atUs?: number; persisted?: Map<string, unknown> } = {}): string {
    if (!this.state.hosts[host]) throw new Error(`unknown host ${JSON.stringify(host)}`);
    const id = `${host}/${name}`;
    if (this.state.processes[id]) throw new Error(`process ${id} already exists`);
    const rt: Runtime = { model: model as Model, env: null, dests: new Map(), proc: null };
    this.runtime.set(id, rt);
    rt.proc = this.state.processes[id] = {
      id,
      host,
      model: model.type,
      status: 'stopped',
      state: null,
      persisted: ownLogs(opts.persisted ?? new Map()),
      epoch: 0,
      timerGen: {},
      pausedAtUs: null,
      held: [],
    };
    this.push(entry(opts.atUs ?? this.now, this.state.seq++, 'start', id, undefined, 0, undefined, undefined, undefined));
    return id;
  }

  /** Register the code that carries out `host` inputs of this kind. */
  onHostInput(kind: string, handler: HostInputHandler): void {
    this.hostInputs.set(kind, handler);
  }

  hasHostInput(kind: string): boolean {
    return this.hostInputs.has(kind);
  }

  /** Schedule an input from outside (fault or command). */
  input(input: SimInput): void {
    if (input.atUs < this.now) throw new Error(`input at ${input.atUs}µs is in the past (now ${this.now}µs)`);
    this.push(entry(input.atUs, this.state.seq++, 'input', undefined, undefined, undefined, undefined, undefined, input));
  }

  process(id: string): ProcessRecord {
    const p = this.state.processes[id];
    if (!p) throw new Error(`unknown process ${JSON.stringify(id)}`);
    return p;
  }

  processState<S>(id: string): S {
    return this.process(id).state as S;
  }

  // ---- running ----------------------------------------------------------------------------

  /** Run every event with time ≤ untilUs; the clock then reads untilUs. */
  runUntil(untilUs: number, onStep?: () => boolean | void): void {
    for (;;) {
      const next = this.queue.peek();
      if (!next || next.t > untilUs) break;
      this.queue.pop();
      this.state.nowUs = next.t;
      this.dispatch(next);
      if (onStep && onStep() === false) return;
    }
    if (untilUs > this.state.nowUs) this.state.nowUs = untilUs;
  }

  /** Process exactly one event; false if the queue is empty. */
  stepOne(): boolean {
    const next = this.queue.pop();
    if (!next) return false;
    this.state.nowUs = next.t;
    this.dispatch(next);
    return true;
  }

  peekTime(): number | undefined {
    return this.queue.peek()?.t;
  }

  get pending(): number {
    return this.queue.size;
  }

  // ---- checkpoints ------------------------------------------------------------------------

  /**
   * A copy of all mutable state. Persisted records are never mutated after they are written
   * (`persist` stores a clone), so copies share them: only the maps are copied, not the records.
   * A durable log (`append`) only grows: the copy notes its length, and a restore copies that
   * many records out.
   */
  snapshot(): KernelState {
    this.state.rng = this.rng.snapshot();
    return cloneSharingPersisted(this.state);
  }

  restore(s: KernelState): void {
    this.state = cloneSharingPersisted(s);
    this.queue = new EventQueue(this.state.queue);
    this.rng.restore(this.state.rng);
    this.procRng.clear();
    for (const [id, r] of this.runtime) {
      r.env = null;
      r.dests.clear();
      r.proc = this.state.processes[id] ?? null;
    }
    this.linkRng.clear();
    this.linkCache.clear();
    this.routes.clear();
  }

  // ---- internals --------------------------------------------------------------------------

  private push(e: Entry): void {
    this.queue.push(e);
  }

  /** Queue an entry again, at time t, with a new sequence number (a paused process resumed). */
  private requeue(h: Entry, t: number): void {
    if (h.kind === 'deliver') {
      this.push(deliverEntry(t, this.state.seq++, h.msg));
      return;
    }
    const e = h as unknown as { proc?: string; name?: string; epoch?: number; gen?: number; data?: unknown; input?: SimInput };
    this.push(entry(t, this.state.seq++, h.kind, e.proc, e.name, e.epoch, e.gen, e.data, e.input));
  }

  private record(e: Omit<TraceEntry, 'i' | 't'>): void {
    if (this.opts.traceFilter && !this.opts.traceFilter(e.type, e.kind)) return;
    this.trace.recordAt(this.now, e);
  }

  /** Whether the trace keeps entries of this type and kind: hot paths ask before building one. */
  private wants(type: TraceEntry['type'], kind: string): boolean {
    const f = this.opts.traceFilter;
    return f === undefined || f(type, kind);
  }

  private link(from: string, to: string): LinkState {
    let byTo = this.linkCache.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.linkCache.set(from, byTo);
    }
    let l = byTo.get(to);
    if (l !== undefined) return l;
    const key = `${from}>${to}`;
    l = this.state.links[key];
    if (!l) {
      const d = from === to ? { latencyUs: this.opts.loopbackUs ?? 20, jitterUs: 0, loss: 0 } : this.opts.defaultLink ?? { latencyUs: 250, jitterUs: 50, loss: 0 };
      l = { latencyUs: d.latencyUs, jitterUs: d.jitterUs, loss: d.loss ?? 0, lastUs: 0, paused: false, held: [] };
      this.state.links[key] = l;
    }
    byTo.set(to, l);
    return l;
  }

  /** The link from one host to another and its random stream (created as `link` and `linkStream` do). */
  private route(from: string, to: string): { link: LinkState; rng: Rng } {
    let byTo = this.routes.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.routes.set(from, byTo);
    }
    let r = byTo.get(to);
    if (r === undefined) {
      const link = this.link(from, to);
      r = { link, rng: this.linkStream(from, to) };
      byTo.set(to, r);
    }
    return r;
  }

  private partitioned(a: string, b: string): boolean {
    if (a === b || this.state.partitions.length === 0) return false;
    for (const side of this.state.partitions) {
      const ina = side.includes(a);
      const inb = side.includes(b);
      if (ina !== inb) return true;
    }
    return false;
  }

  /**
   * The process's StepEnv, one object per process reused for every call (only `now` changes; the
   * env is valid for the duration of the call, as model.ts says). Rebuilt on restore, when the
   * random streams are replaced.
   */
  private env(p: ProcessRecord, rt: { env: MutableEnv | null }): StepEnv {
    let env = rt.env;
    if (env === null) rt.env = env = { now: this.now, self: p.id, host: p.host, rng: this.procStream(p.id), epochMs: this.opts.epochMs };
    else env.now = this.now;
    return env;
  }

  private procStream(id: string): Rng {
    let r = this.procRng.get(id);
    if (!r) {
      r = this.rng.stream(`proc:${id}`);
      this.procRng.set(id, r);
    }
    return r;
  }

  private linkStream(from: string, to: string): Rng {
    let byTo = this.linkRng.get(from);
    if (byTo === undefined) {
      byTo = new Map();
      this.linkRng.set(from, byTo);
    }
    let r = byTo.get(to);
    if (!r) {
      r = this.rng.stream(`link:${from}>${to}`);
      byTo.set(to, r);
    }
    return r;
  }

  private dispatch(e: Entry): void {
    switch (e.kind) {
      case 'start': {
        const p = this.state.processes[e.proc];
        if (!p || p.epoch !== e.epoch || p.status === 'running' || p.status === 'paused') return;
        this.boot(p);
        return;
      }
      case 'deliver':
        this.deliver(e);
        return;
      case 'timer': {
        const p = this.state.processes[e.proc];
        if (!p || p.epoch !== e.epoch || p.timerGen[e.name] !== e.gen) return;
        if (p.status === 'paused') {
          p.held.push(e);
          return;
        }
        if (p.status !== 'running') return;
        if (this.wants('timer', e.name)) this.record({ type: 'timer', from: p.id, kind: e.name });
        this.stepProcess(p, { type: 'timer', name: e.name, data: e.data });
        return;
      }
      case 'note': {
        this.record({ type: 'note', from: e.proc, kind: e.name, data: e.data });
        return;
      }
      case 'input':
        this.applyInput(e.input);
        return;
    }
  }

  private boot(p: ProcessRecord): void {
    const rt = this.runtime.get(p.id)!;
    p.status = 'running';
    p.timerGen = {};
    p.state = rt.model.init(p.persisted, this.env(p, rt));
    this.record({ type: 'process', from: p.id, kind: 'started', data: { model: p.model, epoch: p.epoch } });
    this.stepProcess(p, { type: 'start' });
  }

  private deliver(e: Extract<Entry, { kind: 'deliver' }>): void {
    const msg = e.msg;
    // The target's record through its runtime: one Map lookup for both (`state.processes[msg.to]`).
    const rt = this.runtime.get(msg.to);
    const p = rt === undefined || rt.proc === null ? undefined : rt.proc;
    if (!p || p.status === 'crashed' || p.status === 'stopped') {
      this.record({ type: 'drop', from: msg.from, to: msg.to, kind: msg.kind, id: msg.id, data: { reason: p ? `target ${p.status}` : 'no such process' } });
      return;
    }
    if (p.status === 'paused') {
      p.held.push(e);
      return;
    }
    if (this.wants('deliver', msg.kind)) this.record({ type: 'deliver', from: msg.from, to: msg.to, kind: msg.kind, id: msg.id, data: msg.payload });
    this.stepRuntime(p, rt!, { type: 'message', from: msg.from, kind: msg.kind, payload: msg.payload, id: msg.id });
  }

  private stepProcess(p: ProcessRecord, input: Input): void {
    this.stepRuntime(p, this.runtime.get(p.id)!, input);
  }

  private stepRuntime(p: ProcessRecord, rt: Runtime, input: Input): void {
    const r = rt.model.step(p.state, input, this.env(p, rt));
    p.state = r.state;
    this.apply(p, r.outputs, rt);
  }

  private apply(p: ProcessRecord, outputs: Output[], rt: Runtime): void {
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i]!;
      switch (o.type) {
        case 'send':
          this.send(p, rt, o.to, o.kind, o.payload, o.afterUs ?? 0);
          break;
        case 'timer': {
          const gen = (p.timerGen[o.name] ?? 0) + 1;
          p.timerGen[o.name] = gen;
          this.push(entry(this.now + Math.max(0, Math.round(o.afterUs)), this.state.seq++, 'timer', p.id, o.name, p.epoch, gen, o.data, undefined));
          break;
        }
        case 'cancel-timer':
          p.timerGen[o.name] = (p.timerGen[o.name] ?? 0) + 1;
          break;
        case 'persist':
          if (o.value === undefined) p.persisted.delete(o.key);
          else p.persisted.set(o.key, o.owned ? o.value : structuredClone(o.value));
          break;
        case 'append': {
          const cur = p.persisted.get(o.key);
          const log = cur instanceof DurableLog ? cur : new DurableLog();
          if (log !== cur) p.persisted.set(o.key, log);
          log.append(o.value);
          break;
        }
        case 'note':
          if (o.afterUs && o.afterUs > 0) this.push(entry(this.now + Math.round(o.afterUs), this.state.seq++, 'note', p.id, o.kind, undefined, undefined, o.data, undefined));
          else this.record({ type: 'note', from: p.id, kind: o.kind, data: o.data });
          break;
      }
    }
  }

  private send(p: ProcessRecord, rt: Runtime, to: string, kind: string, payload: unknown, afterUs: number): void {
    const id = this.state.msgSeq++;
    const leaveAt = this.now + Math.max(0, Math.round(afterUs));
    const msg: Message = { id, from: p.id, to, kind, payload, sentAt: leaveAt };
    if (this.wants('send', kind)) this.record({ type: 'send', from: p.id, to, kind, id, data: afterUs > 0 ? { leavesAtUs: leaveAt } : undefined });
    let dest = rt.dests.get(to);
    if (dest === undefined) {
      const target = this.state.processes[to];
      if (!target) {
        this.record({ type: 'drop', from: p.id, to, kind, id, data: { reason: 'no such process' } });
        return;
      }
      if (this.partitioned(p.host, target.host)) {
        this.record({ type: 'drop', from: p.id, to, kind, id, data: { reason: 'partition' } });
        return;
      }
      const route = this.route(p.host, target.host);
      dest = { host: target.host, link: route.link, rng: route.rng };
      rt.dests.set(to, dest);
    } else if (this.partitioned(p.host, dest.host)) {
      this.record({ type: 'drop', from: p.id, to, kind, id, data: { reason: 'partition' } });
      return;
    }
    const link = dest.link;
    const r = dest.rng;
    if (link.loss > 0 && r.chance(link.loss)) {
      this.record({ type: 'drop', from: p.id, to, kind, id, data: { reason: 'loss' } });
      return;
    }
    if (link.paused) {
      link.held.push(msg);
      return;
    }
    this.enqueueOnLink(link, msg, leaveAt, r);
  }

  private enqueueOnLink(link: LinkState, msg: Message, leaveAt: number, r = this.rng.stream('link')): void {
    const jitter = link.jitterUs > 0 ? r.int(0, link.jitterUs) : 0;
    const at = Math.max(leaveAt + link.latencyUs + jitter, link.lastUs);
    link.lastUs = at;
    this.push(deliverEntry(at, this.state.seq++, msg));
  }

  private applyInput(input: SimInput): void {
    if (input.type === 'command') {
      const p = this.state.processes[input.to];
      this.record({ type: 'input', to: input.to, kind: input.kind, data: input.payload });
      if (!p || p.status !== 'running') return;
      this.stepProcess(p, { type: 'command', kind: input.kind, payload: input.payload });
      return;
    }
    if (input.type === 'host') {
      this.record({ type: 'input', kind: input.kind, data: input.payload });
      const h = this.hostInputs.get(input.kind);
      if (!h) throw new Error(`no handler for host input ${JSON.stringify(input.kind)}`);
      h(this, input.payload);
      return;
    }
    const f = input.fault;
    this.record({ type: 'fault', kind: f.kind, data: f });
    switch (f.kind) {
      case 'kill': {
        const p = this.process(f.target);
        if (p.status === 'crashed' || p.status === 'stopped') return;
        p.status = 'crashed';
        p.state = null;
        p.held = [];
        p.pausedAtUs = null;
        p.epoch++;
        this.record({ type: 'process', from: p.id, kind: 'crashed', data: { epoch: p.epoch } });
        return;
      }
      case 'stop': {
        const p = this.process(f.target);
        if (p.status === 'stopped' || p.status === 'crashed') return;
        p.status = 'stopped';
        p.state = null;
        p.held = [];
        p.epoch++;
        this.record({ type: 'process', from: p.id, kind: 'stopped', data: { epoch: p.epoch } });
        return;
      }
      case 'restart': {
        const p = this.process(f.target);
        if (p.status === 'running' || p.status === 'paused') return;
        p.epoch++;
        this.push(entry(this.now, this.state.seq++, 'start', p.id, undefined, p.epoch, undefined, undefined, undefined));
        return;
      }
      case 'wipe': {
        const p = this.process(f.target);
        p.persisted = new Map();
        return;
      }
      case 'pause': {
        const p = this.process(f.target);
        if (p.status !== 'running') return;
        p.status = 'paused';
        p.pausedAtUs = this.now;
        this.record({ type: 'process', from: p.id, kind: 'paused' });
        return;
      }
      case 'resume': {
        const p = this.process(f.target);
        if (p.status !== 'paused') return;
        const shift = this.now - (p.pausedAtUs ?? this.now);
        p.status = 'running';
        p.pausedAtUs = null;
        this.record({ type: 'process', from: p.id, kind: 'resumed', data: { pausedUs: shift } });
        const held = p.held;
        p.held = [];
        // The process's clock stopped: its timers fire `shift` later; held deliveries land now.
        for (const h of held) {
          if (h.kind === 'timer') this.requeue(h, Math.max(this.now, h.t + shift));
          else this.requeue(h, this.now);
        }
        return;
      }
      case 'partition':
        this.state.partitions.push([...f.hosts].sort());
        return;
      case 'heal':
        this.state.partitions = f.hosts ? this.state.partitions.filter((s) => s.join() !== [...f.hosts!].sort().join()) : [];
        return;
      case 'link': {
        const set = { latencyUs: f.latencyUs, jitterUs: f.jitterUs, loss: f.loss };
        this.setLink(f.from, f.to, set);
        if (f.bidirectional) this.setLink(f.to, f.from, set);
        return;
      }
      case 'pause-link':
        this.link(f.from, f.to).paused = true;
        return;
      case 'resume-link': {
        const l = this.link(f.from, f.to);
        l.paused = false;
        const held = l.held;
        l.held = [];
        for (const m of held) this.enqueueOnLink(l, m, this.now, this.linkStream(f.from, f.to));
        return;
      }
    }
  }
}

/**
 * A durable log as a checkpoint holds it: the live log and its length then. The log only grows,
 * so its first `length` records stay what they were; restoring makes a log of just those.
 */
class LogMark {
  constructor(
    readonly log: DurableLog,
    readonly length: number,
  ) {}
}

/** Persisted values as the copy holds them: a live log becomes a mark, a mark a live log again. */
function copyPersisted(m: Map<string, unknown>): Map<string, unknown> {
  const out = new Map(m);
  for (const [k, v] of m) {
    if (v instanceof DurableLog) out.set(k, new LogMark(v, v.length));
    else if (v instanceof LogMark) out.set(k, v.log.prefix(v.length));
  }
  return out;
}

/** A persisted map handed to `spawn` may share a log with another process: each gets its own. */
function ownLogs(m: Map<string, unknown>): Map<string, unknown> {
  for (const [k, v] of m) if (v instanceof DurableLog) m.set(k, v.prefix());
  return m;
}

/** Thrown inside `cloneData` at a value it does not copy itself. */
const NOT_PLAIN = new Error('not plain data');

/**
 * A deep copy of plain data — objects (with Object.prototype), dense arrays, Maps, Sets and
 * primitives — with shared references and cycles kept, property order kept, getters read: what
 * `structuredClone` gives for such data, several times faster (it does not serialize). Anything
 * else anywhere in the value (a class instance, a Date, a typed array, a sparse array, a function)
 * and the whole value goes to `structuredClone` instead, so the result is always its result.
 */
export function cloneData<T>(value: T): T {
  try {
    return copyValue(value, new Map()) as T;
  } catch (e) {
    if (e === NOT_PLAIN) return structuredClone(value);
    throw e;
  }
}

function copyValue(v: unknown, memo: Map<object, unknown>): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'function' || typeof v === 'symbol') throw NOT_PLAIN;
    return v;
  }
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype) {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    memo.set(v, out);
    for (const k in src) {
      if (k === '__proto__') throw NOT_PLAIN;
      out[k] = copyValue(src[k], memo);
    }
    return out;
  }
  if (proto === Array.prototype) {
    const src = v as unknown[];
    const out: unknown[] = [];
    memo.set(v, out);
    for (let i = 0; i < src.length; i++) {
      if (!(i in src)) throw NOT_PLAIN;
      out.push(copyValue(src[i], memo));
    }
    return out;
  }
  if (proto === Map.prototype) {
    const out = new Map<unknown, unknown>();
    memo.set(v, out);
    for (const [k, x] of v as Map<unknown, unknown>) out.set(copyValue(k, memo), copyValue(x, memo));
    return out;
  }
  if (proto === Set.prototype) {
    const out = new Set<unknown>();
    memo.set(v, out);
    for (const x of v as Set<unknown>) out.add(copyValue(x, memo));
    return out;
  }
  throw NOT_PLAIN;
}

function cloneSharingPersisted(s: KernelState): KernelState {
  const persisted: Record<string, Map<string, unknown>> = {};
  const processes: Record<string, ProcessRecord> = {};
  for (const [id, p] of Object.entries(s.processes)) {
    persisted[id] = p.persisted;
    processes[id] = { ...p, persisted: new Map() };
  }
  const copy = cloneData({ ...s, processes });
  for (const id of Object.keys(copy.processes)) copy.processes[id]!.persisted = copyPersisted(persisted[id]!);
  return copy;
}
