/**
 * Models: upstream kube-proxy's test oracle — `tracePacket` / `iptablesTracer` / `runPacketFlowTests`
 * in kubernetes pkg/proxy/iptables/proxier_test.go — so that upstream's packet-flow tables
 * (TestClusterIPGeneral, TestLoadBalancer, TestNodePorts, …) can be run against our proxier's rules.
 * Like upstream: nat PREROUTING is run first, following every jump; a jump taken through a
 * `--probability` rule does not end the chain (so all endpoints are collected); DNAT, ACCEPT, DROP and
 * REJECT end it; KUBE-MARK-MASQ sets "masq"; matches on history (`recent --rcheck`, `mark`,
 * `conntrack`) never match; then the filter chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES,
 * KUBE-NODEPORTS and KUBE-PROXY-FIREWALL run against the DNATed destination.
 * Leaves out: nothing upstream's tracer has (it is itself a simplification of netfilter; the real
 * walk with conntrack is netfilter-walk.ts).
 */
import { cidrContainsIp, parseIPSloppy } from '../objects';
import { tokenize } from '../netfilter-walk';
import type { KernelTables } from '../kernel-tables';

interface ParsedRule {
  raw: string;
  src?: { neg: boolean; value: string };
  dst?: { neg: boolean; value: string };
  srcType?: { neg: boolean; value: string };
  dstType?: { neg: boolean; value: string };
  proto?: { neg: boolean; value: string };
  dport?: { neg: boolean; value: string };
  jump?: string;
  dnat?: string;
  probability?: string;
  historyCheck: boolean;
}

function parseRule(line: string): ParsedRule {
  const a = tokenize(line);
  const r: ParsedRule = { raw: line, historyCheck: false };
  let neg = false;
  for (let i = 2; i < a.length; i++) {
    const t = a[i]!;
    if (t === '!') {
      neg = true;
      continue;
    }
    const v = () => ({ neg, value: a[++i]! });
    switch (t) {
      case '-s': r.src = v(); break;
      case '-d': r.dst = v(); break;
      case '-p': r.proto = v(); break;
      case '--dport': r.dport = v(); break;
      case '--src-type': r.srcType = v(); break;
      case '--dst-type': r.dstType = v(); break;
      case '-j': r.jump = a[++i]!; break;
      case '--to-destination': r.dnat = a[++i]!; break;
      case '--probability': r.probability = a[++i]!; break;
      case '--rcheck': r.historyCheck = true; break;
      case '--ctstate': r.historyCheck = true; i++; break;
      case '--mark': if (a[i - 2] === 'mark' || a[i - 1] === 'mark' || a[i - 1] === '!') r.historyCheck = true; i++; break;
      default: break;
    }
    neg = false;
  }
  return r;
}

function addressMatches(ip: string, want: { neg: boolean; value: string }): boolean {
  const match = want.value.includes('/') ? cidrContainsIp(want.value, ip) : parseIPSloppy(ip) === parseIPSloppy(want.value);
  return match !== want.neg;
}

export interface TraceResult {
  matches: string[];
  /** comma-separated DNAT destinations, or ACCEPT / DROP / REJECT, or '' */
  output: string;
  masq: boolean;
}

export function tracePacket(k: KernelTables, sourceIP: string, protocol: string, destIP: string, destPort: string, nodeIPs: string[]): TraceResult {
  const localIPs = new Set(['127.0.0.1', ...nodeIPs]);
  const matches: string[] = [];
  const outputs: string[] = [];
  let markMasq = false;
  const cache = new Map<string, ParsedRule[]>();
  const rulesOf = (table: string, chain: string) => {
    const key = `${table}/${chain}`;
    let rs = cache.get(key);
    if (!rs) cache.set(key, (rs = (k.chain(table, chain) ?? []).map(parseRule)));
    return rs;
  };
  const ruleMatches = (r: ParsedRule, dst: string): boolean => {
    if (r.src && !addressMatches(sourceIP, r.src)) return false;
    if (r.srcType && ((localIPs.has(sourceIP) ? 'LOCAL' : 'not-matched') === r.srcType.value) === r.srcType.neg) return false;
    if (r.proto && (r.proto.value === protocol) === r.proto.neg) return false;
    if (r.dst && !addressMatches(dst, r.dst)) return false;
    if (r.dstType && ((localIPs.has(dst) ? 'LOCAL' : 'not-matched') === r.dstType.value) === r.dstType.neg) return false;
    if (r.dport && (r.dport.value === destPort) === r.dport.neg) return false;
    if (r.historyCheck) return false;
    return true;
  };
  const runChain = (table: string, chain: string, dst: string, depth = 0): boolean => {
    if (depth > 64) throw new Error(`jump loop at ${table}/${chain}`);
    for (const r of rulesOf(table, chain)) {
      if (!r.jump) continue;
      if (!ruleMatches(r, dst)) continue;
      matches.push(r.raw);
      switch (r.jump) {
        case 'KUBE-MARK-MASQ':
          markMasq = true;
          continue;
        case 'ACCEPT':
        case 'REJECT':
        case 'DROP':
          outputs.push(r.jump);
          return true;
        case 'DNAT':
          outputs.push(r.dnat ?? '');
          return true;
        default: {
          const terminated = runChain(table, r.jump, dst, depth + 1);
          if (terminated && r.probability === undefined) return true;
        }
      }
    }
    return false;
  };
  runChain('nat', 'PREROUTING', destIP);
  if (outputs.length > 0) destIP = outputs[0]!.split(':')[0]!;
  for (const c of ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL']) runChain('filter', c, destIP);
  return { matches, output: outputs.join(', '), masq: markMasq };
}

export interface PacketFlowTest {
  name: string;
  sourceIP: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  destIP: string;
  destPort: number;
  output: string;
  masq?: boolean;
}

/** runPacketFlowTests: returns one message per mismatch (empty = all pass). */
export function runPacketFlowTests(k: KernelTables, nodeIPs: string[], tests: PacketFlowTest[]): string[] {
  const errors: string[] = [];
  for (const tc of tests) {
    const proto = (tc.protocol ?? 'TCP').toLowerCase();
    const r = tracePacket(k, tc.sourceIP, proto, tc.destIP, String(tc.destPort), nodeIPs);
    if (r.output !== tc.output) errors.push(`${tc.name}: wrong output: expected ${JSON.stringify(tc.output)} got ${JSON.stringify(r.output)}`);
    if (r.masq !== (tc.masq ?? false)) errors.push(`${tc.name}: wrong masq: expected ${tc.masq ?? false} got ${r.masq}\n  ${r.matches.join('\n  ')}`);
  }
  return errors;
}
