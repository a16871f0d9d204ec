/**
 * One scheduling cycle, after pkg/scheduler/schedule_one.go at v1.33 (schedulingCycle,
 * schedulePod, findNodesThatFitPod, evaluateNominatedNode, findNodesThatPassFilters,
 * numFeasibleNodesToFind, prioritizeNodes, selectHost) and framework/types.go (FitError).
 *
 * - Nodes are walked from `nextStartNodeIndex` (kept on the Scheduler, advanced by the number
 *   of nodes processed each cycle, modulo all nodes) until `numFeasibleNodesToFind` feasible
 *   nodes are found: all nodes under 100, else `percentageOfNodesToScore` percent (adaptive
 *   `50 − nodes/125`, at least 5%), at least 100. Upstream filters in 16 goroutines and may
 *   overshoot by a few nodes; we walk in order and stop exactly there.
 * - One feasible node is chosen without scoring (as upstream). With more, PreScore, Score,
 *   NormalizeScore and weights run, and selectHost pops nodes off a container/heap by total
 *   score and reservoir-samples among the top scores with `rand.intn` — the same heap
 *   operations as Go's container/heap, so the same random draws pick the same node.
 * - No feasible node: the FitError message, with the PostFilter (preemption dry-run) message
 *   appended as upstream does (`… preemption: 0/3 nodes are available: ….`).
 *
 * Left out: the scheduling queue and backoff (the caller decides what to schedule next),
 * extenders, Reserve/Permit/Bind (the caller binds), OpportunisticBatching (post-v1.33).
 */
import type { Node, Pod } from './api/types';
import { fitErrorMessage } from './framework/fit-error';
import type { NodeToStatus } from './framework/interface';
import { Framework, FrameworkError } from './framework/runtime';
import { loadSchedulerConfig, type KubeSchedulerConfiguration, type ResolvedConfig } from './framework/config';
import { ClusterSnapshot, zoneKey, type ClusterObjects } from './framework/snapshot';
import { CycleState, isRejected, podKey, type NodeInfo, type Status } from './framework/types';
import { DefaultSchedulerName } from './framework/default-plugins';
import { pluginExtensionPoints, registry } from './plugins/registry';
import { snapshotStateKey } from './plugins/image-locality/image-locality';

export const minFeasibleNodesToFind = 100;
export const minFeasibleNodesPercentageToFind = 5;
export const numberOfHighestScoredNodesToReport = 3;

/** The only source of randomness: Go's rand.Intn(n), a uniform integer in [0, n). */
export interface Rand {
  intn(n: number): number;
}

export interface PluginScore {
  raw: number;
  normalized: number;
  weighted: number;
}

export interface ScheduleResult {
  pod: string;
  /** the node chosen, or null when the pod cannot be scheduled (or was not attempted) */
  selected: string | null;
  /** node → the rejecting filter's reasons, joined with ", " */
  filtered: Record<string, string>;
  /** node → the plugin that rejected it */
  filteredBy: Record<string, string>;
  /** node → score plugin → raw / normalized / weighted */
  scores: Record<string, Record<string, PluginScore>>;
  /** node → weighted total */
  totals: Record<string, number>;
  /** the FitError text (or another reason the pod was not scheduled) */
  message?: string;
  /** nodes processed (feasible + rejected), as ScheduleResult.EvaluatedNodes */
  evaluatedNodes: number;
  feasibleNodes: number;
  numAllNodes: number;
  /** where the node walk started (nextStartNodeIndex before this cycle) */
  startIndex: number;
  /** how many feasible nodes the walk was looking for */
  numNodesToFind: number;
  /** PreFilter/PreScore plugins that returned Skip (their Filter/Score did not run) */
  skipped: { filter: string[]; score: string[] };
  /** score plugins in run order with their weights */
  weights: Record<string, number>;
  /** true when only one node was feasible: upstream does not score; the scores shown are for explanation */
  scoringSkipped?: boolean;
  /** selectHost's top nodes (up to 3), best first */
  top?: { node: string; total: number }[];
  /** the PostFilter (preemption dry-run) outcome when unschedulable */
  nominatedNodeName?: string;
  postFilter?: { plugin: string; message: string; victims?: string[] };
  /** the scheduler profile used */
  profile: string;
  /** Unschedulable (FitError), Error, Gated, Skipped, or Scheduled */
  outcome: 'Scheduled' | 'Unschedulable' | 'Error' | 'Gated' | 'Skipped';
}

