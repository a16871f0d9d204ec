/**
 * ImageLocality, after pkg/scheduler/framework/plugins/imagelocality/image_locality.go at v1.33:
 * for each init container and container image already on the node (name normalized by adding
 * `:latest` when untagged — no registry prefix is added, so `nginx` does not match
 * `docker.io/library/nginx:latest`), add `int64(size × numNodesWithImage / totalNodes)`; clamp the
 * sum to [23 MiB, 1000 MiB × #containers] and scale to 0..100 with int64 truncation.
 * No NormalizeScore.
 */
import type { Pod } from '../../api/types';
import type { PreScorePlugin, ScorePlugin } from '../../framework/interface';
import type { ClusterSnapshot } from '../../framework/snapshot';
import { MaxNodeScore, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { int64FromFloat, quo } from '../../util/int64';

export const Name = 'ImageLocality';
export const mb = 1024 * 1024;
export const minThreshold = 23 * mb;
export const maxContainerThreshold = 1000 * mb;

export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(':') <= name.lastIndexOf('/')) return name + ':latest';
  return name;
}

export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = maxContainerThreshold * numContainers;
  if (sumScores < minThreshold) sumScores = minThreshold;
  else if (sumScores > maxThreshold) sumScores = maxThreshold;
  return quo(MaxNodeScore * (sumScores - minThreshold), maxThreshold - minThreshold);
}

export function scaledImageScore(size: number, numNodes: number, totalNumNodes: number): number {
  const spread = numNodes / totalNumNodes;
  return int64FromFloat(size * spread);
}

interface State {
  images: string[];
  snapshot: ClusterSnapshot;
}
const stateKey = 'PreScore' + Name;

export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = Name;

  /** Not an upstream extension point for this plugin: only caches the normalized image names (never skips). */
  preScore(state: CycleState, pod: Pod, _nodes: NodeInfo[], snapshot: ClusterSnapshot): Status | null {
    const images: string[] = [];
    for (const c of pod.spec.initContainers ?? []) images.push(normalizedImageName(c.image ?? ''));
    for (const c of pod.spec.containers ?? []) images.push(normalizedImageName(c.image ?? ''));
    state.write(stateKey, { images, snapshot } satisfies State);
    return null;
  }

  score(state: CycleState, _pod: Pod, ni: NodeInfo): number {
    const s = state.read<State>(stateKey)!;
    const total = s.snapshot.numNodes;
    let sum = 0;
    const names = ni.imageNames;
    if (names.length > 0) {
      for (const img of s.images) {
        if (names.includes(img)) sum += scaledImageScore(s.snapshot.imageSize(img), s.snapshot.imageNumNodes(img), total);
      }
    }
    return calculatePriority(sum, s.images.length);
  }
}
