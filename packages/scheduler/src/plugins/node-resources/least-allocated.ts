/**
 * LeastAllocated, after pkg/scheduler/framework/plugins/noderesources/least_allocated.go at v1.33:
 * per resource `((capacity - requested) * 100) / capacity` (0 when over capacity), then the
 * weighted mean `Σ score_i × w_i / Σ w_i`, all int64 with truncating division.
 */
import { MaxNodeScore } from '../../framework/types';
import { mulDiv as mulDivImported, quo as quoImported } from '../../util/int64';

const MAX_SCORE: number = MaxNodeScore;
const mulDiv = mulDivImported;
const quo = quoImported;
import type { ResourceSpec, Scorer } from './resource-allocation';

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return 0;
  return mulDiv(capacity - requested, MAX_SCORE, capacity);
}

export function leastResourceScorer(resources: readonly ResourceSpec[]): Scorer {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      nodeScore += leastRequestedScore(requested[i]!, allocatable[i]!) * w;
      weightSum += w;
    }
    if (weightSum === 0) return 0;
    return quo(nodeScore, weightSum);
  };
}