export interface ScheduleOptions {
  /** build the per-node explanation maps (default true); the selection is the same without */
  explain?: boolean;
}

/** The plain cluster view the lead's kube-scheduler process passes in. */
export type SnapshotInput = ClusterObjects;

/** (sched *Scheduler) numFeasibleNodesToFind, int32 arithmetic with truncating division. */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < minFeasibleNodesPercentageToFind) percentage = minFeasibleNodesPercentageToFind;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  if (numNodes < minFeasibleNodesToFind) return minFeasibleNodesToFind;
  return numNodes;
}

/**
 * selectHost over (names[i], totals[i]): Go's container/heap (Init, Pop) with Less = higher
 * total first, reservoir sampling among the top totals. Returns the chosen index and the top
 * `count` indices (chosen first).
 */
// selectHost's scratch heap (indices) and totals, grown as needed and reused across cycles.
let heapIdx = new Int32Array(1024);
let heapTot = new Float64Array(1024);

/** container/heap's down(h, i0, n) with Less(i, j) = t[h[i]] > t[h[j]]. */
function heapDown(h: Int32Array, t: Float64Array, i0: number, n: number): void {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && t[h[j2]!]! > t[h[j1]!]!) j = j2;
    const hj = h[j]!;
    const hi = h[i]!;
    if (!(t[hj]! > t[hi]!)) break;
    h[i] = hj;
    h[j] = hi;
    i = j;
  }
}

/** heap.Pop: swap(0, n-1), down(0, n-1), take the last. Returns the popped index. */
function heapPop(h: Int32Array, t: Float64Array, len: number): number {
  const n = len - 1;
  const x = h[0]!;
  h[0] = h[n]!;
  h[n] = x;
  heapDown(h, t, 0, n);
  return x;
}

export function selectHost(totals: readonly number[], count: number, rand: Rand): { selected: number; top: number[] } {
  const n0 = totals.length;
  if (n0 === 0) throw new FrameworkError('empty priorityList');
  if (heapIdx.length < n0) {
    heapIdx = new Int32Array(n0 * 2);
    heapTot = new Float64Array(n0 * 2);
  }
  const h = heapIdx;
  const t = heapTot;
  for (let i = 0; i < n0; i++) {
    h[i] = i;
    t[i] = totals[i]!;
  }
  // Upstream pops every node with the top total (the heap yields them first) and draws
  // rand.Intn(2), Intn(3), …, Intn(k) for the 2nd…kth of them; which position wins depends
  // only on those draws. So draw first, then pop only as far as needed: the same draws, the
  // same node, the same top list.
  let best = t[0]!;
  for (let i = 1; i < n0; i++) if (t[i]! > best) best = t[i]!;
  let k = 0;
  for (let i = 0; i < n0; i++) if (t[i] === best) k++;
  let selectedIndex = 0;
  for (let c = 2; c <= k; c++) if (rand.intn(c) === 0) selectedIndex = c - 1;
  const want = Math.max(selectedIndex + 1, Math.min(count, n0));
  for (let i = Math.trunc(n0 / 2) - 1; i >= 0; i--) heapDown(h, t, i, n0); // heap.Init
  let len = n0;
  const sorted: number[] = [];
  while (sorted.length < want) sorted.push(heapPop(h, t, len--));
  if (selectedIndex !== 0) {
    const prev = sorted[0]!;
    sorted[0] = sorted[selectedIndex]!;
    sorted[selectedIndex] = prev;
  }
  return { selected: sorted[0]!, top: sorted.slice(0, count) };
}

