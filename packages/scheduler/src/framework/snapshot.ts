/**
 * The scheduler's view of the cluster: pkg/scheduler/backend/cache (cache.go, node_tree.go,
 * snapshot.go) at v1.33, folded into one object. Nodes are listed in node_tree order — zones
 * round-robin (zone1[0], zone2[0], …, zone1[1], …), a zone being region + zone labels — which is
 * the order filtering walks from `nextStartNodeIndex`. Each NodeInfo keeps the running request
 * sums, so adding or binding a pod is O(1) (as upstream's cache does), and image states
 * (`ImageStateSummary{Size, NumNodes}`) are shared across nodes.
 *
 * Also holds what the default plugins list through informers: Services, ReplicaSets,
 * StatefulSets, ReplicationControllers (PodTopologySpread's system-default spreading) and
 * Namespaces (InterPodAffinity's namespaceSelector). A namespace that is not listed is given its
 * automatic `kubernetes.io/metadata.name` label.
 *
 * Left out: the assumed-pod TTL and the generation-based incremental snapshot (we read the live
 * structure; there is no concurrent binder).
 */
import type { Controller, Namespace, Node, Pod, Service } from '../api/types';
import type { Selector } from '../util/labels';
import { adoptPodResources } from '../util/pod-resources';
import { SelectorCounts } from './selector-counts';
import { newPodInfo, NodeInfo, podKey, type PodInfo } from './types';

export interface ClusterObjects {
  nodes: Node[];
  pods?: Pod[];
  services?: Service[];
  replicaSets?: Controller[];
  statefulSets?: Controller[];
  replicationControllers?: Controller[];
  namespaces?: Namespace[];
}

interface ImageState {
  size: number;
  nodes: Set<string>;
}

