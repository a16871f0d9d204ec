/**
 * Drives a real etcd 3.4 cluster on 127.0.0.1 for the real-vs-model comparisons: start N members
 * (client port 11379+1000·i+off, peer port +1, the partition proxy's port +2 — shifted by 6000 or
 * 12000 when something already listens there, e.g. another run of the suite — all below the
 * ephemeral range), find the leader,
 * SIGKILL/SIGSTOP/restart members, run etcdctl, read the zap logs ("became leader at term",
 * "stepped down to follower since quorum is not active") with their millisecond timestamps.
 * Every process started is tracked by PID and stopped by `stopAll`, even when a test fails.
 * This file uses the wall clock and real processes: it is test code, not simulation code.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
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
  /** The port etcd listens on for peers. */
  peerPort: number;
  /** The peer port other members dial: the proxy's when the cluster is proxied, else peerPort. */
  advertisedPeerPort: number;
  dataDir: string;
  log: string;
  proc: ChildProcess | null;
  /** How the current process ended by itself, if it did. */
  exited?: { code: number | null; signal: NodeJS.Signals | null };
}

export class RealCluster {
  readonly dir: string;
  readonly members: RealMember[] = [];
  private procs = new Set<ChildProcess>();

  /** With `proxied`, peer traffic goes through PeerProxy (one listener per member), which can partition. */
  readonly proxy: PeerProxy | null;

  /** The port block used: 0, or 6000/12000 when something else listens on a port of block 0. */
  readonly portShift: number;

