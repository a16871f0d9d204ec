/**
 * TaintToleration, after pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go at
 * v1.33.
 * - Filter: the first NoSchedule/NoExecute taint the pod does not tolerate rejects the node,
 *   UnschedulableAndUnresolvable, `node(s) had untolerated taint {key: value}`.
 * - PreScore keeps the pod's tolerations whose effect is empty or PreferNoSchedule; Score counts
 *   the node's PreferNoSchedule taints none of them tolerates; NormalizeScore is
 *   DefaultNormalizeScore(100, reverse): fewer intolerable taints, higher score.
 *
 * Left out: queueing hints.
 */
import type { Pod, Toleration } from '../../api/types';
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { MaxNodeScore, newStatus, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { doNotScheduleTaint, findMatchingUntoleratedTaint, tolerationsTolerateTaint } from '../../util/taints';
import { defaultNormalizeScore } from '../helper/normalize-score';

export const Name = 'TaintToleration';
const preScoreStateKey = 'PreScore' + Name;

export function getAllTolerationPreferNoSchedule(tolerations: readonly Toleration[] | null | undefined): Toleration[] {
  const out: Toleration[] = [];
  for (const t of tolerations ?? []) if (!t.effect || t.effect === 'PreferNoSchedule') out.push(t);
  return out;
}

export function countIntolerableTaintsPreferNoSchedule(ni: NodeInfo, tolerations: readonly Toleration[]): number {
  const taints = ni.taints;
  if (!taints) return 0;
  let n = 0;
  for (const taint of taints) {
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) n++;
  }
  return n;
}

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Name;

  filter(_s: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    const taints = ni.taints;
    if (!taints || taints.length === 0) return null;
    const taint = findMatchingUntoleratedTaint(taints, pod.spec.tolerations, doNotScheduleTaint);
    if (!taint) return null;
    return newStatus('UnschedulableAndUnresolvable', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    state.write(preScoreStateKey, getAllTolerationPreferNoSchedule(pod.spec.tolerations));
    return null;
  }

  private lastState: CycleState | null = null;
  private lastTol: Toleration[] = [];

  score(state: CycleState, pod: Pod, ni: NodeInfo): number {
    const taints = ni.taints;
    if (!taints || taints.length === 0) return 0;
    if (state !== this.lastState) {
      this.lastState = state;
      this.lastTol = state.read<Toleration[]>(preScoreStateKey) ?? getAllTolerationPreferNoSchedule(pod.spec.tolerations);
    }
    return countIntolerableTaintsPreferNoSchedule(ni, this.lastTol);
  }

  normalizeScore(_s: CycleState, _p: Pod, _n: NodeInfo[], scores: number[]): void {
    defaultNormalizeScore(MaxNodeScore, true, scores);
  }
}
