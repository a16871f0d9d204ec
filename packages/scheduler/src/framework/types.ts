/**
 * The framework's data types, after pkg/scheduler/framework/types.go and interface.go at v1.33:
 * Status codes and reasons, PodInfo (a pod with its parsed affinity terms), NodeInfo (a node with
 * the pods on it and the running sums `Requested` / `NonZeroRequested`, kept incrementally as
 * upstream's cache does), HostPortInfo, CycleState.
 *
 * Left out: generation counters and the PVC ref counts (no storage model yet).
 */
import type { Node, Pod, PodAffinityTerm, Taint, WeightedPodAffinityTerm } from '../api/types';
import { labelSelectorAsSelector, Selector } from '../util/labels';
import { emptyResource, podResources, resourceFromList, type PodResources, type Resource } from '../util/pod-resources';

export const MaxNodeScore = 100;
export const MinNodeScore = 0;
export const MaxTotalScore = Number.MAX_SAFE_INTEGER;

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

/** framework.Status: a code, the reasons, and the plugin that returned it. */
export interface Status {
  code: Code;
  reasons: string[];
  plugin?: string;
}

export function newStatus(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export function isRejected(s: Status | null | undefined): boolean {
  return !!s && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable' || s.code === 'Pending');
}

/** Status.Message(): the reasons joined with ", ". */
export function statusMessage(s: Status | null | undefined): string {
  return s ? s.reasons.join(', ') : '';
}

export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as Status;

/** framework.AffinityTerm: namespaces, selector, topology key, namespace selector. */
export interface AffinityTerm {
  namespaces: Set<string>;
  selector: Selector;
  topologyKey: string;
  namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** AffinityTerm.Matches(pod, nsLabels). */
export function affinityTermMatches(t: AffinityTerm, pod: Pod, nsLabels: Record<string, string> | null): boolean {
  if (t.namespaces.has(pod.metadata.namespace ?? 'default') || t.namespaceSelector.matches(nsLabels)) {
    return t.selector.matches(pod.metadata.labels);
  }
  return false;
}

function newAffinityTerm(pod: Pod, term: PodAffinityTerm, field: string): AffinityTerm {
  const selector = mergeMatchLabelKeys(pod, term, labelSelectorAsSelector(term.labelSelector, `${field}.labelSelector`));
  const namespaces = new Set(term.namespaces ?? []);
  if (namespaces.size === 0 && term.namespaceSelector == null) namespaces.add(pod.metadata.namespace ?? 'default');
  const namespaceSelector = labelSelectorAsSelector(term.namespaceSelector, `${field}.namespaceSelector`);
  return { namespaces, selector, topologyKey: term.topologyKey, namespaceSelector };
}

/**
 * matchLabelKeys / mismatchLabelKeys (MatchLabelKeysInPodAffinity, beta and on in v1.33): the
 * apiserver merges them into labelSelector at pod creation; for pods that arrive without that
 * merge done we apply it here (merging twice is idempotent).
 */
function mergeMatchLabelKeys(pod: Pod, term: PodAffinityTerm, sel: Selector): Selector {
  const labels = pod.metadata.labels ?? {};
  const add: { key: string; operator: 'In' | 'NotIn'; values: string[] }[] = [];
  for (const k of term.matchLabelKeys ?? []) if (k in labels) add.push({ key: k, operator: 'In', values: [labels[k]!] });
  for (const k of term.mismatchLabelKeys ?? []) if (k in labels) add.push({ key: k, operator: 'NotIn', values: [labels[k]!] });
  if (add.length === 0 || sel.nothing) return sel;
  return sel.add(add);
}

function terms(pod: Pod, list: PodAffinityTerm[] | null | undefined, field: string): AffinityTerm[] {
  return (list ?? []).map((t, i) => newAffinityTerm(pod, t, `${field}[${i}]`));
}

function weightedTerms(pod: Pod, list: WeightedPodAffinityTerm[] | null | undefined, field: string): WeightedAffinityTerm[] {
  return (list ?? []).map((t, i) => ({ ...newAffinityTerm(pod, t.podAffinityTerm, `${field}[${i}].podAffinityTerm`), weight: t.weight }));
}

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** framework.PodInfo. */
export interface PodInfo {
  pod: Pod;
  key: string;
  res: PodResources;
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  hostPorts: HostPort[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
}

const EMPTY: never[] = [];

/** framework.NewPodInfo. */
export function newPodInfo(pod: Pod): PodInfo {
  const a = pod.spec.affinity;
  const pa = a?.podAffinity;
  const paa = a?.podAntiAffinity;
  return {
    pod,
    key: podKey(pod),
    res: podResources(pod),
    requiredAffinityTerms: pa ? terms(pod, pa.requiredDuringSchedulingIgnoredDuringExecution, 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution') : EMPTY,
    requiredAntiAffinityTerms: paa ? terms(pod, paa.requiredDuringSchedulingIgnoredDuringExecution, 'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution') : EMPTY,
    preferredAffinityTerms: pa ? weightedTerms(pod, pa.preferredDuringSchedulingIgnoredDuringExecution, 'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution') : EMPTY,
    preferredAntiAffinityTerms: paa ? weightedTerms(pod, paa.preferredDuringSchedulingIgnoredDuringExecution, 'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution') : EMPTY,
    hostPorts: hostPortsOf(pod),
  };
}

/** The pod's container host ports (schedutil.GetHostPorts: containers, then sidecar init containers). */
export function hostPortsOf(pod: Pod): HostPort[] {
  let out: HostPort[] | null = null;
  const visit = (cs: { ports?: { hostPort?: number; hostIP?: string; protocol?: string }[] }[] | undefined, restartableOnly: boolean) => {
    for (const c of cs ?? []) {
      if (restartableOnly && (c as { restartPolicy?: string }).restartPolicy !== 'Always') continue;
      for (const p of c.ports ?? []) {
        if (!p.hostPort || p.hostPort <= 0) continue;
        (out ??= []).push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  };
  visit(pod.spec.containers, false);
  visit(pod.spec.initContainers, true);
  return out ?? EMPTY;
}

/** framework.HostPortInfo: ip → "protocol/port" set; 0.0.0.0 conflicts with every IP. */
export class HostPortInfo {
  readonly byIP = new Map<string, Map<string, number>>();
  add(p: HostPort): void {
    let m = this.byIP.get(p.ip);
    if (!m) this.byIP.set(p.ip, (m = new Map()));
    const k = `${p.protocol}/${p.port}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  remove(p: HostPort): void {
    const m = this.byIP.get(p.ip);
    if (!m) return;
    const k = `${p.protocol}/${p.port}`;
    const n = (m.get(k) ?? 0) - 1;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
    if (m.size === 0) this.byIP.delete(p.ip);
  }
  get size(): number {
    return this.byIP.size;
  }
  /** HostPortInfo.CheckConflict. */
  checkConflict(ip: string, protocol: string, port: number): boolean {
    if (port <= 0) return false;
    const k = `${protocol}/${port}`;
    if (ip === '0.0.0.0') {
      for (const m of this.byIP.values()) if (m.has(k)) return true;
      return false;
    }
    return !!(this.byIP.get(ip)?.has(k) || this.byIP.get('0.0.0.0')?.has(k));
  }
}

/** framework.NodeInfo with upstream's incremental bookkeeping. */
export class NodeInfo {
  node: Node;
  readonly name: string;
  allocatable: Resource;
  readonly requested: Resource = emptyResource();
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  readonly pods: PodInfo[] = [];
  readonly podsWithAffinity: PodInfo[] = [];
  readonly podsWithRequiredAntiAffinity: PodInfo[] = [];
  readonly usedPorts = new HostPortInfo();
  /** image names on this node (node.status.images[].names) */
  imageNames: string[] = [];
  /**
   * node.metadata.labels, spec.unschedulable and spec.taints, kept beside the node: the per-node
   * loops of every scheduling cycle (filters, PreScore, Score) read them without touching the node
   * object (with thousands of nodes, each first touch of a node object is a cache miss).
   */
  labels: Record<string, string> | undefined;
  unschedulable: boolean;
  taints: Taint[] | null | undefined;
  /** The ClusterSnapshot this is the NodeInfo of (set and cleared by it; its indexes count this node's pods). */
  owner: object | undefined;

  constructor(node: Node) {
    this.node = node;
    this.labels = node.metadata.labels;
    this.unschedulable = !!node.spec?.unschedulable;
    this.taints = node.spec?.taints;
    this.name = node.metadata.name ?? '';
    this.allocatable = resourceFromList(node.status?.allocatable, `Node ${this.name}: status.allocatable`);
    this.imageNames = (node.status?.images ?? []).flatMap((i) => i.names ?? []);
  }

  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels;
    this.unschedulable = !!node.spec?.unschedulable;
    this.taints = node.spec?.taints;
    this.allocatable = resourceFromList(node.status?.allocatable, `Node ${this.name}: status.allocatable`);
    this.imageNames = (node.status?.images ?? []).flatMap((i) => i.names ?? []);
  }

  /** NodeInfo.AddPodInfo: Requested += raw requests, NonZeroRequested += with defaults. */
  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.requiredAffinityTerms.length || pi.requiredAntiAffinityTerms.length || pi.preferredAffinityTerms.length || pi.preferredAntiAffinityTerms.length) {
      this.podsWithAffinity.push(pi);
    }
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return undefined;
    const pi = this.pods[i]!;
    this.pods.splice(i, 1);
    const j = this.podsWithAffinity.indexOf(pi);
    if (j >= 0) this.podsWithAffinity.splice(j, 1);
    const k = this.podsWithRequiredAntiAffinity.indexOf(pi);
    if (k >= 0) this.podsWithRequiredAntiAffinity.splice(k, 1);
    this.update(pi, -1);
    return pi;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    const r = pi.res.requests;
    const q = this.requested;
    q.milliCPU += sign * r.milliCPU;
    q.memory += sign * r.memory;
    q.ephemeralStorage += sign * r.ephemeralStorage;
    if (r.scalar.size) for (const [k, v] of r.scalar) q.scalar.set(k, (q.scalar.get(k) ?? 0) + sign * v);
    this.nonZeroMilliCPU += sign * pi.res.nonZeroMilliCPU;
    this.nonZeroMemory += sign * pi.res.nonZeroMemory;
    for (const p of pi.hostPorts) sign > 0 ? this.usedPorts.add(p) : this.usedPorts.remove(p);
  }
}

/** framework.CycleState: per-cycle plugin data. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** plugins whose PreFilter returned Skip (their Filter is not run) */
  readonly skipFilterPlugins = new Set<string>();
  /** plugins whose PreScore returned Skip (their Score is not run) */
  readonly skipScorePlugins = new Set<string>();
  write(key: string, v: unknown): void {
    this.data.set(key, v);
  }
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
}
