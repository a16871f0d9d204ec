/**
 * Models: how the Linux kernel's netfilter (iptables, x_tables) walks one packet through the tables
 * and chains that matter on a k3s node — nat PREROUTING/OUTPUT → KUBE-SERVICES → KUBE-SVC-… →
 * KUBE-SEP-… → DNAT; filter FORWARD/INPUT/OUTPUT (kube-proxy's and flannel's chains); nat
 * POSTROUTING → KUBE-POSTROUTING and FLANNEL-POSTRTG — with conntrack: only a connection's first
 * packet traverses the nat table; later packets and replies reuse the recorded translation.
 * Follows: linux net/netfilter/x_tables.c / ipv4/netfilter/ip_tables.c (ipt_do_table: first match
 * wins, jumps push a return point, RETURN pops, built-in chain policy at the end), nf_nat_core.c
 * (NAT decided once per connection), xt_statistic.c (random mode: draw < probability),
 * xt_recent.c (--set / --rcheck --seconds --reap), xt_addrtype.c, xt_mark.c; kubernetes
 * proxier_test.go tracePacket (the same idea, used upstream as a test oracle).
 * Leaves out: raw and mangle (kube-proxy and flannel put nothing there on k3s), routing decisions
 * (the caller says which hook the packet enters and its out interface), fragments, ICMP errors,
 * conntrack timeouts and TCP state tracking, MASQUERADE port selection (--random-fully picks a
 * random source port; we keep the original port and say so), matches kube-proxy never writes.
 */
import { FieldError } from '../errors';
import type { RandomSource } from '../rand';
import { cidrContainsIp, parseIPSloppy } from './objects';
import { parseDump } from './sort-rules';

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter';

export interface Ruleset {
  /** table → chain → rule texts (without "-A CHAIN"), in order */
  tables: Record<string, Record<string, string[]>>;
}

/** Builds a ruleset from an iptables-restore payload plus extra rows (built-in chain jumps, flannel's rules). */
export function buildRuleset(restoreText: string, extra: { table: string; chain: string; rule: string; position?: 'prepend' | 'append' }[] = []): Ruleset {
  const tables: Ruleset['tables'] = {};
  const chain = (t: string, c: string) => ((tables[t] ??= {})[c] ??= []);
  for (const t of parseDump(restoreText)) {
    for (const c of t.chains) chain(t.name, c);
    for (const r of t.rules) chain(t.name, r.chain).push(r.line.slice(`-A ${r.chain} `.length));
    for (const d of t.deleted) delete tables[t.name]?.[d];
  }
  for (const e of extra) {
    const rules = chain(e.table, e.chain);
    if (e.position === 'prepend') rules.unshift(e.rule);
    else rules.push(e.rule);
  }
  return { tables };
}

/** Splits a rule into arguments, honouring double quotes. */
export function tokenize(rule: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rule))) out.push(m[1] ?? m[2]!);
  return out;
}

export interface Packet {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  proto: 'tcp' | 'udp' | 'sctp' | 'icmp';
  mark?: number;
  /** the interface it came in on (PREROUTING, INPUT, FORWARD) and goes out of (FORWARD, OUTPUT, POSTROUTING), for -i / -o */
  inIface?: string;
  outIface?: string;
}

/** iptables' interface match: exact name, or a prefix when the rule's name ends in '+'. */
function ifaceMatch(spec: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  return spec.endsWith('+') ? name.startsWith(spec.slice(0, -1)) : name === spec;
}

export interface Hit {
  table: string;
  chain: string;
  /** 1-based position in the chain, as `iptables -L --line-numbers` shows */
  index: number;
  rule: string;
  /** what the rule did: jump target or verdict */
  target: string;
}

export interface ConntrackEntry {
  orig: Packet;
  reply: Packet;
  dnat?: { ip: string; port: number };
  snat?: { ip: string; port: number };
}

const tupleKey = (p: Packet) => `${p.proto} ${p.src}:${p.srcPort} > ${p.dst}:${p.dstPort}`;

export class Conntrack {
  private byOrig = new Map<string, ConntrackEntry>();
  private byReply = new Map<string, ConntrackEntry>();
  lookup(p: Packet): { entry: ConntrackEntry; dir: 'original' | 'reply' } | null {
    const k = tupleKey(p);
    const o = this.byOrig.get(k);
    if (o) return { entry: o, dir: 'original' };
    const r = this.byReply.get(k);
    return r ? { entry: r, dir: 'reply' } : null;
  }
  confirm(e: ConntrackEntry): void {
    this.byOrig.set(tupleKey(e.orig), e);
    this.byReply.set(tupleKey(e.reply), e);
  }
  entries(): ConntrackEntry[] {
    return [...this.byOrig.values()];
  }
  /** conntrack -L style line */
  static format(e: ConntrackEntry): string {
    const t = (p: Packet) => `src=${p.src} dst=${p.dst} sport=${p.srcPort} dport=${p.dstPort}`;
    return `${e.orig.proto} ${t(e.orig)} ${t(e.reply)}${e.dnat || e.snat ? ' [NAT]' : ''}`;
  }
}

