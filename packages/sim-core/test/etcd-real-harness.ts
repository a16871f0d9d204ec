/**
 * Drives a real etcd 3.4 cluster on 127.0.0.1 for the real-vs-model comparisons: start N members
 * (client port 11379+1000·i+off, peer port +1, all below the ephemeral range), find the leader,
 * SIGKILL/SIGSTOP/restart members, run etcdctl, read the zap logs ("became leader at term",
 * "stepped down to follower since quorum is not active") with their millisecond timestamps.
 * Every process started is tracked by PID and stopped by `stopAll`, even when a test fails.
 * This file uses the wall clock and real processes: it is test code, not simulation code.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function etcdAvailable(): { ok: boolean; reason?: string } {
  const r = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { ok: false, reason: `etcd not found on PATH (${r.error?.message ?? r.stderr})` };
  if (!/etcd Version: 3\.4\./.test(r.stdout)) return { ok: false, reason: `etcd is not 3.4: ${r.stdout.split('\n')[0]}` };
  const c = spawnSync('etcdctl', ['version'], { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
  if (c.error || c.status !== 0) return { ok: false, reason: 'etcdctl not found on PATH' };
  return { ok: true };
}

export interface RealMember {
  i: number;
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  log: string;
  proc: ChildProcess | null;
}

export class RealCluster {
  readonly dir: string;
  readonly members: RealMember[] = [];
  private procs = new Set<ChildProcess>();

  constructor(
    readonly n: number,
    readonly portOffset = 0,
    readonly preVote = false,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `kubelab-etcd${n}-`));
    for (let i = 1; i <= n; i++) {
      const clientPort = 11379 + 1000 * i + portOffset;
      this.members.push({ i, name: `m${i}`, clientPort, peerPort: clientPort + 1, dataDir: join(this.dir, `m${i}.etcd`), log: join(this.dir, `m${i}.log`), proc: null });
    }
  }

  get initialCluster(): string {
    return this.members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
  }

  endpoints(ms: RealMember[] = this.members): string {
    return ms.map((m) => `127.0.0.1:${m.clientPort}`).join(',');
  }

  start(m: RealMember): void {
    const fd = openSync(m.log, 'a');
    const args = [
      '--name', m.name, '--data-dir', m.dataDir,
      '--listen-client-urls', `http://127.0.0.1:${m.clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${m.peerPort}`,
      '--initial-cluster-token', `kubelab-${this.n}-${this.portOffset}`, '--initial-cluster', this.initialCluster, '--initial-cluster-state', 'new',
      '--logger=zap', '--log-outputs=stderr',
    ];
    if (this.preVote) args.push('--pre-vote=true');
    const p = spawn('etcd', args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    m.proc = p;
    this.procs.add(p);
    p.on('exit', () => this.procs.delete(p));
  }

  startAll(): void {
    for (const m of this.members) this.start(m);
  }

  signal(m: RealMember, sig: NodeJS.Signals): void {
    if (m.proc?.pid) process.kill(m.proc.pid, sig);
  }

  async kill(m: RealMember): Promise<void> {
    const p = m.proc;
    if (!p) return;
    const exited = new Promise<void>((res) => (p.exitCode !== null || p.signalCode !== null ? res() : p.once('exit', () => res())));
    process.kill(p.pid!, 'SIGKILL');
    await exited;
    m.proc = null;
  }

  /** Stop every process this cluster started (by PID), then remove the data. */
  async stopAll(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const p of this.procs) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      waits.push(new Promise<void>((res) => p.once('exit', () => res())));
      try {
        process.kill(p.pid!, 'SIGCONT');
        process.kill(p.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await Promise.all(waits);
    for (const m of this.members) m.proc = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  ctl(args: string[], opts: { endpoints?: RealMember[]; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
    const t0 = Date.now();
    return new Promise((resolve) => {
      const p = spawn('etcdctl', [`--endpoints=${this.endpoints(opts.endpoints)}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
      this.procs.add(p);
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      // 'close', not 'exit': only then has all of stdout and stderr been read.
      p.on('close', (code) => {
        clearTimeout(timer);
        this.procs.delete(p);
        resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
      });
    });
  }

  async status(ms: RealMember[] = this.members.filter((m) => m.proc)): Promise<{ m: RealMember; leader: string; memberId: string; raftTerm: number; raftIndex: number }[]> {
    const r = await this.ctl(['endpoint', 'status', '-w', 'json', '--command-timeout=2s'], { endpoints: ms, timeoutMs: 10_000 });
    try {
      const arr = JSON.parse(r.stdout) as { Endpoint: string; Status: { header: { member_id: number | string }; leader: number | string; raftTerm: number; raftIndex: number } }[];
      return arr.map((x) => ({ m: ms.find((m) => x.Endpoint.endsWith(`:${m.clientPort}`))!, leader: String(x.Status.leader), memberId: String(x.Status.header.member_id), raftTerm: x.Status.raftTerm, raftIndex: x.Status.raftIndex }));
    } catch {
      return [];
    }
  }

  async leader(timeoutMs = 20_000): Promise<RealMember> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      const st = await this.status();
      const l = st.find((s) => s.leader === s.memberId && s.leader !== '0');
      if (l && st.length === this.members.filter((m) => m.proc).length && st.every((s) => s.leader === l.leader)) return l.m;
      await sleep(100);
    }
    throw new Error(`no leader within ${timeoutMs} ms`);
  }

  /** Log lines (zap JSON) of a member after a wall-clock instant, with their times. */
  logSince(m: RealMember, sinceMs: number): { ts: number; msg: string }[] {
    if (!existsSync(m.log)) return [];
    const out: { ts: number; msg: string }[] = [];
    for (const line of readFileSync(m.log, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const j = JSON.parse(line) as { ts: string; msg: string };
        const ts = parseZapTime(j.ts);
        if (ts >= sinceMs) out.push({ ts, msg: j.msg });
      } catch {
        /* partial line */
      }
    }
    return out;
  }

  /** The first "became leader" line after t0 on any member, as ms after t0. */
  async waitLogged(re: RegExp, sinceMs: number, ms: RealMember[], timeoutMs = 15_000): Promise<{ m: RealMember; ts: number; msg: string } | null> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      let best: { m: RealMember; ts: number; msg: string } | null = null;
      for (const m of ms) for (const l of this.logSince(m, sinceMs)) if (re.test(l.msg) && (!best || l.ts < best.ts)) best = { m, ...l };
      if (best) return best;
      await sleep(25);
    }
    return null;
  }
}

/** zap's ISO8601 time, e.g. 2026-11-25T03:10:00.123Z or …123+0000, to Unix ms. */
export function parseZapTime(s: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(s);
  if (!m) return Number.NaN;
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  let t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + frac;
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const hh = Number(z.slice(1, 3));
    const mm = Number(z.slice(-2));
    t -= sign * (hh * 60 + mm) * 60_000;
  }
  return t;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.floor(s.length / 2);
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}
