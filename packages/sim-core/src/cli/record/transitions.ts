/**
 * What `lab record` keeps of each object as it changes: a small, comparable summary per kind
 * (a pod: phase, bound or not, ready or not, terminating or not; a Deployment: desired, updated,
 * ready and available replicas; …), and the list of distinct summaries it went through. Names
 * with random suffixes, uids, resourceVersions and wall-clock times are dropped, so a recording
 * from a real cluster and one from the simulation can be compared object by object.
 */

export type Summary = Record<string, string | number | boolean | null>;

export interface ObjectHistory {
  kind: string;
  /** A stable name: random suffixes replaced by the owner's stable name and an ordinal. */
  key: string;
  states: Summary[];
}

export function summarize(kind: string, o: any): Summary {
  const s = o?.spec ?? {};
  const st = o?.status ?? {};
  switch (kind) {
    case 'Pod': {
      const ready = (st.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
      return { phase: st.phase ?? null, bound: !!s.nodeName, ready, terminating: !!o?.metadata?.deletionTimestamp };
    }
    case 'Deployment':
      return { replicas: s.replicas ?? null, statusReplicas: st.replicas ?? 0, updated: st.updatedReplicas ?? 0, ready: st.readyReplicas ?? 0, available: st.availableReplicas ?? 0 };
    case 'ReplicaSet':
      return { replicas: s.replicas ?? null, statusReplicas: st.replicas ?? 0, ready: st.readyReplicas ?? 0 };
    case 'Node':
      return { unschedulable: !!s.unschedulable, ready: (st.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') };
    default:
      return { exists: true };
  }
}

const sameSummary = (a: Summary, b: Summary) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Stable keys: a ReplicaSet is "<deployment>-rs<n>" by creation order under its Deployment; a pod
 * "<replicaset key>-pod<n>" by creation order under its ReplicaSet; other objects keep their names.
 */
export class Recorder {
  private histories = new Map<string, ObjectHistory>();
  private keys = new Map<string, string>(); // uid → stable key
  private counters = new Map<string, number>();

  private stableKey(kind: string, o: any): string {
    const uid = o?.metadata?.uid ?? `${kind}/${o?.metadata?.namespace}/${o?.metadata?.name}`;
    const known = this.keys.get(uid);
    if (known) return known;
    const owner = (o?.metadata?.ownerReferences ?? []).find((r: any) => r.controller);
    let key: string;
    if (owner && (kind === 'Pod' || kind === 'ReplicaSet')) {
      const ownerKey = this.keys.get(owner.uid) ?? `${owner.kind}:${owner.name}`;
      const base = `${ownerKey}/${kind === 'Pod' ? 'pod' : 'rs'}`;
      const n = (this.counters.get(base) ?? 0) + 1;
      this.counters.set(base, n);
      key = `${base}${n}`;
    } else key = `${kind}:${o?.metadata?.name}`;
    this.keys.set(uid, key);
    return key;
  }

  observe(kind: string, type: string, o: any): void {
    const key = this.stableKey(kind, o);
    let h = this.histories.get(key);
    if (!h) {
      h = { kind, key, states: [] };
      this.histories.set(key, h);
    }
    const sum: Summary = type === 'DELETED' ? { deleted: true } : summarize(kind, o);
    const last = h.states[h.states.length - 1];
    if (!last || !sameSummary(last, sum)) h.states.push(sum);
  }

  result(): ObjectHistory[] {
    return [...this.histories.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

export interface ObjectComparison {
  key: string;
  kind: string;
  match: boolean;
  recorded: Summary[] | null;
  simulated: Summary[] | null;
  /** Index of the first differing transition, or -1. */
  firstDifference: number;
}

export function compareHistories(recorded: ObjectHistory[], simulated: ObjectHistory[]): { objects: ObjectComparison[]; matched: number; differed: number } {
  const keys = [...new Set([...recorded.map((h) => h.key), ...simulated.map((h) => h.key)])].sort();
  const objects = keys.map((key) => {
    const r = recorded.find((h) => h.key === key);
    const s = simulated.find((h) => h.key === key);
    let first = -1;
    const a = r?.states ?? [];
    const b = s?.states ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!a[i] || !b[i] || !sameSummary(a[i]!, b[i]!)) {
        first = i;
        break;
      }
    }
    return { key, kind: (r ?? s)!.kind, match: !!r && !!s && first === -1, recorded: r?.states ?? null, simulated: s?.states ?? null, firstDifference: first };
  });
  const matched = objects.filter((o) => o.match).length;
  return { objects, matched, differed: objects.length - matched };
}