export interface NodeContext {
  /** addresses that are LOCAL for -m addrtype (node IP, cni0, flannel.1, 127.0.0.1, …) */
  localAddresses: string[];
  /** the address MASQUERADE uses on the out interface */
  outAddress?: string;
  rng: RandomSource;
  conntrack: Conntrack;
  /** xt_recent lists: name → source IP → last seen (simulated seconds) */
  recent?: Map<string, Map<string, number>>;
  nowSeconds?: number;
}

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

const HOOK_TABLES: Record<Hook, TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'nat'],
  FORWARD: ['mangle', 'filter'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter'],
  POSTROUTING: ['mangle', 'nat'],
};

export interface WalkResult {
  packet: Packet;
  hits: Hit[];
  verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  ctstate: 'NEW' | 'ESTABLISHED';
  conntrack?: ConntrackEntry;
  dnat?: { ip: string; port: number };
  snat?: { ip: string; port: number };
  masquerade: boolean;
}

interface State {
  pkt: Packet;
  ctNew: boolean;
  dnatDone: boolean;
  dnat?: { ip: string; port: number };
  snat?: { ip: string; port: number };
  hits: Hit[];
  origDst: string;
}

function ipMatch(spec: string, ip: string): boolean {
  const cidr = spec.includes('/') ? spec : `${spec}/32`;
  return cidrContainsIp(cidr, ip);
}

function parseMark(v: string): [number, number] {
  const [a, b] = v.split('/');
  return [parseInt(a!, 16) >>> 0, b === undefined ? 0xffffffff : parseInt(b, 16) >>> 0];
}

/** Evaluates one rule's matches; returns the target args or null if it does not match. */
function matches(args: string[], st: State, ctx: NodeContext, table: string): { target: string[]; ok: boolean } {
  let i = 0;
  let neg = false;
  const p = st.pkt;
  const fail = { target: [], ok: false };
  while (i < args.length) {
    const a = args[i]!;
    if (a === '!') {
      neg = true;
      i++;
      continue;
    }
    if (a === '-j') return { target: args.slice(i + 1), ok: true };
    const v = args[i + 1] ?? '';
    let r: boolean | null = null;
    let consumed = 2;
    switch (a) {
      case '-s': r = ipMatch(v, p.src); break;
      case '-d': r = ipMatch(v, p.dst); break;
      case '-p': r = v === p.proto; break;
      case '-i': r = ifaceMatch(v, p.inIface); break;
      case '-o': r = ifaceMatch(v, p.outIface); break;
      case '--dport': r = Number(v) === p.dstPort; break;
      case '--sport': r = Number(v) === p.srcPort; break;
      case '-m': r = true; break; // module load; its options follow
      case '--comment': r = true; break;
      case '--dst-type': r = v === 'LOCAL' ? ctx.localAddresses.includes(p.dst) : false; break;
      case '--src-type': r = v === 'LOCAL' ? ctx.localAddresses.includes(p.src) : false; break;
      case '--mark': {
        const [val, mask] = parseMark(v);
        r = (((p.mark ?? 0) & mask) >>> 0) === val;
        break;
      }
      case '--ctstate': {
        const states = v.split(',');
        const cur = st.ctNew ? 'NEW' : 'ESTABLISHED';
        r = states.includes(cur) || (states.includes('DNAT') && (st.dnat !== undefined || st.origDst !== p.dst));
        break;
      }
      case '--mode': r = true; break;
      case '--probability': {
        // xt_statistic random mode: iptables stores lround(p * 2^31); the kernel matches when
        // (get_random_u32() & 0x7fffffff) < that value. The draw comes from the seeded stream.
        r = ctx.rng.int(0, 0x7fffffff) < Math.round(Number(v) * 0x80000000);
        break;
      }
      case '--nfacct-name': r = true; break;
      case '--name': {
        // xt_recent: the option after the name says what to do.
        const list = ((ctx.recent ??= new Map()).get(v) ?? new Map<string, number>());
        ctx.recent.set(v, list);
        const op = args[i + 2];
        if (op === '--set') {
          list.set(p.src, ctx.nowSeconds ?? 0);
          r = true;
          consumed = 3;
        } else if (op === '--rcheck') {
          const secs = args[i + 3] === '--seconds' ? Number(args[i + 4]) : Infinity;
          const seen = list.get(p.src);
          r = seen !== undefined && (ctx.nowSeconds ?? 0) - seen <= secs;
          consumed = args[i + 3] === '--seconds' ? 5 : 3;
          if (args[i + consumed] === '--reap') consumed++;
        } else r = true;
        break;
      }
      default:
        throw new FieldError('rule', args.join(' '), `option ${a} is not modelled by the netfilter walk (table ${table})`);
    }
    if (a === '-m') {
      i += 2;
      neg = false;
      continue;
    }
    if (neg) r = !r;
    neg = false;
    if (!r) return fail;
    i += consumed;
  }
  return { target: [], ok: true };
}

