/**
 * PodTopologySpread, after pkg/scheduler/framework/plugins/podtopologyspread/{plugin,filtering,
 * scoring}.go at v1.33.
 * - PreFilter/Filter (DoNotSchedule constraints, or the defaults): per constraint, matching pods
 *   per topology value over nodes that carry every constraint's key and pass the inclusion
 *   policies; a node without the key is UnschedulableAndUnresolvable (`node(s) didn't match pod
 *   topology spread constraints (missing required label)`); a node where
 *   `matchNum + selfMatch - globalMin > maxSkew` is Unschedulable (`node(s) didn't match pod
 *   topology spread constraints`); globalMin is 0 when fewer than minDomains domains exist.
 * - PreScore (ScheduleAnyway constraints, or the system defaults): Skip without constraints;
 *   Score `round(Σ cnt × log(size + 2) + (maxSkew − 1))`; NormalizeScore
 *   `100 × (max + min − s) / max` (100 for all when max is 0), ignored nodes 0.
 *
 * Args (PodTopologySpreadArgs): defaultConstraints, defaultingType (System | List).
 * Left out: AddPod/RemovePod for nominated pods (no preemption nominations yet).
 */
import type { Pod, TopologySpreadConstraint } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import type { ClusterSnapshot } from '../../framework/snapshot';
import { MaxNodeScore, newStatus, SKIP, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { goRound, quo } from '../../util/int64';
import { getRequiredNodeAffinity } from '../../util/node-affinity';
import {
  buildDefaultConstraints,
  countPodsMatchSelector,
  filterTopologySpreadConstraints,
  LabelHostname,
  matchNodeInclusionPolicies,
  nodeLabelsMatchSpreadConstraints,
  systemDefaultConstraints,
  type Constraint,
  type PodTopologySpreadArgs,
} from './common';

export const Name = 'PodTopologySpread';
export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + ' (missing required label)';

const preFilterStateKey = 'PreFilter' + Name;
const preScoreStateKey = 'PreScore' + Name;

interface PreFilterState {
  constraints: Constraint[];
  minMatch: number[];
  tpValueToMatchNum: Map<string, number>[];
}

interface PreScoreState {
  constraints: Constraint[];
  ignoredNodes: Set<string>;
  topologyValueToPodCounts: Map<string, number>[];
  topologyNormalizingWeight: number[];
  /** The snapshot whose SelectorCounts give the per-node counts for the hostname constraint. */
  snapshot?: ClusterSnapshot;
  /** Those counts by constraint (looked up once here, not once per scored node). */
  perNode?: (Map<string, number> | undefined)[];
}

const MaxInt32 = 2147483647;

export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

export function scoreForCount(cnt: number, maxSkew: number, tpWeight: number): number {
  return cnt * tpWeight + (maxSkew - 1);
}

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Name;
  private readonly defaultConstraints: TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;

  constructor(args: PodTopologySpreadArgs = {}) {
    const type = args.defaultingType ?? 'System';
    this.systemDefaulted = type === 'System';
    this.defaultConstraints = type === 'System' ? systemDefaultConstraints : (args.defaultConstraints ?? []);
  }

  private constraintsFor(pod: Pod, action: string, snapshot: ClusterSnapshot): Constraint[] {
    const own = pod.spec.topologySpreadConstraints ?? [];
    if (own.length > 0) return filterTopologySpreadConstraints(own, pod.metadata.labels, action);
    return buildDefaultConstraints(this.defaultConstraints, pod, action, snapshot);
  }

  preFilter(state: CycleState, pod: Pod, snapshot: ClusterSnapshot): { result: PreFilterResult | null; status: Status | null } {
    // The system defaults are all ScheduleAnyway: without constraints of its own, nothing to filter.
    if (this.systemDefaulted && (pod.spec.topologySpreadConstraints ?? []).length === 0) return { result: null, status: SKIP };
    const constraints = this.constraintsFor(pod, 'DoNotSchedule', snapshot);
    if (constraints.length === 0) {
      // An empty state tolerates every pod; upstream returns Skip here (v1.28+).
      return { result: null, status: SKIP };
    }
    const s: PreFilterState = { constraints, minMatch: constraints.map(() => MaxInt32), tpValueToMatchNum: constraints.map(() => new Map()) };
    const require = getRequiredNodeAffinity(pod);
    const ns = pod.metadata.namespace ?? 'default';
    const perNode = constraints.map((c) => snapshot.selectorCounts(c.selector, ns).perNode);
    for (const ni of snapshot.list()) {
      const node = ni.node;
      if (!nodeLabelsMatchSpreadConstraints(node.metadata.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, node, require)) return;
        const value = node.metadata.labels![c.topologyKey]!;
        const count = perNode[i]!.get(ni.name) ?? 0;
        const m = s.tpValueToMatchNum[i]!;
        m.set(value, (m.get(value) ?? 0) + count);
      });
    }
    s.tpValueToMatchNum.forEach((m, i) => {
      for (const v of m.values()) if (v < s.minMatch[i]!) s.minMatch[i] = v;
    });
    state.write(preFilterStateKey, s);
    return { result: null, status: null };
  }

  filter(state: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(preFilterStateKey);
    if (!s || s.constraints.length === 0) return null;
    const labels = ni.node.metadata.labels;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      if (!labels || !Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return newStatus('UnschedulableAndUnresolvable', ErrReasonNodeLabelNotMatch);
      const tpVal = labels[c.topologyKey]!;
      let minMatchNum = s.minMatch[i]!;
      if (s.tpValueToMatchNum[i]!.size < c.minDomains) minMatchNum = 0;
      const selfMatchNum = c.selector.matches(pod.metadata.labels) ? 1 : 0;
      const matchNum = s.tpValueToMatchNum[i]!.get(tpVal) ?? 0;
      const skew = matchNum + selfMatchNum - minMatchNum;
      if (skew > c.maxSkew) return newStatus('Unschedulable', ErrReasonConstraintsNotMatch);
    }
    return null;
  }

  preScore(state: CycleState, pod: Pod, filteredNodes: NodeInfo[], snapshot: ClusterSnapshot): Status | null {
    // Shortcut with the same outcome: system defaults need a DefaultSelector, which is empty
    // without Services and without a controlling RC/ReplicaSet/StatefulSet.
    if (
      filteredNodes.length > 0 &&
      this.systemDefaulted &&
      (pod.spec.topologySpreadConstraints ?? []).length === 0 &&
      snapshot.services.length === 0 &&
      !(pod.metadata.ownerReferences ?? []).some((o) => o.controller)
    ) {
      return SKIP;
    }
    const allNodes = snapshot.list();
    if (filteredNodes.length === 0 || allNodes.length === 0) return null;
    const own = pod.spec.topologySpreadConstraints ?? [];
    const requireAllTopologies = own.length > 0 || !this.systemDefaulted;
    const constraints = this.constraintsFor(pod, 'ScheduleAnyway', snapshot);
    if (constraints.length === 0) return SKIP;
    const s: PreScoreState = {
      constraints,
      ignoredNodes: new Set(),
      topologyValueToPodCounts: constraints.map(() => new Map()),
      topologyNormalizingWeight: [],
    };
    const topoSize = constraints.map(() => 0);
    for (const ni of filteredNodes) {
      // (plain loops, and the labels NodeInfo keeps: this runs for every filtered node of every pod)
      const labels = ni.labels;
      if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(labels, constraints)) {
        s.ignoredNodes.add(ni.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (c.topologyKey === LabelHostname) continue;
        const value = labels?.[c.topologyKey] ?? '';
        const m = s.topologyValueToPodCounts[i]!;
        if (!m.has(value)) {
          m.set(value, 0);
          topoSize[i]!++;
        }
      }
    }
    s.topologyNormalizingWeight = constraints.map((c, i) => topologyNormalizingWeight(c.topologyKey === LabelHostname ? filteredNodes.length - s.ignoredNodes.size : topoSize[i]!));
    const require = getRequiredNodeAffinity(pod);
    const ns = pod.metadata.namespace ?? 'default';
    // Every node counts for every constraint (no key required, no inclusion policy that can
    // exclude a node): the sums per topology value come from the snapshot's index, the same
    // numbers as the walk below.
    if (!requireAllTopologies && constraints.every((c) => c.nodeTaintsPolicy !== 'Honor' && (c.nodeAffinityPolicy !== 'Honor' || require.isEmpty))) {
      constraints.forEach((c, i) => {
        const m = s.topologyValueToPodCounts[i]!;
        if (m.size === 0) return;
        const counts = snapshot.selectorCounts(c.selector, ns).topologyCounts(c.topologyKey);
        for (const value of m.keys()) m.set(value, counts.get(value) ?? 0);
      });
      s.snapshot = snapshot;
      s.perNode = constraints.map((c) => (c.topologyKey === LabelHostname ? snapshot.selectorCounts(c.selector, ns).perNode : undefined));
      state.write(preScoreStateKey, s);
      return null;
    }
    const perNode = constraints.map((c) => snapshot.selectorCounts(c.selector, ns).perNode);
    for (const ni of allNodes) {
      const node = ni.node;
      if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(node.metadata.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, node, require)) return;
        const value = node.metadata.labels?.[c.topologyKey] ?? '';
        const m = s.topologyValueToPodCounts[i]!;
        if (!m.has(value)) return;
        m.set(value, m.get(value)! + (perNode[i]!.get(ni.name) ?? 0));
      });
    }
    state.write(preScoreStateKey, s);
    return null;
  }

  score(state: CycleState, pod: Pod, ni: NodeInfo): number {
    const s = state.read<PreScoreState>(preScoreStateKey)!;
    if (s.ignoredNodes.has(ni.name)) return 0;
    const labels = ni.labels;
    if (!labels) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      if (!Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) continue;
      const ns = pod.metadata.namespace ?? 'default';
      const cnt = c.topologyKey !== LabelHostname ? s.topologyValueToPodCounts[i]!.get(labels[c.topologyKey]!)! : s.snapshot !== undefined && ni.owner === s.snapshot ? (s.perNode![i]!.get(ni.name) ?? 0) : countPodsMatchSelector(ni.pods, c.selector, ns);
      score += scoreForCount(cnt, c.maxSkew, s.topologyNormalizingWeight[i]!);
    }
    return goRound(score);
  }

  normalizeScore(state: CycleState, _pod: Pod, nodes: NodeInfo[], scores: number[]): void {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s) return;
    let minScore = Number.MAX_SAFE_INTEGER;
    let maxScore = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i]!.name)) continue;
      if (scores[i]! < minScore) minScore = scores[i]!;
      if (scores[i]! > maxScore) maxScore = scores[i]!;
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignoredNodes.has(nodes[i]!.name)) {
        scores[i] = 0;
        continue;
      }
      if (maxScore === 0) {
        scores[i] = MaxNodeScore;
        continue;
      }
      scores[i] = quo(MaxNodeScore * (maxScore + minScore - scores[i]!), maxScore);
    }
  }
}
