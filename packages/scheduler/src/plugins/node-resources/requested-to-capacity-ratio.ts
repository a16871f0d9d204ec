/**
 * RequestedToCapacityRatio, after
 * pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio.go at v1.33: shape
 * scores (0..10) are scaled by MaxNodeScore / MaxCustomPriorityScore = 10; per resource the
 * utilization `requested * 100 / capacity` (int64) goes through the broken-linear shape (a
 * resource over capacity, or of capacity 0, scores as 100% utilized); only resources scoring
 * above 0 count; the result is `int64(math.Round(Σ s_i w_i / Σ w_i))`.
 */
import { MaxNodeScore } from '../../framework/types';
import { goRound, mulDiv } from '../../util/int64';
import { buildBrokenLinearFunction, type FunctionShapePoint } from '../helper/shape-score';
import type { ResourceSpec, Scorer } from './resource-allocation';

export const MaxCustomPriorityScore = 10;
const maxUtilization = 100;

export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

export function buildRequestedToCapacityRatioScorerFunction(shape: readonly FunctionShapePoint[], resources: readonly ResourceSpec[]): Scorer {
  const raw = buildBrokenLinearFunction(shape);
  const resourceScoringFunction = (requested: number, capacity: number): number => {
    if (capacity === 0 || requested > capacity) return raw(maxUtilization);
    return raw(mulDiv(requested, maxUtilization, capacity));
  };
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      const s = resourceScoringFunction(requested[i]!, allocatable[i]!);
      if (s > 0) {
        nodeScore += s * w;
        weightSum += w;
      }
    }
    if (weightSum === 0) return 0;
    return goRound(nodeScore / weightSum);
  };
}

export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): Scorer {
  const points = shape.map((p) => ({ utilization: p.utilization, score: p.score * (MaxNodeScore / MaxCustomPriorityScore) }));
  return buildRequestedToCapacityRatioScorerFunction(points, resources);
}