function implementsPoint(plugin: string, point: string): boolean | undefined {
  if (!(plugin in registry)) return undefined;
  if (point === 'multiPoint') return true;
  return (pluginExtensionPoints[plugin] ?? []).includes(point);
}

/** Resolves a KubeSchedulerConfiguration (object or YAML) against the v1.33 defaults and this registry. */
export function resolveConfig(config?: KubeSchedulerConfiguration | string | null): ResolvedConfig {
  return loadSchedulerConfig(config, implementsPoint);
}

const reasonOf = (s: Status) => s.reasons.join(', ');

export class Scheduler {
  readonly config: ResolvedConfig;
  readonly profiles = new Map<string, Framework>();
  /** sched.nextStartNodeIndex */
  nextStartNodeIndex = 0;
  /** the cache scheduleOne keeps in step with the plain objects it is handed */
  readonly cache = new ClusterSnapshot();
  private readonly cachedNodes = new Map<string, Node>();
  private readonly cachedPods = new Map<string, Pod>();
  private nodeOrder: string[] = [];

  constructor(config?: KubeSchedulerConfiguration | string | null) {
    this.config = resolveConfig(config);
    this.config.profiles.forEach((p, i) => this.profiles.set(p.schedulerName, new Framework(p, i)));
  }

  /**
   * Brings the internal cache in line with the given nodes and pods (the informers' view):
   * adds, updates (a different object for the same name) and removes nodes and bound pods.
   * Pods without spec.nodeName, terminal pods (Succeeded/Failed, which upstream's informer
   * filters out) and pods bound to unknown nodes are not counted.
   */
  sync(objs: SnapshotInput): ClusterSnapshot {
    const c = this.cache;
    const seenNodes = new Set<string>();
    /** a node changed zone: the snapshot moved it in its node tree, so the tree is put back in the given order */
    let moved = false;
    for (const n of objs.nodes) {
      const name = n.metadata.name ?? '';
      if (seenNodes.has(name)) continue;
      seenNodes.add(name);
      const prev = this.cachedNodes.get(name);
      if (prev === n) continue;
      if (prev) {
        if (zoneKey(prev) !== zoneKey(n)) moved = true;
        c.updateNode(n);
      } else c.addNode(n);
      this.cachedNodes.set(name, n);
    }
    // The node tree follows the order the nodes are handed in, whatever happened before, so the
    // same objects always give the same walk (a replay or a forked timeline sharing this
    // Scheduler sees what a fresh one would).
    const order = [...seenNodes];
    if (moved || order.length !== this.nodeOrder.length || order.some((n, i) => n !== this.nodeOrder[i])) {
      this.nodeOrder = order;
      c.reorderNodes(order);
    }
    for (const name of [...this.cachedNodes.keys()]) {
      if (seenNodes.has(name)) continue;
      c.removeNode(name);
      this.cachedNodes.delete(name);
      for (const [k, p] of this.cachedPods) if (p.spec.nodeName === name) this.cachedPods.delete(k);
    }
    const seenPods = new Set<string>();
    for (const p of objs.pods ?? []) {
      const node = p.spec?.nodeName;
      if (!node || !seenNodes.has(node)) continue;
      const phase = p.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const key = podKey(p);
      if (seenPods.has(key)) continue;
      seenPods.add(key);
      const prev = this.cachedPods.get(key);
      if (prev === p) continue;
      if (prev) c.removePod(key);
      c.addPod(p);
      this.cachedPods.set(key, p);
    }
    for (const key of [...this.cachedPods.keys()]) {
      if (seenPods.has(key)) continue;
      c.removePod(key);
      this.cachedPods.delete(key);
    }
    c.services = objs.services ?? [];
    c.replicaSets = objs.replicaSets ?? [];
    c.statefulSets = objs.statefulSets ?? [];
    c.replicationControllers = objs.replicationControllers ?? [];
    c.namespaces = objs.namespaces ?? [];
    return c;
  }

