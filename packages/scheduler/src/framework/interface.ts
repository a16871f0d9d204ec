/**
 * Plugin interfaces, after pkg/scheduler/framework/interface.go at v1.33: a plugin has a name
 * and implements any of the extension points below. Statuses are values (`null` = Success).
 * `Handle` gives plugins the snapshot (SnapshotSharedLister) and the scheduler's random source.
 *
 * Left out: Reserve, Permit, PreBind, Bind, PostBind (the caller binds), EnqueueExtensions
 * (queueing hints), extenders.
 */
import type { Pod } from '../api/types';
import type { ClusterSnapshot } from './snapshot';
import type { CycleState, NodeInfo, Status } from './types';

export interface Plugin {
  readonly name: string;
}

export interface PreFilterResult {
  /** nil = all nodes; otherwise only these node names are evaluated */
  nodeNames: Set<string> | null;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, snapshot: ClusterSnapshot): { result: PreFilterResult | null; status: Status | null };
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status | null;
}

/** Diagnosis handed to PostFilter: per-node statuses of this cycle. */
export interface NodeToStatus {
  statuses: Map<string, Status>;
  absent: Status;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, snapshot: ClusterSnapshot, m: NodeToStatus, runFilters: (pod: Pod, ni: NodeInfo) => Status | null): { nominatedNodeName?: string; status: Status };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: NodeInfo[], snapshot: ClusterSnapshot): Status | null;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  /** ScoreExtensions().NormalizeScore, if the plugin has one; scores[i] belongs to nodes[i]. */
  normalizeScore?(state: CycleState, pod: Pod, nodes: NodeInfo[], scores: number[]): void;
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Status | null;
}

export interface QueueSortPlugin extends Plugin {
  less(a: { pod: Pod; seq: number }, b: { pod: Pod; seq: number }): boolean;
}

export type AnyPlugin = Plugin & Partial<PreFilterPlugin & FilterPlugin & PostFilterPlugin & PreScorePlugin & ScorePlugin & PreEnqueuePlugin & QueueSortPlugin>;

export function hasPreFilter(p: AnyPlugin): p is AnyPlugin & PreFilterPlugin {
  return typeof p.preFilter === 'function';
}
export function hasFilter(p: AnyPlugin): p is AnyPlugin & FilterPlugin {
  return typeof p.filter === 'function';
}
export function hasPostFilter(p: AnyPlugin): p is AnyPlugin & PostFilterPlugin {
  return typeof p.postFilter === 'function';
}
export function hasPreScore(p: AnyPlugin): p is AnyPlugin & PreScorePlugin {
  return typeof p.preScore === 'function';
}
export function hasScore(p: AnyPlugin): p is AnyPlugin & ScorePlugin {
  return typeof p.score === 'function';
}
export function hasPreEnqueue(p: AnyPlugin): p is AnyPlugin & PreEnqueuePlugin {
  return typeof p.preEnqueue === 'function';
}
export function hasQueueSort(p: AnyPlugin): p is AnyPlugin & QueueSortPlugin {
  return typeof p.less === 'function';
}

/** Extension points a plugin implements, in upstream's ExtensionPoint naming. */
export function extensionPoints(p: AnyPlugin): string[] {
  const out: string[] = [];
  if (hasPreEnqueue(p)) out.push('preEnqueue');
  if (hasQueueSort(p)) out.push('queueSort');
  if (hasPreFilter(p)) out.push('preFilter');
  if (hasFilter(p)) out.push('filter');
  if (hasPostFilter(p)) out.push('postFilter');
  if (hasPreScore(p)) out.push('preScore');
  if (hasScore(p)) out.push('score');
  return out;
}
