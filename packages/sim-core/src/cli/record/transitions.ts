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
 * Stable keys: a ReplicaSet is "<deployment key>/rs<n>" and a pod "<replicaset key>/pod<n>", n by
 * creation order among its owner's objects (creationTimestamp, then the order the watches first
 * showed them: one watch delivers in resourceVersion order); other objects keep their names. Keys
 * are given when the recording ends, so it does not matter which watch showed an owner or its
 * dependents first.
 */
export class Recorder {
  private objects = new Map<string, { kind: string; name: string; created: string; seen: number; owner?: { uid: string; kind: string; name: string }; states: Summary[] }>();
  private seen = 0;

  observe(kind: string, type: string, o: any): void {
    const uid = o?.metadata?.uid ?? `${kind}/${o?.metadata?.namespace}/${o?.metadata?.name}`;
    let h = this.objects.get(uid);
    if (!h) {
      const owner = (o?.metadata?.ownerReferences ?? []).find((r: any) => r.controller);
      h = { kind, name: o?.metadata?.name ?? '', created: o?.metadata?.creationTimestamp ?? '', seen: this.seen++, ...(owner && (kind === 'Pod' || kind === 'ReplicaSet') ? { owner: { uid: owner.uid, kind: owner.kind, name: owner.name } } : {}), states: [] };
      this.objects.set(uid, h);
    }
    const sum: Summary = type === 'DELETED' ? { deleted: true } : summarize(kind, o);
    const last = h.states[h.states.length - 1];
    if (!last || !sameSummary(last, sum)) h.states.push(sum);
  }

  result(): ObjectHistory[] {
    const keys = new Map<string, string>();
    const siblings = new Map<string, string[]>();
    for (const [uid, h] of this.objects) if (h.owner) (siblings.get(h.owner.uid) ?? siblings.set(h.owner.uid, []).get(h.owner.uid)!).push(uid);
    const order = (a: string, b: string) => {
      const x = this.objects.get(a)!;
      const y = this.objects.get(b)!;
      return x.created !== y.created ? (x.created < y.created ? -1 : 1) : x.seen - y.seen;
    };
    for (const list of siblings.values()) list.sort(order);
    const keyOf = (uid: string): string => {
      const known = keys.get(uid);
      if (known) return known;
      const h = this.objects.get(uid)!;
      let key: string;
      if (h.owner) {
        const ownerKey = this.objects.has(h.owner.uid) ? keyOf(h.owner.uid) : `${h.owner.kind}:${h.owner.name}`;
        const same = siblings.get(h.owner.uid)!.filter((u) => this.objects.get(u)!.kind === h.kind);
        key = `${ownerKey}/${h.kind === 'Pod' ? 'pod' : 'rs'}${same.indexOf(uid) + 1}`;
      } else key = `${h.kind}:${h.name}`;
      keys.set(uid, key);
      return key;
    };
    return [...this.objects.entries()].map(([uid, h]) => ({ kind: h.kind, key: keyOf(uid), states: h.states })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

export interface ObjectComparison {
  key: string;
  /** The simulated object paired with it, when that one's key differs (pods are paired by history first, see compareHistories). */
  simulatedKey?: string;
  kind: string;
  match: boolean;
  recorded: Summary[] | null;
  simulated: Summary[] | null;
  /** Index of the first differing transition, or -1. */
  firstDifference: number;
}

const historyText = (h: ObjectHistory) => JSON.stringify(h.states);

/**
 * Pairs recorded and simulated objects and compares their transitions. Objects pair by key,
 * except pods: which of a ReplicaSet's pods a drain evicts depends on where the scheduler put them
 * (random tie-breaks, in a real cluster as here), so a ReplicaSet's pods pair first with a pod of
 * the same ReplicaSet that went through the same transitions, and the rest by creation order.
 */
export function compareHistories(recorded: ObjectHistory[], simulated: ObjectHistory[]): { objects: ObjectComparison[]; matched: number; differed: number } {
  const podGroup = (h: ObjectHistory) => (h.kind === 'Pod' ? h.key.replace(/\/pod\d+$/, '') : undefined);
  const pairs: [ObjectHistory | undefined, ObjectHistory | undefined][] = [];
  const simByKey = new Map(simulated.map((h) => [h.key, h]));
  const usedSim = new Set<ObjectHistory>();
  const groups = new Map<string, { r: ObjectHistory[]; s: ObjectHistory[] }>();
  for (const h of recorded) {
    const g = podGroup(h);
    if (g !== undefined) (groups.get(g) ?? groups.set(g, { r: [], s: [] }).get(g)!).r.push(h);
  }
  for (const h of simulated) {
    const g = podGroup(h);
    if (g !== undefined) (groups.get(g) ?? groups.set(g, { r: [], s: [] }).get(g)!).s.push(h);
  }
  for (const { r, s } of groups.values()) {
    const left = [...s];
    const unpaired: ObjectHistory[] = [];
    for (const h of r) {
      const i = left.findIndex((x) => historyText(x) === historyText(h));
      if (i >= 0) pairs.push([h, left.splice(i, 1)[0]!]);
      else unpaired.push(h);
    }
    for (const h of unpaired) pairs.push([h, left.shift()]);
    for (const x of left) pairs.push([undefined, x]);
    for (const p of pairs) if (p[1]) usedSim.add(p[1]);
  }
  for (const h of recorded) {
    if (podGroup(h) !== undefined) continue;
    const m = simByKey.get(h.key);
    if (m) usedSim.add(m);
    pairs.push([h, m]);
  }
  for (const h of simulated) if (!usedSim.has(h) && podGroup(h) === undefined) pairs.push([undefined, h]);
  const objects = pairs
    .map(([r, s]) => {
      let first = -1;
      const a = r?.states ?? [];
      const b = s?.states ?? [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (!a[i] || !b[i] || !sameSummary(a[i]!, b[i]!)) {
          first = i;
          break;
        }
      }
      const key = (r ?? s)!.key;
      return { key, ...(r && s && s.key !== r.key ? { simulatedKey: s.key } : {}), kind: (r ?? s)!.kind, match: !!r && !!s && first === -1, recorded: r?.states ?? null, simulated: s?.states ?? null, firstDifference: first };
    })
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const matched = objects.filter((o) => o.match).length;
  return { objects, matched, differed: objects.length - matched };
}