  /**
   * The informers' event handlers (eventhandlers.go addPodToCache / updatePodInCache /
   * deletePodFromCache): one pod's entry in the cache, as `sync` would leave it had it been handed
   * this object. `nodeName` places a pod the caller has assumed (bound by it, not yet seen bound).
   * Returns false, and leaves the pod out, when its node is unknown to the cache.
   */
  upsertPod(p: Pod, nodeName: string | undefined = p.spec?.nodeName): boolean {
    const key = podKey(p);
    const node = nodeName;
    const prev = this.cachedPods.get(key);
    if (prev === p && this.cache.nodeOf(key) === node) return true;
    const phase = p.status?.phase;
    if (!node || phase === 'Succeeded' || phase === 'Failed') {
      this.deletePod(key);
      return true;
    }
    if (!this.cachedNodes.has(node)) {
      this.deletePod(key);
      return false;
    }
    if (prev && this.cache.replacePod(p, node)) {
      this.cachedPods.set(key, p);
      return true;
    }
    if (prev) this.cache.removePod(key);
    this.cache.addPod(p, node);
    this.cachedPods.set(key, p);
    return true;
  }

  /** Removes a pod (by "namespace/name") from the cache. */
  deletePod(key: string): void {
    if (!this.cachedPods.has(key)) return;
    this.cache.removePod(key);
    this.cachedPods.delete(key);
  }

  /**
   * updateNodeInCache for a node the cache already has. False, changing nothing, for a new node or
   * one whose zone changed: those need a `sync` to put the node tree in the order a fresh cache
   * would have (so a restored checkpoint walks the nodes as the live run did).
   */
  updateNode(n: Node): boolean {
    const name = n.metadata.name ?? '';
    const prev = this.cachedNodes.get(name);
    if (!prev || zoneKey(prev) !== zoneKey(n)) return false;
    if (prev !== n) {
      this.cache.updateNode(n);
      this.cachedNodes.set(name, n);
    }
    return true;
  }

  /** ScheduleOne for plain objects: sync the cache, then one scheduling cycle. Binding is the caller's. */
  scheduleOne(snapshot: SnapshotInput, pod: Pod, rand: Rand, opts: ScheduleOptions = {}): ScheduleResult {
    return this.schedulePod(this.sync(snapshot), pod, rand, opts);
  }

  /** One scheduling cycle against a ClusterSnapshot (which it does not change). */
  schedulePod(snapshot: ClusterSnapshot, pod: Pod, rand: Rand, opts: ScheduleOptions = {}): ScheduleResult {
    const explain = opts.explain ?? true;
    const schedulerName = pod.spec.schedulerName || DefaultSchedulerName;
    const allNodes = snapshot.list();
    const numAllNodes = allNodes.length;
    const r: ScheduleResult = {
      pod: podKey(pod),
      selected: null,
      filtered: {},
      filteredBy: {},
      scores: {},
      totals: {},
      evaluatedNodes: 0,
      feasibleNodes: 0,
      numAllNodes,
      startIndex: this.nextStartNodeIndex,
      numNodesToFind: 0,
      skipped: { filter: [], score: [] },
      weights: {},
      profile: schedulerName,
      outcome: 'Unschedulable',
    };
    const fwk = this.profiles.get(schedulerName);
    if (!fwk) {
      r.outcome = 'Error';
      r.message = `profile not found for scheduler name ${JSON.stringify(schedulerName)}`;
      return r;
    }
    fwk.scorePlugins.forEach((p, i) => (r.weights[p.name] = fwk.scoreWeights[i]!));
    if (pod.metadata.deletionTimestamp) {
      r.outcome = 'Skipped';
      r.message = `skip schedule deleting pod: ${r.pod}`;
      return r;
    }
    const gate = fwk.runPreEnqueuePlugins(pod);
    if (gate) {
      r.outcome = 'Gated';
      r.message = reasonOf(gate);
      return r;
    }
    if (numAllNodes === 0) {
      r.outcome = 'Unschedulable';
      r.message = 'no nodes available to schedule pods';
      return r;
    }
    const state = new CycleState();
    state.write(snapshotStateKey, snapshot);
    try {
      return this.cycle(fwk, snapshot, state, pod, rand, r, explain, allNodes);
    } catch (e) {
      if (!(e instanceof FrameworkError)) throw e;
      r.outcome = 'Error';
      r.selected = null;
      r.message = e.message;
      return r;
    }
  }