/** utilnode.GetZoneKey. */
export function zoneKey(node: Node): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\x00:${zone}`;
}

/** How many SelectorCounts a snapshot keeps (each pod add/remove updates every one). */
export const MAX_SELECTOR_INDEXES = 32;

/** The same object, or objects with the same keys holding the same values (===). */
function sameFields(a: object, b: object): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if ((a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k] || !Object.prototype.hasOwnProperty.call(b, k)) return false;
  return true;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  for (const k of ka) if (a![k] !== b?.[k]) return false;
  return true;
}

export class ClusterSnapshot {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly zones: string[] = [];
  private readonly tree = new Map<string, string[]>();
  private listCache: NodeInfo[] | null = null;
  private readonly images = new Map<string, ImageState>();
  /** pods bound to a node, by namespace/name */
  private readonly podNode = new Map<string, string>();
  /** pods in the objects that are not bound (yet) */
  readonly pendingPods: Pod[] = [];
  services: Service[] = [];
  replicaSets: Controller[] = [];
  statefulSets: Controller[] = [];
  replicationControllers: Controller[] = [];
  namespaces: Namespace[] = [];
  private affinityCount = 0;
  private antiAffinityCount = 0;
  /** SelectorCounts by namespace and selector, most recently used last (at most MAX_SELECTOR_INDEXES). */
  private readonly selectorIndexes = new Map<string, SelectorCounts>();
  /** Bound pods by "namespace\0label key\0value": a new SelectorCounts counts only the pods one of its requirements names. */
  private readonly byLabel = new Map<string, Set<PodInfo>>();

  constructor(objs?: ClusterObjects) {
    if (!objs) return;
    for (const n of objs.nodes) this.addNode(n);
    for (const p of objs.pods ?? []) {
      if (p.spec.nodeName) this.addPod(p);
      else this.pendingPods.push(p);
    }
    this.services = objs.services ?? [];
    this.replicaSets = objs.replicaSets ?? [];
    this.statefulSets = objs.statefulSets ?? [];
    this.replicationControllers = objs.replicationControllers ?? [];
    this.namespaces = objs.namespaces ?? [];
  }

  get numNodes(): number {
    return this.infos.size;
  }

  /** NodeInfos().List(): node_tree order. */
  list(): NodeInfo[] {
    if (this.listCache) return this.listCache;
    const out: NodeInfo[] = [];
    let idx = 0;
    const total = this.infos.size;
    while (out.length < total) {
      for (const z of this.zones) {
        const na = this.tree.get(z)!;
        if (idx < na.length) out.push(this.infos.get(na[idx]!)!);
      }
      idx++;
    }
    this.listCache = out;
    return out;
  }

  get(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  /** HavePodsWithAffinityList. */
  havePodsWithAffinityList(): NodeInfo[] {
    if (this.affinityCount === 0) return [];
    return this.list().filter((n) => n.podsWithAffinity.length > 0);
  }

  /** HavePodsWithRequiredAntiAffinityList. */
  havePodsWithRequiredAntiAffinityList(): NodeInfo[] {
    if (this.antiAffinityCount === 0) return [];
    return this.list().filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
  }

  /** ImageStateSummary for an image name: size as first reported, and on how many nodes. */
  imageState(name: string): { size: number; numNodes: number } | undefined {
    const s = this.images.get(name);
    return s ? { size: s.size, numNodes: s.nodes.size } : undefined;
  }

  imageSize(name: string): number {
    return this.images.get(name)?.size ?? 0;
  }
  imageNumNodes(name: string): number {
    return this.images.get(name)?.nodes.size ?? 0;
  }

  namespaceLabels(ns: string): Record<string, string> {
    const o = this.namespaces.find((n) => n.metadata.name === ns);
    if (o) return { ...(o.metadata.labels ?? {}) };
    return { 'kubernetes.io/metadata.name': ns };
  }

  /** every namespace name known: listed Namespaces plus those of pods */
  namespaceNames(): string[] {
    const s = new Set<string>(this.namespaces.map((n) => n.metadata.name ?? ''));
    for (const n of this.infos.values()) for (const p of n.pods) s.add(p.pod.metadata.namespace ?? 'default');
    for (const p of this.pendingPods) s.add(p.metadata.namespace ?? 'default');
    return [...s].filter(Boolean).sort();
  }

  addNode(node: Node): NodeInfo {
    const name = node.metadata.name ?? '';
    if (this.infos.has(name)) throw new Error(`Node ${JSON.stringify(name)} already exists`);
    const ni = new NodeInfo(node);
    ni.owner = this;
    this.infos.set(name, ni);
    const z = zoneKey(node);
    let na = this.tree.get(z);
    if (!na) {
      this.zones.push(z);
      this.tree.set(z, (na = []));
    }
    na.push(name);
    this.addImages(node);
    this.listCache = null;
    return ni;
  }

  /**
   * Rebuilds the node tree so that nodes are (zone by zone) in the given order, as if they had
   * been added in that order. Names not in the snapshot are ignored; nodes not named keep their
   * relative order after the named ones.
   */
  reorderNodes(names: readonly string[]): void {
    const order: string[] = [];
    const seen = new Set<string>();
    for (const n of names) if (this.infos.has(n) && !seen.has(n)) (seen.add(n), order.push(n));
    for (const z of this.zones) for (const n of this.tree.get(z) ?? []) if (!seen.has(n)) (seen.add(n), order.push(n));
    this.zones.length = 0;
    this.tree.clear();
    for (const name of order) {
      const z = zoneKey(this.infos.get(name)!.node);
      let na = this.tree.get(z);
      if (!na) {
        this.zones.push(z);
        this.tree.set(z, (na = []));
      }
      na.push(name);
    }
    this.listCache = null;
  }

  updateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const ni = this.infos.get(name);
    if (!ni) {
      this.addNode(node);
      return;
    }
    const oldZone = zoneKey(ni.node);
    if (!sameLabels(ni.node.metadata.labels, node.metadata.labels)) for (const idx of this.selectorIndexes.values()) idx.labelsChanged();
    this.removeImages(ni.node);
    ni.setNode(node);
    this.addImages(node);
    const z = zoneKey(node);
    if (z !== oldZone) {
      this.removeFromTree(name, oldZone);
      let na = this.tree.get(z);
      if (!na) {
        this.zones.push(z);
        this.tree.set(z, (na = []));
      }
      na.push(name);
    }
    this.listCache = null;
  }

  removeNode(name: string): void {
    const ni = this.infos.get(name);
    if (!ni) return;
    for (const p of [...ni.pods]) this.removePod(p.key);
    this.removeImages(ni.node);
    this.removeFromTree(name, zoneKey(ni.node));
    this.infos.delete(name);
    ni.owner = undefined;
    this.listCache = null;
  }

  private removeFromTree(name: string, z: string): void {
    const na = this.tree.get(z);
    if (!na) return;
    const i = na.indexOf(name);
    if (i >= 0) na.splice(i, 1);
    if (na.length === 0) {
      this.tree.delete(z);
      this.zones.splice(this.zones.indexOf(z), 1);
    }
  }

  private addImages(node: Node): void {
    const name = node.metadata.name ?? '';
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) {
        const s = this.images.get(n);
        if (!s) this.images.set(n, { size: img.sizeBytes ?? 0, nodes: new Set([name]) });
        else s.nodes.add(name);
      }
    }
  }

  private removeImages(node: Node): void {
    const name = node.metadata.name ?? '';
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) {
        const s = this.images.get(n);
        if (!s) continue;
        s.nodes.delete(name);
        if (s.nodes.size === 0) this.images.delete(n);
      }
    }
  }

  /**
   * Bound pods matching (namespace, selector), per node and per topology value: the numbers
   * PodTopologySpread's PreScore would count by walking every node's pods.
   */
  selectorCounts(selector: Selector, namespace: string): SelectorCounts {
    const key = `${namespace}\u0000${selector.key}`;
    let idx = this.selectorIndexes.get(key);
    if (idx) {
      this.selectorIndexes.delete(key);
      this.selectorIndexes.set(key, idx);
      return idx;
    }
    idx = new SelectorCounts(namespace, selector, (name) => this.infos.get(name)?.node);
    // A pod the selector matches carries the label of each of its equality requirements: with
    // one, only the pods with that label are counted (the same numbers as the walk over every node).
    const eq = selector.nothing ? undefined : selector.requirements.find((r) => (r.operator === 'Equals' || r.operator === 'In') && r.values.length === 1);
    if (eq) {
      for (const pi of this.byLabel.get(`${namespace}\u0000${eq.key}\u0000${eq.values[0]}`) ?? []) if (idx.matches(pi)) idx.change(this.podNode.get(pi.key)!, 1);
    } else idx.addNodes(this.infos.values());
    this.selectorIndexes.set(key, idx);
    if (this.selectorIndexes.size > MAX_SELECTOR_INDEXES) this.selectorIndexes.delete(this.selectorIndexes.keys().next().value!);
    return idx;
  }

  /** Adds a pod bound to spec.nodeName (or to `nodeName`): the cache's AddPod / AssumePod. */
  addPod(pod: Pod, nodeName = pod.spec.nodeName): PodInfo {
    if (!nodeName) throw new Error(`pod ${podKey(pod)} has no spec.nodeName`);
    const ni = this.infos.get(nodeName);
    if (!ni) throw new Error(`pod ${podKey(pod)}: spec.nodeName: Not found: ${JSON.stringify(nodeName)}`);
    const bound = pod.spec.nodeName === nodeName ? pod : { ...pod, spec: { ...pod.spec, nodeName } };
    if (bound !== pod) adoptPodResources(pod, bound);
    const pi = newPodInfo(bound);
    if (this.podNode.has(pi.key)) throw new Error(`pod ${pi.key} is already bound to ${this.podNode.get(pi.key)}`);
    ni.addPod(pi);
    this.podNode.set(pi.key, nodeName);
    this.labelIndex(pi, true);
    for (const idx of this.selectorIndexes.values()) if (idx.matches(pi)) idx.change(nodeName, 1);
    if (ni.podsWithAffinity.at(-1) === pi) this.affinityCount++;
    if (ni.podsWithRequiredAntiAffinity.at(-1) === pi) this.antiAffinityCount++;
    return pi;
  }

  /**
   * A new version of a bound pod that differs from the cached one in nothing its PodInfo or the
   * indexes derive anything from (a spec with the same fields — the same objects —, the same
   * labels object, uid and deletion state; status is read by nobody here): the PodInfo takes the
   * new object in place, instead of a remove and an add that would compute the same. False
   * (nothing changed) otherwise.
   */
  replacePod(pod: Pod, nodeName: string): boolean {
    const key = podKey(pod);
    if (this.podNode.get(key) !== nodeName || pod.spec.nodeName !== nodeName) return false;
    const ni = this.infos.get(nodeName);
    const pi = ni?.pods.find((x) => x.key === key);
    if (!pi) return false;
    const old = pi.pod;
    if (!sameFields(old.spec, pod.spec) || old.metadata.labels !== pod.metadata.labels || old.metadata.uid !== pod.metadata.uid || !!old.metadata.deletionTimestamp !== !!pod.metadata.deletionTimestamp) return false;
    pi.pod = pod;
    return true;
  }

  removePod(key: string): Pod | undefined {
    const node = this.podNode.get(key);
    if (!node) return undefined;
    const ni = this.infos.get(node)!;
    const pi = ni.removePod(key)!;
    this.podNode.delete(key);
    this.labelIndex(pi, false);
    for (const idx of this.selectorIndexes.values()) if (idx.matches(pi)) idx.change(node, -1);
    if (pi.requiredAffinityTerms.length || pi.requiredAntiAffinityTerms.length || pi.preferredAffinityTerms.length || pi.preferredAntiAffinityTerms.length) this.affinityCount--;
    if (pi.requiredAntiAffinityTerms.length) this.antiAffinityCount--;
    return pi.pod;
  }

  private labelIndex(pi: PodInfo, add: boolean): void {
    const labels = pi.pod.metadata.labels;
    if (!labels) return;
    const ns = pi.pod.metadata.namespace ?? 'default';
    for (const k in labels) {
      const lk = `${ns}\u0000${k}\u0000${labels[k]}`;
      let set = this.byLabel.get(lk);
      if (add) {
        if (!set) this.byLabel.set(lk, (set = new Set()));
        set.add(pi);
      } else if (set) {
        set.delete(pi);
        if (set.size === 0) this.byLabel.delete(lk);
      }
    }
  }

  nodeOf(key: string): string | undefined {
    return this.podNode.get(key);
  }

  /** All bound pods, node by node in list order. */
  boundPods(): Pod[] {
    return this.list().flatMap((n) => n.pods.map((p) => p.pod));
  }

  /** The plain objects back (nodes, bound pods then pending ones, and the rest). */
  toObjects(): ClusterObjects {
    return {
      nodes: [...this.infos.values()].map((n) => n.node),
      pods: [...this.boundPods(), ...this.pendingPods],
      services: this.services,
      replicaSets: this.replicaSets,
      statefulSets: this.statefulSets,
      replicationControllers: this.replicationControllers,
      namespaces: this.namespaces,
    };
  }
}
