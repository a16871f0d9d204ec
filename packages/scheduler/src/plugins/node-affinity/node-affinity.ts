/**
 * NodeAffinity, after pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go at v1.33.
 * - PreFilter: Skip when the pod has no nodeSelector, no required node affinity and the plugin
 *   has no addedAffinity; when every required term names nodes with `matchFields metadata.name In`,
 *   only those nodes are evaluated (PreFilterResult); terms that conflict reject the pod
 *   (`pod affinity terms conflict`).
 * - Filter: addedAffinity's required terms (`node(s) didn't match scheduler-enforced node
 *   affinity`), then the pod's nodeSelector AND required affinity (`node(s) didn't match Pod's
 *   node affinity/selector`), both UnschedulableAndUnresolvable.
 * - PreScore: Skip without preferred terms (pod's or added). Score: sum of matching preferred
 *   term weights. NormalizeScore: DefaultNormalizeScore(100, not reversed).
 *
 * Args (NodeAffinityArgs): addedAffinity.
 */
import type { NodeSelector, Pod, PreferredSchedulingTerm } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { MaxNodeScore, newStatus, SKIP, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { getRequiredNodeAffinity, LazyErrorNodeSelector, PreferredSchedulingTerms, RequiredNodeAffinity } from '../../util/node-affinity';
import { defaultNormalizeScore } from '../helper/normalize-score';

export const Name = 'NodeAffinity';
export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
export const errReasonEnforced = "node(s) didn't match scheduler-enforced node affinity";
export const errReasonConflict = 'pod affinity terms conflict';

const preFilterStateKey = 'PreFilter' + Name;
const preScoreStateKey = 'PreScore' + Name;

export interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector | null;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[] | null;
  } | null;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Name;
  private readonly addedNodeSelector: LazyErrorNodeSelector | null;
  private readonly addedPrefSchedTerms: PreferredSchedulingTerms | null;

  constructor(args: NodeAffinityArgs = {}) {
    const a = args.addedAffinity;
    this.addedNodeSelector = a?.requiredDuringSchedulingIgnoredDuringExecution ? new LazyErrorNodeSelector(a.requiredDuringSchedulingIgnoredDuringExecution) : null;
    this.addedPrefSchedTerms = a?.preferredDuringSchedulingIgnoredDuringExecution ? new PreferredSchedulingTerms(a.preferredDuringSchedulingIgnoredDuringExecution) : null;
  }

  preFilter(state: CycleState, pod: Pod): { result: PreFilterResult | null; status: Status | null } {
    const affinity = pod.spec.affinity;
    const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const noNodeAffinity = required == null;
    if (noNodeAffinity && this.addedNodeSelector === null && pod.spec.nodeSelector == null) {
      return { result: null, status: SKIP };
    }
    state.write(preFilterStateKey, getRequiredNodeAffinity(pod));
    if (noNodeAffinity || (required.nodeSelectorTerms ?? []).length === 0) return { result: null, status: null };
    let nodeNames = null as Set<string> | null;
    for (const t of required.nodeSelectorTerms) {
      let termNodeNames = null as Set<string> | null;
      for (const r of t.matchFields ?? []) {
        if (r.key === 'metadata.name' && r.operator === 'In') {
          const s = new Set((r.values ?? []).map(String));
          termNodeNames = termNodeNames === null ? s : new Set([...termNodeNames].filter((x) => s.has(x)));
        }
      }
      if (termNodeNames === null) return { result: null, status: null };
      nodeNames = nodeNames === null ? new Set(termNodeNames) : new Set([...nodeNames, ...termNodeNames]);
    }
    if (nodeNames !== null && nodeNames.size === 0) return { result: null, status: newStatus('UnschedulableAndUnresolvable', errReasonConflict) };
    if (nodeNames !== null && nodeNames.size > 0) return { result: { nodeNames }, status: null };
    return { result: null, status: null };
  }

  filter(state: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    if (this.addedNodeSelector && !this.addedNodeSelector.match(ni.node)) return newStatus('UnschedulableAndUnresolvable', errReasonEnforced);
    const s = state.read<RequiredNodeAffinity>(preFilterStateKey) ?? getRequiredNodeAffinity(pod);
    if (!s.match(ni.node)) return newStatus('UnschedulableAndUnresolvable', ErrReasonPod);
    return null;
  }

  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[]): Status | null {
    if (nodes.length === 0) return null;
    const pref = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    let terms: PreferredSchedulingTerms | null = null;
    if (pref != null) {
      try {
        terms = new PreferredSchedulingTerms(pref, 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution');
      } catch (e) {
        return newStatus('Error', (e as Error).message);
      }
    }
    if (terms === null && this.addedPrefSchedTerms === null) return SKIP;
    state.write(preScoreStateKey, terms);
    return null;
  }

  score(state: CycleState, pod: Pod, ni: NodeInfo): number {
    let count = 0;
    if (this.addedPrefSchedTerms) count += this.addedPrefSchedTerms.score(ni.node);
    let terms = state.read<PreferredSchedulingTerms | null>(preScoreStateKey);
    if (terms === undefined) {
      const pref = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
      terms = pref != null ? new PreferredSchedulingTerms(pref) : null;
    }
    if (terms) count += terms.score(ni.node);
    return count;
  }

  normalizeScore(_s: CycleState, _p: Pod, _n: NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(MaxNodeScore, false, scores);
  }
}

export { RequiredNodeAffinity };
