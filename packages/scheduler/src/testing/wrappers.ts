/**
 * Test helpers after pkg/scheduler/testing/wrappers.go (st.MakeNode, st.MakePod) and the
 * noderesources tests' makeNode, with upstream's unit conventions kept as they are:
 * - `makeNode(name, {cpu: "4000", memory: "10000"})` is st.MakeNode().Capacity(...): the strings
 *   are quantities, so cpu "4000" is 4000 CORES and memory "10000" is 10000 bytes (capacity and
 *   allocatable both set).
 * - `makeNodeMilli(name, 4000, 10000)` is noderesources' makeNode(name, milliCPU, memory, ext):
 *   4000 MILLIcores, pods 100.
 * - `makePod().req({...})` adds one container per call with those requests; a pod built with
 *   no containers has no requests at all (the 100m/200Mi defaults are per container).
 */
import type { Affinity, Node, Pod, Taint, Toleration } from '../api/types';
import { ClusterSnapshot } from '../framework/snapshot';
import { CycleState, type NodeInfo } from '../framework/types';
import type { AnyPlugin } from '../framework/interface';
import { snapshotStateKey } from '../plugins/image-locality/image-locality';

export function makeNode(name: string, capacity?: Record<string, string>, opts: { labels?: Record<string, string>; taints?: Taint[]; images?: { names: string[]; sizeBytes: number }[]; unschedulable?: boolean } = {}): Node {
  return {
    kind: 'Node',
    metadata: { name, labels: opts.labels },
    spec: { taints: opts.taints, unschedulable: opts.unschedulable },
    status: { capacity: capacity ? { ...capacity } : undefined, allocatable: capacity ? { ...capacity } : undefined, images: opts.images },
  };
}

export function makeNodeMilli(name: string, milliCPU: number, memory: number, extended: Record<string, number> = {}, opts: { labels?: Record<string, string>; pods?: number } = {}): Node {
  const rl: Record<string, string> = {};
  for (const [k, v] of Object.entries(extended)) rl[k] = String(v);
  rl['pods'] = String(opts.pods ?? 100);
  rl['cpu'] = `${milliCPU}m`;
  rl['memory'] = String(memory);
  return { kind: 'Node', metadata: { name, labels: opts.labels }, spec: {}, status: { capacity: { ...rl }, allocatable: { ...rl } } };
}

let podSeq = 0;

export class PodWrapper {
  readonly pod: Pod;
  constructor(name?: string) {
    this.pod = { kind: 'Pod', metadata: { name: name ?? `pod-${podSeq++}`, namespace: 'default' }, spec: { containers: [] } };
  }
  name(n: string): this {
    this.pod.metadata.name = n;
    return this;
  }
  namespace(n: string): this {
    this.pod.metadata.namespace = n;
    return this;
  }
  node(n: string): this {
    this.pod.spec.nodeName = n;
    return this;
  }
  labels(l: Record<string, string>): this {
    this.pod.metadata.labels = { ...(this.pod.metadata.labels ?? {}), ...l };
    return this;
  }
  req(requests: Record<string, string>): this {
    const cs = this.pod.spec.containers!;
    cs.push({ name: `con${cs.length}`, image: 'pause', resources: { requests: { ...requests } } });
    return this;
  }
  container(image: string): this {
    this.pod.spec.containers!.push({ name: image, image });
    return this;
  }
  initContainer(image: string): this {
    (this.pod.spec.initContainers ??= []).push({ name: image, image });
    return this;
  }
  tolerations(t: Toleration[]): this {
    this.pod.spec.tolerations = t;
    return this;
  }
  affinity(a: Affinity): this {
    this.pod.spec.affinity = a;
    return this;
  }
  nodeSelector(s: Record<string, string>): this {
    this.pod.spec.nodeSelector = s;
    return this;
  }
  priority(p: number): this {
    this.pod.spec.priority = p;
    return this;
  }
  obj(): Pod {
    return this.pod;
  }
}

export const makePod = (name?: string) => new PodWrapper(name);

/** Runs one plugin's PreScore (if any), Score per node (in the given order) and NormalizeScore (if asked). */
export function runScore(plugin: AnyPlugin, pod: Pod, nodes: Node[], existingPods: Pod[] = [], normalize = false): { scores: number[]; preScore: string | null } {
  const snap = new ClusterSnapshot({ nodes, pods: existingPods });
  const state = new CycleState();
  state.write(snapshotStateKey, snap);
  const infos: NodeInfo[] = nodes.map((n) => snap.get(n.metadata.name!)!);
  let pre: string | null = null;
  if (plugin.preScore) {
    const s = plugin.preScore(state, pod, infos, snap);
    pre = s ? s.code : null;
    if (pre === 'Skip') return { scores: [], preScore: pre };
  }
  const scores = infos.map((ni) => plugin.score!(state, pod, ni));
  if (normalize && plugin.normalizeScore) plugin.normalizeScore(state, pod, infos, scores);
  return { scores, preScore: pre };
}

/** Runs PreFilter (if any) and Filter on one node; returns the status (null = fits). */
export function runFilter(plugin: AnyPlugin, pod: Pod, node: Node, existingPods: Pod[] = [], allNodes: Node[] = [node]) {
  const snap = new ClusterSnapshot({ nodes: allNodes, pods: existingPods });
  const state = new CycleState();
  if (plugin.preFilter) {
    const { status } = plugin.preFilter(state, pod, snap);
    if (status && status.code === 'Skip') return null;
    if (status && status.code !== 'Success') return status;
  }
  return plugin.filter!(state, pod, snap.get(node.metadata.name!)!);
}
