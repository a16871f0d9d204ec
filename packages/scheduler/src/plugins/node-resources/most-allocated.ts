/**
 * MostAllocated, after pkg/scheduler/framework/plugins/noderesources/most_allocated.go at v1.33:
 * per resource `(min(requested, capacity) * 100) / capacity`, then the weighted mean, int64 with
 * truncating division.
 */
import { MaxNodeScore } from '../../framework/types';
import { mulDiv as mulDivImported, quo as quoImported } from '../../util/int64';

const MAX_SCORE: number = MaxNodeScore;
const mulDiv = mulDivImported;
const quo = quoImported;
import type { ResourceSpec, Scorer } from './resource-allocation';

export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) requested = capacity;
  return mulDiv(requested, MAX_SCORE, capacity);
}

export function mostResourceScorer(resources: readonly ResourceSpec[]): Scorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      nodeScore += mostRequestedScore(requested[i]!, allocatable[i]!) * w;
      weightSum += w;
    }
    if (weightSum === 0) return 0;
    return quo(nodeScore, weightSum);
  };
}
