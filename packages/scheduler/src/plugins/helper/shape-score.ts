/**
 * pkg/scheduler/framework/plugins/helper/shape_score.go at v1.33: BuildBrokenLinearFunction, a
 * piecewise-linear function through the shape points (utilization ascending); below the first
 * point it is the first score, above the last the last score; between points the int64
 * interpolation `s[i-1] + (s[i]-s[i-1]) * (p-u[i-1]) / (u[i]-u[i-1])` truncates toward zero
 * (negative slopes included).
 */
import { quo } from '../../util/int64';

export interface FunctionShapePoint {
  utilization: number;
  score: number;
}

export function buildBrokenLinearFunction(shape: readonly FunctionShapePoint[]): (p: number) => number {
  return (p: number) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i]!.utilization) {
        if (i === 0) return shape[0]!.score;
        const a = shape[i - 1]!;
        const b = shape[i]!;
        return a.score + quo((b.score - a.score) * (p - a.utilization), b.utilization - a.utilization);
      }
    }
    return shape[shape.length - 1]!.score;
  };
}