  constructor(
    readonly n: number,
    readonly portOffset = 0,
    readonly preVote = false,
    proxied = false,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `kubelab-etcd${n}-`));
    // Another run of this suite (or anything else) may hold the ports: take the first free block.
    const busy = listeningPorts();
    const portsOf = (shift: number) => Array.from({ length: n }, (_, k) => 11379 + 1000 * (k + 1) + portOffset + shift).flatMap((c) => [c, c + 1, c + 2]);
    this.portShift = PORT_BLOCKS.find((shift) => portsOf(shift).every((port) => !busy.has(port))) ?? 0;
    for (let i = 1; i <= n; i++) {
      const clientPort = 11379 + 1000 * i + portOffset + this.portShift;
      this.members.push({ i, name: `m${i}`, clientPort, peerPort: clientPort + 1, advertisedPeerPort: proxied ? clientPort + 2 : clientPort + 1, dataDir: join(this.dir, `m${i}.etcd`), log: join(this.dir, `m${i}.log`), proc: null });
    }
    this.proxy = proxied ? new PeerProxy(this.members) : null;
  }

  get initialCluster(): string {
    return this.members.map((m) => `${m.name}=http://127.0.0.1:${m.advertisedPeerPort}`).join(',');
  }

  endpoints(ms: RealMember[] = this.members): string {
    return ms.map((m) => `127.0.0.1:${m.clientPort}`).join(',');
  }

  /** Start a member; `initialCluster`/`state` for a single-member start or a member that joins. */
  start(m: RealMember, opts: { initialCluster?: string; state?: 'new' | 'existing' } = {}): void {
    const fd = openSync(m.log, 'a');
    const args = [
      '--name', m.name, '--data-dir', m.dataDir,
      '--listen-client-urls', `http://127.0.0.1:${m.clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${m.advertisedPeerPort}`,
      '--initial-cluster-token', `kubelab-${this.n}-${this.portOffset}`, '--initial-cluster', opts.initialCluster ?? this.initialCluster, '--initial-cluster-state', opts.state ?? 'new',
      '--logger=zap', '--log-outputs=stderr',
    ];
    if (this.preVote) args.push('--pre-vote=true');
    const p = spawn('etcd', args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    m.proc = p;
    m.exited = undefined;
    this.procs.add(p);
    p.on('exit', (code, signal) => {
      this.procs.delete(p);
      if (m.proc === p) m.exited = { code, signal };
    });
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
    if (p.exitCode !== null || p.signalCode !== null) {
      const tail = existsSync(m.log) ? readFileSync(m.log, 'utf8').trim().split('\n').slice(-3).join('\n') : '';
      throw new Error(`member ${m.name} (pid ${p.pid}) had already exited (code ${p.exitCode}, signal ${p.signalCode}); its log ends:\n${tail}`);
    }
    const exited = new Promise<void>((res) => p.once('exit', () => res()));
    process.kill(p.pid!, 'SIGKILL');
    await exited;
    m.proc = null;
  }

  /** Learn the member ids (hex, as rafthttp names them) for the proxy, from `etcdctl member list`. */
  async learnIds(): Promise<void> {
    const r = await this.ctl(['member', 'list']);
    for (const line of r.stdout.trim().split('\n')) {
      const [id, , name] = line.split(', ');
      if (id && name) this.proxy?.names.set(id, name);
    }
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
    await this.proxy?.close();
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

/** Port blocks for the clusters: block 0 ends at 17081, the last at 29081 — all below 32768. */
const PORT_BLOCKS = [0, 6000, 12000];

/** TCP ports something listens on (any address), from iproute2's `ss`; none known if it is missing. */
function listeningPorts(): Set<number> {
  const r = spawnSync('ss', ['-Htln'], { encoding: 'utf8' });
  const out = new Set<number>();
  if (r.error || r.status !== 0) return out;
  for (const line of r.stdout.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const port = local ? Number(local.slice(local.lastIndexOf(':') + 1)) : Number.NaN;
    if (Number.isInteger(port)) out.add(port);
  }
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.floor(s.length / 2);
  return s.length % 2 ? s[k]! : (s[k - 1]! + s[k]!) / 2;
}

/**
 * A TCP proxy in front of each member's peer port, to cut a member off from its peers while its
 * process (and clock) keeps running — a network partition without root or netfilter. rafthttp
 * names the sender of every peer connection (the stream path /raft/stream/<type>/<id>, or the
 * X-Server-From header of pipeline and probe requests), so the proxy knows both ends. A partition
 * blackholes the connections that cross it (data is swallowed, nothing is closed, as with dropped
 * packets) and new ones that would; healing closes the blackholed connections so rafthttp redials.
 */
export class PeerProxy {
  private servers: Server[] = [];
  private conns = new Set<{ client: Socket; upstream: Socket | null; fromId: string | null; to: string; blackholed: boolean }>();
  /** Member name by rafthttp member id (hex), learnt from `member list`. */
  names = new Map<string, string>();
  private isolated = new Set<string>();

  constructor(private readonly members: RealMember[]) {}

  listen(): Promise<void> {
    return Promise.all(
      this.members.map(
        (m) =>
          new Promise<void>((res, rej) => {
            const srv = createServer((sock) => this.accept(sock, m));
            srv.once('error', rej);
            srv.listen(m.advertisedPeerPort, '127.0.0.1', () => res());
            this.servers.push(srv);
          }),
      ),
    ).then(() => undefined);
  }

  private crosses(fromId: string | null, to: string): boolean {
    const from = fromId === null ? undefined : this.names.get(fromId);
    if (from === undefined) return false;
    return this.isolated.has(from) !== this.isolated.has(to);
  }

  private accept(client: Socket, m: RealMember): void {
    let head = Buffer.alloc(0);
    const conn = { client, upstream: null as Socket | null, fromId: null as string | null, to: m.name, blackholed: false };
    this.conns.add(conn);
    const onHead = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      const text = head.toString('latin1');
      if (!text.includes('\r\n\r\n') && head.length < 16384) return;
      client.off('data', onHead);
      const id = /\/raft\/stream\/[a-z0-9]+\/([0-9a-f]+)/.exec(text)?.[1] ?? /^X-Server-From: ([0-9a-f]+)/im.exec(text)?.[1] ?? null;
      conn.fromId = id;
      conn.blackholed = this.crosses(conn.fromId, conn.to);
      const up = createConnection({ host: '127.0.0.1', port: m.peerPort });
      conn.upstream = up;
      up.write(head);
      client.on('data', (x: Buffer) => {
        if (!conn.blackholed) up.write(x);
      });
      up.on('data', (x: Buffer) => {
        if (!conn.blackholed) client.write(x);
      });
      const end = () => {
        client.destroy();
        up.destroy();
        this.conns.delete(conn);
      };
      up.on('error', end);
      up.on('close', end);
      client.on('close', end);
    };
    client.on('data', onHead);
    client.on('error', () => {
      conn.upstream?.destroy();
      client.destroy();
      this.conns.delete(conn);
    });
  }

  /** Cut these members off from the rest (their traffic with each other still flows). */
  partition(names: string[]): void {
    for (const n of names) this.isolated.add(n);
    for (const c of this.conns) if (this.crosses(c.fromId, c.to)) c.blackholed = true;
  }

  heal(): void {
    this.isolated.clear();
    for (const c of [...this.conns]) {
      if (!c.blackholed) continue;
      c.client.destroy();
      c.upstream?.destroy();
      this.conns.delete(c);
    }
  }

  async close(): Promise<void> {
    for (const c of this.conns) {
      c.client.destroy();
      c.upstream?.destroy();
    }
    this.conns.clear();
    await Promise.all(this.servers.map((srv) => new Promise<void>((res) => srv.close(() => res()))));
    this.servers = [];
  }
}
