/**
 * Models: upstream's test helper that puts an iptables-restore payload into a canonical order, so
 * that payloads built by iterating a Go map (random order) can be compared.
 * Follows: kubernetes pkg/proxy/iptables/proxier_test.go (sortIPTablesRules) and
 * pkg/util/iptables/testing/parse.go (ParseIPTablesDump, IPTablesDump.String).
 * Leaves out: nothing it needs; lines other than *table, :chain, -A, -X, COMMIT are dropped.
 */

interface Table {
  name: string;
  chains: string[];
  rules: { chain: string; line: string; comment: string | null }[];
  deleted: string[];
}

/** The --comment value of a rule, unquoted. */
export function ruleComment(line: string): string | null {
  const m = /--comment (?:"([^"]*)"|(\S+))/.exec(line);
  if (!m) return null;
  return m[1] ?? m[2] ?? null;
}

export function parseDump(text: string): Table[] {
  const tables: Table[] = [];
  let cur: Table | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      cur = { name: line.slice(1), chains: [], rules: [], deleted: [] };
      tables.push(cur);
    } else if (!cur) {
      continue;
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0]!;
      if (!cur.chains.includes(name)) cur.chains.push(name);
    } else if (line.startsWith('-A ')) {
      cur.rules.push({ chain: line.split(' ')[1]!, line, comment: ruleComment(line) });
    } else if (line.startsWith('-X ')) {
      cur.deleted.push(line.split(' ')[1]!);
    } else if (line === 'COMMIT') {
      cur = null;
    }
  }
  return tables;
}

function chainRank(c: string): [number, string] {
  if (c === 'KUBE-NODEPORTS') return [0, c];
  if (c === 'KUBE-SERVICES') return [1, c];
  if (c.startsWith('KUBE-')) return [2, c];
  return [3, c];
}

function cmpChain(a: string, b: string): number {
  const [ra, na] = chainRank(a);
  const [rb, nb] = chainRank(b);
  if (ra !== rb) return ra - rb;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** The service name a KUBE-SERVICES / KUBE-NODEPORTS rule is about: its comment up to the first space or colon. */
function serviceOf(comment: string | null): string {
  if (comment === null) return '';
  const m = /^[^ :]*/.exec(comment);
  return m ? m[0] : '';
}

export function sortIPTablesRules(text: string): string {
  const tables = parseDump(text).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const t of tables) {
    out.push(`*${t.name}`);
    const chains = [...t.chains].sort(cmpChain);
    for (const c of chains) out.push(`:${c} - [0:0]`);
    const ordered = [...new Set([...chains, ...t.rules.map((r) => r.chain)])].sort(cmpChain);
    for (const c of ordered) {
      let rules = t.rules.filter((r) => r.chain === c);
      if (c === 'KUBE-NODEPORTS' || c === 'KUBE-SERVICES') {
        const last = rules.filter((r) => t.name === 'nat' && c === 'KUBE-SERVICES' && (r.comment ?? '').includes('must be the last rule'));
        const rest = rules.filter((r) => !last.includes(r));
        // Array.prototype.sort is stable, as Go's sort.SliceStable.
        rest.sort((a, b) => {
          const sa = serviceOf(a.comment);
          const sb = serviceOf(b.comment);
          return sa < sb ? -1 : sa > sb ? 1 : 0;
        });
        rules = [...rest, ...last];
      }
      for (const r of rules) out.push(r.line);
    }
    for (const d of t.deleted) out.push(`-X ${d}`);
    out.push('COMMIT');
  }
  return out.join('\n') + '\n';
}
