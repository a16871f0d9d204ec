/**
 * pkg/scheduler/framework/plugins/helper/normalize_score.go at v1.33: DefaultNormalizeScore scales
 * scores to [0, maxPriority] by `maxPriority * score / maxCount` (int64, truncating), reversed
 * (`maxPriority - s`) when asked; when every score is 0 they stay 0, or all become maxPriority
 * when reversed.
 */
import { quo as quoImported } from '../../util/int64';

const quo = quoImported;

export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let maxCount = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > maxCount) maxCount = scores[i]!;
  if (maxCount === 0) {
    if (reverse) for (let i = 0; i < scores.length; i++) scores[i] = maxPriority;
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = quo(maxPriority * scores[i]!, maxCount);
    if (reverse) s = maxPriority - s;
    scores[i] = s;
  }
}
