/**
 * ImageLocality, after pkg/scheduler/framework/plugins/imagelocality/image_locality.go at v1.33:
 * for each init container and container image already on the node (name normalized by adding
 * `:latest` when untagged — no registry prefix is added, so `nginx` does not match
 * `docker.io/library/nginx:latest`), add `int64(size × numNodesWithImage / totalNodes)`; clamp the
 * sum to [23 MiB, 1000 MiB × #containers] and scale to 0..100 with int64 truncation.
 * No NormalizeScore.
 */
import type { Pod } from '../../api/types';
import type { ScorePlugin } from '../../framework/interface';
import type { ClusterSnapshot } from '../../framework/snapshot';
import { MaxNodeScore, type CycleState, type NodeInfo } from '../../framework/types';
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

/** The cycle's snapshot (the framework handle's SnapshotSharedLister), written by the scheduler. */
export const snapshotStateKey = 'snapshot';

export class ImageLocality implements ScorePlugin {
  readonly name = Name;
  private lastPod: Pod | null = null;
  private images: string[] = [];

  private podImages(pod: Pod): string[] {
    if (pod === this.lastPod) return this.images;
    const images: string[] = [];
    for (const c of pod.spec.initContainers ?? []) images.push(normalizedImageName(c.image ?? ''));
    for (const c of pod.spec.containers ?? []) images.push(normalizedImageName(c.image ?? ''));
    this.lastPod = pod;
    this.images = images;
    return images;
  }

  score(state: CycleState, pod: Pod, ni: NodeInfo): number {
    const images = this.podImages(pod);
    const names = ni.imageNames;
    if (names.length === 0) return calculatePriority(0, images.length);
    const snapshot = state.read<ClusterSnapshot>(snapshotStateKey);
    let sum = 0;
    if (snapshot && names.length > 0) {
      const total = snapshot.numNodes;
      for (const img of images) {
        if (names.includes(img)) sum += scaledImageScore(snapshot.imageSize(img), snapshot.imageNumNodes(img), total);
      }
    }
    return calculatePriority(sum, images.length);
  }
}
