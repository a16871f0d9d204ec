/**
 * InterPodAffinity, after pkg/scheduler/framework/plugins/interpodaffinity/{plugin,filtering,
 * scoring}.go at v1.33.
 * - PreFilter: counts per topology pair of (a) existing pods' required anti-affinity terms the
 *   incoming pod matches, (b) existing pods matching ALL the incoming pod's required affinity
 *   terms, (c) existing pods matching each of its required anti-affinity terms. Skip when none
 *   of these can matter. namespaceSelector terms of the incoming pod are resolved into namespace
 *   names through the Namespace list.
 * - Filter, in upstream order: affinity (UnschedulableAndUnresolvable, `node(s) didn't match pod
 *   affinity rules`; the first pod of a self-affine group passes when nothing matches yet),
 *   anti-affinity (Unschedulable, `node(s) didn't match pod anti-affinity rules`), existing pods'
 *   anti-affinity (Unschedulable, `node(s) didn't satisfy existing pods anti-affinity rules`).
 * - PreScore/Score: Σ over topology pairs of the incoming pod's preferred (anti-)affinity terms
 *   matching existing pods (±weight), existing pods' required affinity terms matching the
 *   incoming pod (× hardPodAffinityWeight) and their preferred (anti-)affinity terms (±weight);
 *   Skip when nothing matched. NormalizeScore min-max: `int64(100 × (s − min) / (max − min))`
 *   in float64.
 *
 * Args (InterPodAffinityArgs): hardPodAffinityWeight (default 1), ignorePreferredTermsOfExistingPods.
 */
import type { Node, Pod } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import type { ClusterSnapshot } from '../../framework/snapshot';
import { affinityTermMatches, MaxNodeScore, newPodInfo, newStatus, SKIP, type AffinityTerm, type CycleState, type NodeInfo, type PodInfo, type Status, type WeightedAffinityTerm } from '../../framework/types';
import { int64FromFloat } from '../../util/int64';
import { Selector } from '../../util/labels';

export const Name = 'InterPodAffinity';
export const ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

const preFilterStateKey = 'PreFilter' + Name;
const preScoreStateKey = 'PreScore' + Name;

export interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** topologyToMatchedTermCount, keyed "key\x00value". */
type Counts = Map<string, number>;
const pairKey = (k: string, v: string) => `${k}\x00${v}`;

function update(m: Counts, node: Node, tk: string, value: number): void {
  const labels = node.metadata.labels;
  if (!labels || !Object.prototype.hasOwnProperty.call(labels, tk)) return;
  const k = pairKey(tk, labels[tk]!);
  const n = (m.get(k) ?? 0) + value;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!affinityTermMatches(t, pod, null)) return false;
  return true;
}

interface PreFilterState {
  podInfo: PodInfo;
  existingAntiAffinityCounts: Counts;
  affinityCounts: Counts;
  antiAffinityCounts: Counts;
}

interface PreScoreState {
  topologyScore: Map<string, Map<string, number>>;
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Name;
  readonly hardPodAffinityWeight: number;
  readonly ignorePreferredTermsOfExistingPods: boolean;

  constructor(args: InterPodAffinityArgs = {}) {
    this.hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
    this.ignorePreferredTermsOfExistingPods = args.ignorePreferredTermsOfExistingPods ?? false;
  }

  /** mergeAffinityTermNamespacesIfNotEmpty. */
  private mergeNamespaces<T extends AffinityTerm>(t: T, snapshot: ClusterSnapshot): T {
    if (t.namespaceSelector.empty()) return t;
    const namespaces = new Set(t.namespaces);
    for (const ns of snapshot.namespaceNames()) if (t.namespaceSelector.matches(snapshot.namespaceLabels(ns))) namespaces.add(ns);
    return { ...t, namespaces, namespaceSelector: Selector.nothing() };
  }