/** Walks one chain (and what it jumps to); returns a verdict or null to continue (fall off / RETURN). */
function walkChain(rs: Ruleset, table: string, chain: string, st: State, ctx: NodeContext, depth = 0): 'ACCEPT' | 'DROP' | 'REJECT' | null {
  if (depth > 32) throw new FieldError('chain', chain, 'jump depth exceeds 32 (loop?)');
  const rules = rs.tables[table]?.[chain] ?? [];
  for (let idx = 0; idx < rules.length; idx++) {
    const rule = rules[idx]!;
    const { target, ok } = matches(tokenize(rule), st, ctx, table);
    if (!ok) continue;
    const t = target[0] ?? '';
    st.hits.push({ table, chain, index: idx + 1, rule: `-A ${chain} ${rule}`, target: t });
    switch (t) {
      case '':
        continue;
      case 'ACCEPT':
      case 'DROP':
      case 'REJECT':
        return t;
      case 'RETURN':
        return null;
      case 'MARK': {
        const op = target[1];
        const val = parseInt(target[2] ?? '0', 16) >>> 0;
        const m = st.pkt.mark ?? 0;
        st.pkt = { ...st.pkt, mark: (op === '--or-mark' ? m | val : op === '--xor-mark' ? m ^ val : val) >>> 0 };
        continue;
      }
      case 'DNAT': {
        const to = target[target.indexOf('--to-destination') + 1] ?? '';
        const [ip, port] = to.split(':');
        st.dnat = { ip: ip!, port: port ? Number(port) : st.pkt.dstPort };
        st.pkt = { ...st.pkt, dst: st.dnat.ip, dstPort: st.dnat.port };
        return 'ACCEPT';
      }
      case 'MASQUERADE':
      case 'SNAT': {
        const ip = ctx.outAddress ?? st.pkt.src;
        st.snat = { ip, port: st.pkt.srcPort };
        st.pkt = { ...st.pkt, src: ip };
        return 'ACCEPT';
      }
      default: {
        if (!rs.tables[table]?.[t]) throw new FieldError('rule', `-A ${chain} ${rule}`, `jumps to chain ${t} which does not exist in table ${table}`);
        const v = walkChain(rs, table, t, st, ctx, depth + 1);
        if (v !== null) return v;
      }
    }
  }
  return null;
}

/**
 * Takes a packet through the given hooks in order (e.g. ['PREROUTING', 'FORWARD', 'POSTROUTING'] for
 * a pod's packet routed by its node, ['OUTPUT', 'POSTROUTING'] for a node-local process).
 */
export function walkPacket(rs: Ruleset, pkt: Packet, hooks: Hook[], ctx: NodeContext): WalkResult {
  for (const [f, v] of [['src', pkt.src], ['dst', pkt.dst]] as const) {
    if (parseIPSloppy(v) !== v) throw new FieldError(`packet.${f}`, v, 'must be a valid IP address, (e.g. 10.9.8.7)');
  }
  const existing = ctx.conntrack.lookup(pkt);
  const st: State = { pkt: { ...pkt }, ctNew: !existing, dnatDone: false, hits: [], origDst: pkt.dst };
  if (existing) {
    // Established: NAT comes from the conntrack entry, the nat table is not consulted.
    const e = existing.entry;
    if (existing.dir === 'original') {
      if (e.dnat) st.pkt = { ...st.pkt, dst: e.dnat.ip, dstPort: e.dnat.port };
      if (e.snat) st.pkt = { ...st.pkt, src: e.snat.ip, srcPort: e.snat.port };
    } else {
      // reply: undo the translations (de-SNAT the destination, de-DNAT the source)
      st.pkt = { ...st.pkt, src: e.orig.dst, srcPort: e.orig.dstPort, dst: e.orig.src, dstPort: e.orig.srcPort };
    }
  }
  let verdict: WalkResult['verdict'] = 'ACCEPT';
  outer: for (const hook of hooks) {
    for (const table of HOOK_TABLES[hook]) {
      if (table === 'nat' && !st.ctNew) continue;
      if (!rs.tables[table]?.[hook]) continue;
      const v = walkChain(rs, table, hook, st, ctx);
      if (v === 'DROP' || v === 'REJECT') {
        verdict = v;
        break outer;
      }
    }
  }
  let entry = existing?.entry;
  if (!existing && verdict === 'ACCEPT') {
    const after = st.pkt;
    entry = {
      orig: { ...pkt },
      reply: { proto: pkt.proto, src: after.dst, srcPort: after.dstPort, dst: after.src, dstPort: after.srcPort },
      ...(st.dnat ? { dnat: st.dnat } : {}),
      ...(st.snat ? { snat: st.snat } : {}),
    };
    ctx.conntrack.confirm(entry);
  }
  return {
    packet: st.pkt,
    hits: st.hits,
    verdict,
    ctstate: existing ? 'ESTABLISHED' : 'NEW',
    ...(entry ? { conntrack: entry } : {}),
    ...(st.dnat ? { dnat: st.dnat } : {}),
    ...(st.snat ? { snat: st.snat } : {}),
    masquerade: st.snat !== undefined,
  };
}