  private cycle(fwk: Framework, snapshot: ClusterSnapshot, state: CycleState, pod: Pod, rand: Rand, r: ScheduleResult, explain: boolean, allNodes: NodeInfo[]): ScheduleResult {
    const numAllNodes = allNodes.length;
    const statuses = new Map<string, Status>();
    const diagnosis: NodeToStatus = { statuses, absent: { code: 'UnschedulableAndUnresolvable', reasons: [] } };
    let preFilterMsg = '';
    let feasible: NodeInfo[] = [];
    const pre = fwk.runPreFilterPlugins(state, pod, snapshot);
    r.skipped.filter = [...state.skipFilterPlugins];
    const record = (ni: NodeInfo, s: Status) => {
      statuses.set(ni.name, s);
      if (explain) {
        r.filtered[ni.name] = reasonOf(s);
        if (s.plugin) r.filteredBy[ni.name] = s.plugin;
      }
    };
    let evaluatedNominated = false;
    if (pre.status && isRejected(pre.status)) {
      diagnosis.absent = pre.status;
      preFilterMsg = reasonOf(pre.status);
      if (explain) for (const ni of allNodes) {
        r.filtered[ni.name] = preFilterMsg;
        r.filteredBy[ni.name] = pre.status.plugin ?? '';
      }
    } else {
      const nnn = pod.status?.nominatedNodeName;
      if (nnn) {
        const ni = snapshot.get(nnn);
        if (ni) {
          const s = fwk.runFilterPlugins(state, pod, ni);
          if (s === null) {
            feasible = [ni];
            evaluatedNominated = true;
          } else record(ni, s);
        }
      }
      if (!evaluatedNominated) {
        let nodes = allNodes;
        if (pre.nodeNames !== null) {
          const names = pre.nodeNames;
          nodes = allNodes.filter((n) => names.has(n.name));
          const msg = `node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`;
          diagnosis.absent = { code: 'UnschedulableAndUnresolvable', reasons: [msg] };
          if (explain) for (const ni of allNodes) if (!names.has(ni.name)) {
            r.filtered[ni.name] = msg;
            r.filteredBy[ni.name] = pre.pluginsWithNodes.join(',');
          }
        }
        feasible = this.findNodesThatPassFilters(fwk, state, pod, nodes, record, r);
        const processed = feasible.length + statuses.size;
        this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % numAllNodes;
      }
    }
    r.feasibleNodes = feasible.length;
    r.evaluatedNodes = feasible.length + statuses.size;
    if (pre.status && !isRejected(pre.status) && pre.status.code !== 'Success') throw new FrameworkError(reasonOf(pre.status));
    if (feasible.length === 0) {
      // FitError; then PostFilter (preemption), whose message is appended.
      let postFilterMsg = '';
      if (fwk.postFilterPlugins.length > 0) {
        const pf = fwk.runPostFilterPlugins(state, pod, snapshot, diagnosis);
        postFilterMsg = reasonOf(pf.status);
        if (pf.nominatedNodeName) r.nominatedNodeName = pf.nominatedNodeName;
        const dp = fwk.plugins.get(pf.plugin ?? '') as { lastCandidate?: { node: string; victims: string[] } | null } | undefined;
        r.postFilter = { plugin: pf.plugin ?? '', message: postFilterMsg, ...(dp?.lastCandidate ? { victims: dp.lastCandidate.victims } : {}) };
      }
      r.outcome = 'Unschedulable';
      r.message = fitErrorMessage(numAllNodes, { nodeToStatus: diagnosis, preFilterMsg, postFilterMsg, unschedulablePlugins: new Set() });
      return r;
    }
    r.outcome = 'Scheduled';
    if (feasible.length === 1) {
      r.selected = feasible[0]!.name;
      r.top = [{ node: r.selected, total: 0 }];
      if (explain && fwk.hasScorePlugins()) {
        // Upstream picks the only feasible node without scoring; score it anyway to explain.
        r.scoringSkipped = true;
        this.score(fwk, snapshot, state, pod, feasible, r, true);
        r.top = [{ node: r.selected, total: r.totals[r.selected] ?? 0 }];
      }
      return r;
    }
    const totals = this.score(fwk, snapshot, state, pod, feasible, r, explain);
    const { selected, top } = selectHost(totals, numberOfHighestScoredNodesToReport, rand);
    r.selected = feasible[selected]!.name;
    r.top = top.map((i) => ({ node: feasible[i]!.name, total: totals[i]! }));
    return r;
  }