  preFilter(state: CycleState, pod: Pod, snapshot: ClusterSnapshot): { result: PreFilterResult | null; status: Status | null } {
    // Shortcut with the same outcome: no required (anti-)affinity of its own and no existing pod
    // with required anti-affinity means nothing to count, so Skip.
    const a = pod.spec.affinity;
    if (!(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length || a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) && snapshot.havePodsWithRequiredAntiAffinityList().length === 0) {
      return { result: null, status: SKIP };
    }
    const pi0 = newPodInfo(pod);
    const podInfo: PodInfo = {
      ...pi0,
      requiredAffinityTerms: pi0.requiredAffinityTerms.map((t) => this.mergeNamespaces(t, snapshot)),
      requiredAntiAffinityTerms: pi0.requiredAntiAffinityTerms.map((t) => this.mergeNamespaces(t, snapshot)),
    };
    const nsLabels = snapshot.namespaceLabels(pod.metadata.namespace ?? 'default');
    const existingAntiAffinityCounts: Counts = new Map();
    for (const ni of snapshot.havePodsWithRequiredAntiAffinityList()) {
      for (const ep of ni.podsWithRequiredAntiAffinity) {
        for (const t of ep.requiredAntiAffinityTerms) if (affinityTermMatches(t, pod, nsLabels)) update(existingAntiAffinityCounts, ni.node, t.topologyKey, 1);
      }
    }
    const affinityCounts: Counts = new Map();
    const antiAffinityCounts: Counts = new Map();
    if (podInfo.requiredAffinityTerms.length > 0 || podInfo.requiredAntiAffinityTerms.length > 0) {
      for (const ni of snapshot.list()) {
        for (const ep of ni.pods) {
          if (podMatchesAllAffinityTerms(podInfo.requiredAffinityTerms, ep.pod)) for (const t of podInfo.requiredAffinityTerms) update(affinityCounts, ni.node, t.topologyKey, 1);
          for (const t of podInfo.requiredAntiAffinityTerms) if (affinityTermMatches(t, ep.pod, null)) update(antiAffinityCounts, ni.node, t.topologyKey, 1);
        }
      }
    }
    if (existingAntiAffinityCounts.size === 0 && podInfo.requiredAffinityTerms.length === 0 && podInfo.requiredAntiAffinityTerms.length === 0) {
      return { result: null, status: SKIP };
    }
    state.write(preFilterStateKey, { podInfo, existingAntiAffinityCounts, affinityCounts, antiAffinityCounts } satisfies PreFilterState);
    return { result: null, status: null };
  }

