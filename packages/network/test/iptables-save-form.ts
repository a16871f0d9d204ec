/**
 * Comparing what the real iptables-save prints with the model: the translations iptables-save
 * applies to what was restored (option order, "/32" on host addresses, quoting, REJECT's default
 * --reject-with, MARK's short forms, recent's defaults, the mark without padding, the probability as
 * the kernel stores it: lround(p * 2^31), printed with %.11f), and the per-rule packet counters of
 * `iptables-save -c`.
 */
import { tokenize } from '../src/index';

/** A rule as restored → as iptables-save prints it (before canonicalisation). */
export function saveForm(rule: string): string {
  return rule
    .replace(/--xor-mark (0x[0-9a-f]+)/, '--set-xmark $1/0x0')
    .replace(/--or-mark (0x[0-9a-f]+)/, '--set-xmark $1/$1')
    .replace(/(--name \S+ --(?:rcheck|set))/, '$1 --mask 255.255.255.255 --rsource')
    .replace(/--probability ([0-9.]+)/, (_m, p: string) => `--probability ${(Math.round(Number(p) * 0x80000000) / 0x80000000).toFixed(11)}`);
}

/** A canonical token multiset: iptables-save reorders options, adds /32, drops REJECT's default. */
export function canon(rule: string): string {
  const t = tokenize(rule.replace(' --reject-with icmp-port-unreachable', '')).map((x) => x.replace(/\/32$/, '').replace(/0x0*([0-9a-f]+)/g, '0x$1'));
  return [...t].sort().join(' ');
}

/** table → chain → canonical rules, for the chains `keep` selects (default: kube-proxy's KUBE-*). */
export function savedRules(save: string, table: string, keep: (chain: string) => boolean = (c) => c.startsWith('KUBE-')): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const raw of save.split('\n')) {
    const line = raw.replace(/^\[\d+:\d+\] /, '');
    if (line.startsWith('*')) cur = line.slice(1);
    if (cur === table && line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0]!;
      if (keep(chain) && !out.has(chain)) out.set(chain, []);
    }
    if (cur !== table || !line.startsWith('-A ')) continue;
    const chain = line.split(' ')[1]!;
    if (!keep(chain)) continue;
    (out.get(chain) ?? out.set(chain, []).get(chain)!).push(canon(line.slice(`-A ${chain} `.length)));
  }
  return out;
}

/** The same shape from "-A CHAIN rule" lines the model holds (KernelTables.save() or a payload). */
export function modelRules(save: string, table: string, keep: (chain: string) => boolean = (c) => c.startsWith('KUBE-')): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) cur = line.slice(1);
    if (cur === table && line.startsWith(':')) {
      const chain = line.slice(1).split(' ')[0]!;
      if (keep(chain) && !out.has(chain)) out.set(chain, []);
    }
    if (cur !== table || !line.startsWith('-A ')) continue;
    const chain = line.split(' ')[1]!;
    if (!keep(chain)) continue;
    (out.get(chain) ?? out.set(chain, []).get(chain)!).push(canon(saveForm(line.slice(`-A ${chain} `.length))));
  }
  return out;
}

/** `iptables-save -c`: "table chain #index" → packets, for every rule of the table. */
export function savedCounters(save: string, table: string): Map<string, number> {
  const out = new Map<string, number>();
  const seen = new Map<string, number>();
  let cur = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) cur = line.slice(1);
    const m = /^\[(\d+):\d+\] -A (\S+) /.exec(line);
    if (cur !== table || !m) continue;
    const i = (seen.get(m[2]!) ?? 0) + 1;
    seen.set(m[2]!, i);
    out.set(`${m[2]} #${i}`, Number(m[1]));
  }
  return out;
}