  /** prioritizeNodes: PreScore, Score, NormalizeScore, weights. Returns totals per feasible node. */
  private score(fwk: Framework, snapshot: ClusterSnapshot, state: CycleState, pod: Pod, nodes: NodeInfo[], r: ScheduleResult, explain: boolean): number[] {
    if (!fwk.hasScorePlugins()) {
      const t = nodes.map(() => 1);
      if (explain) nodes.forEach((n) => (r.totals[n.name] = 1));
      return t;
    }
    fwk.runPreScorePlugins(state, pod, nodes, snapshot);
    const out = fwk.runScorePlugins(state, pod, nodes, explain);
    r.skipped.score = out.skipped;
    if (explain) {
      for (let i = 0; i < nodes.length; i++) {
        const name = nodes[i]!.name;
        const per: Record<string, PluginScore> = {};
        for (let p = 0; p < out.plugins.length; p++) {
          const norm = out.normalized[p]![i]!;
          per[out.plugins[p]!] = { raw: out.raw[p]![i]!, normalized: norm, weighted: norm * out.weights[p]! };
        }
        r.scores[name] = per;
        r.totals[name] = out.totals[i]!;
      }
    }
    return out.totals;
  }

  /** findNodesThatPassFilters: walk from nextStartNodeIndex until enough feasible nodes are found. */
  private findNodesThatPassFilters(fwk: Framework, state: CycleState, pod: Pod, nodes: NodeInfo[], record: (ni: NodeInfo, s: Status) => void, r: ScheduleResult): NodeInfo[] {
    const numAllNodes = nodes.length;
    if (numAllNodes === 0) return [];
    let numNodesToFind = numFeasibleNodesToFind(fwk.percentageOfNodesToScore ?? this.config.percentageOfNodesToScore, numAllNodes);
    if (!fwk.hasScorePlugins()) numNodesToFind = 1;
    r.numNodesToFind = numNodesToFind;
    const feasible: NodeInfo[] = [];
    const start = this.nextStartNodeIndex;
    if (!fwk.hasFilterPlugins()) {
      for (let i = 0; i < numNodesToFind; i++) feasible.push(nodes[(start + i) % numAllNodes]!);
      return feasible;
    }
    const active = fwk.activeFilters(state);
    const start0 = start % numAllNodes; // start runs modulo all nodes; a PreFilterResult may list fewer
    for (let i = 0; i < numAllNodes; i++) {
      let k = start0 + i;
      if (k >= numAllNodes) k -= numAllNodes;
      const ni = nodes[k]!;
      const s = fwk.runActiveFilters(active, state, pod, ni);
      if (s === null) {
        feasible.push(ni);
        if (feasible.length >= numNodesToFind) break;
      } else record(ni, s);
    }
    return feasible;
  }
}

/** createScheduler(config?): a Scheduler for the profiles in a KubeSchedulerConfiguration (object or YAML); none = the v1.33 default profile. */
export function createScheduler(config?: KubeSchedulerConfiguration | string | null): Scheduler {
  return new Scheduler(config);
}
