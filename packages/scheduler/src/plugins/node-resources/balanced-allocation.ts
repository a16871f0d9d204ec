/**
 * NodeResourcesBalancedAllocation, after
 * pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go at v1.33: with raw requests
 * (no defaults; `useRequested`), each resource's fraction requested/allocatable (capped at 1);
 * std = |f1 - f2| / 2 for two resources, the population standard deviation for more, 0 for one;
 * score `int64((1 - std) * 100)` in float64. PreScore returns Skip for a pod whose configured
 * requests are all zero (best-effort: v1.33, kubernetes#129138). No NormalizeScore.
 *
 * Args (NodeResourcesBalancedAllocationArgs): resources (weights must be 1).
 */
import type { Pod } from '../../api/types';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { MaxNodeScore, SKIP, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { int64FromFloat as int64FromFloatImported } from '../../util/int64';

const int64FromFloat = int64FromFloatImported;
import { ResourceAllocationScorer, type ResourceSpec } from './resource-allocation';

export const Name = 'NodeResourcesBalancedAllocation';
const MAX_SCORE: number = MaxNodeScore;
const preScoreStateKey = 'PreScore' + Name;

export function balancedResourceScorer(requested: number[], allocable: number[]): number {
  let f0 = 0;
  let f1 = 0;
  let n = 0;
  let total = 0;
  let fractions: number[] | null = null;
  for (let i = 0; i < requested.length; i++) {
    if (allocable[i] === 0) continue;
    let f = requested[i]! / allocable[i]!;
    if (f > 1) f = 1;
    total += f;
    if (n === 0) f0 = f;
    else if (n === 1) f1 = f;
    if (requested.length > 2) (fractions ??= []).push(f);
    n++;
  }
  let std = 0;
  if (n === 2) std = Math.abs((f0 - f1) / 2);
  else if (n > 2) {
    const mean = total / n;
    let sum = 0;
    for (const f of fractions!) sum = sum + (f - mean) * (f - mean);
    std = Math.sqrt(sum / n);
  }
  return int64FromFloat((1 - std) * MAX_SCORE);
}

export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

export const defaultResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = Name;
  readonly scorer: ResourceAllocationScorer;
  constructor(args: BalancedAllocationArgs = {}) {
    this.scorer = new ResourceAllocationScorer(Name, args.resources && args.resources.length ? args.resources : defaultResources, true, balancedResourceScorer);
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    const podRequests = this.scorer.podRequests(pod);
    if (ResourceAllocationScorer.isBestEffort(podRequests)) return SKIP;
    state.write(preScoreStateKey, podRequests);
    return null;
  }

  private lastState: CycleState | null = null;
  private lastReq: number[] | undefined;

  score(state: CycleState, pod: Pod, ni: NodeInfo): number {
    if (state !== this.lastState) {
      this.lastState = state;
      this.lastReq = state.read<number[]>(preScoreStateKey);
    }
    let r = this.lastReq;
    if (!r) {
      r = this.scorer.podRequests(pod);
      if (ResourceAllocationScorer.isBestEffort(r)) return 0;
    }
    return this.scorer.score(ni, r);
  }
}