  filter(state: CycleState, _pod: Pod, ni: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(preFilterStateKey);
    if (!s) return null;
    if (!satisfyPodAffinity(s, ni)) return newStatus('UnschedulableAndUnresolvable', ErrReasonAffinityRulesNotMatch);
    if (!satisfyPodAntiAffinity(s, ni)) return newStatus('Unschedulable', ErrReasonAntiAffinityRulesNotMatch);
    if (!satisfyExistingPodsAntiAffinity(s, ni)) return newStatus('Unschedulable', ErrReasonExistingAntiAffinityRulesNotMatch);
    return null;
  }

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[], snapshot: ClusterSnapshot): Status | null {
    if (nodes.length === 0) return null;
    const a = pod.spec.affinity;
    const hasPreferredAffinity = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
    const hasPreferredAnti = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
    const hasConstraints = hasPreferredAffinity || hasPreferredAnti;
    if (this.ignorePreferredTermsOfExistingPods && !hasConstraints) return SKIP;
    const allNodes = hasConstraints ? snapshot.list() : snapshot.havePodsWithAffinityList();
    if (allNodes.length === 0 && !hasConstraints) return SKIP;
    const pi0 = newPodInfo(pod);
    const preferredAffinityTerms = pi0.preferredAffinityTerms.map((t) => this.mergeNamespaces(t, snapshot));
    const preferredAntiAffinityTerms = pi0.preferredAntiAffinityTerms.map((t) => this.mergeNamespaces(t, snapshot));
    const nsLabels = snapshot.namespaceLabels(pod.metadata.namespace ?? 'default');
    const topologyScore = new Map<string, Map<string, number>>();
    let any = false;
    const processTerm = (m: Map<string, Map<string, number>>, t: AffinityTerm, weight: number, p: Pod, ns: Record<string, string> | null, node: Node, mult: number) => {
      if (!affinityTermMatches(t, p, ns)) return;
      const labels = node.metadata.labels;
      if (!labels || !Object.prototype.hasOwnProperty.call(labels, t.topologyKey)) return;
      let inner = m.get(t.topologyKey);
      if (!inner) m.set(t.topologyKey, (inner = new Map()));
      const v = labels[t.topologyKey]!;
      inner.set(v, (inner.get(v) ?? 0) + weight * mult);
    };
    const processTerms = (m: Map<string, Map<string, number>>, terms: readonly WeightedAffinityTerm[], p: Pod, ns: Record<string, string> | null, node: Node, mult: number) => {
      for (const t of terms) processTerm(m, t, t.weight, p, ns, node, mult);
    };
    for (const ni of allNodes) {
      const podsToProcess = hasConstraints ? ni.pods : ni.podsWithAffinity;
      const topoScore = new Map<string, Map<string, number>>();
      const node = ni.node;
      for (const ep of podsToProcess) {
        if (!node.metadata.labels || Object.keys(node.metadata.labels).length === 0) continue;
        processTerms(topoScore, preferredAffinityTerms, ep.pod, null, node, 1);
        processTerms(topoScore, preferredAntiAffinityTerms, ep.pod, null, node, -1);
        if (this.hardPodAffinityWeight > 0) for (const t of ep.requiredAffinityTerms) processTerm(topoScore, t, this.hardPodAffinityWeight, pod, nsLabels, node, 1);
        processTerms(topoScore, ep.preferredAffinityTerms, pod, nsLabels, node, 1);
        processTerms(topoScore, ep.preferredAntiAffinityTerms, pod, nsLabels, node, -1);
      }
      if (topoScore.size > 0) {
        any = true;
        for (const [k, inner] of topoScore) {
          let t = topologyScore.get(k);
          if (!t) topologyScore.set(k, (t = new Map()));
          for (const [v, n] of inner) t.set(v, (t.get(v) ?? 0) + n);
        }
      }
    }
    if (!any) return SKIP;
    state.write(preScoreStateKey, { topologyScore } satisfies PreScoreState);
    return null;
  }

  score(state: CycleState, _pod: Pod, ni: NodeInfo): number {
    const s = state.read<PreScoreState>(preScoreStateKey)!;
    const labels = ni.node.metadata.labels ?? {};
    let score = 0;
    for (const [tpKey, values] of s.topologyScore) {
      if (Object.prototype.hasOwnProperty.call(labels, tpKey)) score += values.get(labels[tpKey]!) ?? 0;
    }
    return score;
  }

  normalizeScore(state: CycleState, _pod: Pod, _nodes: NodeInfo[], scores: number[]): void {
    const s = state.read<PreScoreState>(preScoreStateKey);
    if (!s || s.topologyScore.size === 0) return;
    let min = Number.MAX_SAFE_INTEGER;
    let max = Number.MIN_SAFE_INTEGER;
    for (const x of scores) {
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) {
      let f = 0;
      if (diff > 0) f = MaxNodeScore * ((scores[i]! - min) / diff);
      scores[i] = int64FromFloat(f);
    }
  }
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, ni: NodeInfo): boolean {
  if (s.existingAntiAffinityCounts.size > 0) {
    const labels = ni.node.metadata.labels ?? {};
    for (const k of Object.keys(labels)) if ((s.existingAntiAffinityCounts.get(pairKey(k, labels[k]!)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfyPodAntiAffinity(s: PreFilterState, ni: NodeInfo): boolean {
  if (s.antiAffinityCounts.size > 0) {
    const labels = ni.node.metadata.labels ?? {};
    for (const t of s.podInfo.requiredAntiAffinityTerms) {
      if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey) && (s.antiAffinityCounts.get(pairKey(t.topologyKey, labels[t.topologyKey]!)) ?? 0) > 0) return false;
    }
  }
  return true;
}

function satisfyPodAffinity(s: PreFilterState, ni: NodeInfo): boolean {
  let podsExist = true;
  const labels = ni.node.metadata.labels ?? {};
  for (const t of s.podInfo.requiredAffinityTerms) {
    if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey)) {
      if ((s.affinityCounts.get(pairKey(t.topologyKey, labels[t.topologyKey]!)) ?? 0) <= 0) podsExist = false;
    } else return false;
  }
  if (!podsExist) {
    return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.podInfo.requiredAffinityTerms, s.podInfo.pod);
  }
  return true;
}
