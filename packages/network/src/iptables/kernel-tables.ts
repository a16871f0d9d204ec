/**
 * Models: the iptables tables the kernel holds across kube-proxy's syncs — what
 * `iptables-restore --noflush` does with each payload: a `:CHAIN` line creates the chain or
 * flushes it, `-A` appends (the chain and a user-chain jump target must exist), `-X` deletes a chain
 * (it must exist, be empty and be referenced by no rule), `COMMIT` commits the table; an error aborts
 * the restore and leaves that table as it was (tables already committed stay committed).
 * Follows: iptables libiptc (iptc_create_chain / iptc_flush_entries / iptc_delete_chain: EBUSY
 * "Too many links" for a referenced chain, ENOTEMPTY), iptables-restore.c (per-table commit),
 * kubernetes pkg/util/iptables/testing/fake.go (the fake kube-proxy's unit tests restore into).
 * Leaves out: counters, table policies, tables other than filter and nat, rule validation beyond
 * jump targets (the real restore checks every match; test/iptables-restore.test.ts does that).
 */
import { tokenize } from './netfilter-walk';

const BUILTIN: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};
const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'DNAT', 'SNAT', 'MASQUERADE', 'MARK', 'LOG', 'CONNMARK', 'NOTRACK', 'CT']);

export class RestoreError extends Error {
  constructor(readonly line: number, message: string) {
    super(`iptables-restore: line ${line} failed: ${message}`);
  }
}

/** table → chain → rule lines ("-A CHAIN …"), in order. */
type Tables = Map<string, Map<string, string[]>>;

function jumpTarget(line: string): string | null {
  const m = / -[jg] (\S+)/.exec(line);
  return m ? m[1]! : null;
}

export class KernelTables {
  tables: Tables = new Map();

  constructor() {
    for (const [t, chains] of Object.entries(BUILTIN)) this.tables.set(t, new Map(chains.map((c) => [c, []])));
  }

  chain(table: string, chain: string): string[] | undefined {
    return this.tables.get(table)?.get(chain);
  }

  chainExists(table: string, chain: string): boolean {
    return this.chain(table, chain) !== undefined;
  }

  /** iptables -A / EnsureRule (append): creates nothing, the chain and target must exist. */
  appendRule(table: string, chain: string, rule: string): void {
    const t = this.tables.get(table);
    const rules = t?.get(chain);
    if (!t || !rules) throw new RestoreError(0, `No chain/target/match by that name (${table} ${chain})`);
    const line = `-A ${chain} ${rule}`;
    const target = jumpTarget(line);
    if (target && !STANDARD_TARGETS.has(target) && !t.has(target)) throw new RestoreError(0, `Couldn't load target \`${target}'`);
    if (!rules.includes(line)) rules.push(line);
  }

  /** kube-proxy's EnsureChain + EnsureRule for the jumps from built-in chains (prepended, as kube-proxy does). */
  ensureJumps(jumps: { table: string; chain: string; rule: string }[]): void {
    for (const j of jumps) {
      const t = this.tables.get(j.table)!;
      const dst = jumpTarget(` ${j.rule}`);
      if (dst && !STANDARD_TARGETS.has(dst) && !t.has(dst)) t.set(dst, []);
      const rules = t.get(j.chain)!;
      const line = `-A ${j.chain} ${j.rule}`;
      if (!rules.includes(line)) rules.unshift(line);
    }
  }

  /** iptables-restore --noflush. Throws RestoreError; the failing table is left unchanged. */
  restore(text: string): void {
    const lines = text.split('\n');
    let work: Map<string, string[]> | null = null;
    let tableName = '';
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      const n = i + 1;
      if (!line || line.startsWith('#')) continue;
      if (line.startsWith('*')) {
        tableName = line.slice(1);
        const cur = this.tables.get(tableName);
        if (!cur) throw new RestoreError(n, `table '${tableName}' does not exist`);
        work = new Map([...cur].map(([c, r]) => [c, [...r]]));
        continue;
      }
      if (!work) throw new RestoreError(n, 'no table specified');
      if (line === 'COMMIT') {
        this.tables.set(tableName, work);
        work = null;
        continue;
      }
      if (line.startsWith(':')) {
        const name = line.slice(1).split(' ')[0]!;
        work.set(name, []);
        continue;
      }
      const args = tokenize(line);
      if (args[0] === '-A') {
        const chain = args[1]!;
        const rules = work.get(chain);
        if (!rules) throw new RestoreError(n, `Chain '${chain}' does not exist`);
        const target = jumpTarget(line);
        if (target && !STANDARD_TARGETS.has(target) && !work.has(target)) throw new RestoreError(n, `Couldn't load target \`${target}':No such file or directory`);
        rules.push(line);
      } else if (args[0] === '-X') {
        const chain = args[1]!;
        const rules = work.get(chain);
        if (!rules) throw new RestoreError(n, `Chain '${chain}' does not exist`);
        if (rules.length > 0) throw new RestoreError(n, `Directory not empty (${chain})`);
        for (const [c, rs] of work) {
          if (rs.some((r) => jumpTarget(r) === chain)) throw new RestoreError(n, `Too many links (${chain} is referenced by ${c})`);
        }
        work.delete(chain);
      } else {
        throw new RestoreError(n, `unknown command ${args[0]}`);
      }
    }
    if (work) throw new RestoreError(lines.length, 'COMMIT expected at line ' + lines.length);
  }

  /** iptables-save's shape (without counters or policies): *table, :chains, rules, COMMIT. */
  save(): string {
    const out: string[] = [];
    for (const [t, chains] of this.tables) {
      out.push(`*${t}`);
      for (const c of chains.keys()) out.push(`:${c} - [0:0]`);
      for (const rules of chains.values()) out.push(...rules);
      out.push('COMMIT');
    }
    return out.join('\n') + '\n';
  }
}
