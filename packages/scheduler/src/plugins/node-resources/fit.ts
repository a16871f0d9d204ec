/**
 * NodeResourcesFit, after pkg/scheduler/framework/plugins/noderesources/fit.go at v1.33.
 * - PreFilter computes the pod's raw requests (PodRequests, no defaults).
 * - Filter (fitsRequest): `Too many pods` when the node already holds allocatable.pods pods;
 *   then, for a pod requesting anything, `Insufficient cpu|memory|ephemeral-storage|<scalar>`
 *   for each resource whose request exceeds allocatable − requested. Every failing resource is a
 *   reason (Unschedulable), so one node can count under several reasons in the FitError.
 * - Score by scoringStrategy: LeastAllocated (default, cpu 1 memory 1), MostAllocated, or
 *   RequestedToCapacityRatio, on NonZeroRequested + the pod's defaulted requests. No NormalizeScore.
 *
 * Args (NodeResourcesFitArgs): ignoredResources, ignoredResourceGroups, scoringStrategy{type,
 * resources, requestedToCapacityRatio.shape}.
 * Left out: pod-level resources, in-place resize, DRA-backed extended resources.
 */
import type { Pod } from '../../api/types';
import type { FilterPlugin, PreFilterPlugin, PreFilterResult, PreScorePlugin, ScorePlugin } from '../../framework/interface';
import { newStatus, type CycleState, type NodeInfo, type Status } from '../../framework/types';
import { isExtendedResourceName, podResources, type Resource } from '../../util/pod-resources';
import { leastResourceScorer } from './least-allocated';
import { mostResourceScorer } from './most-allocated';
import { requestedToCapacityRatioScorer, type UtilizationShapePoint } from './requested-to-capacity-ratio';
import { ResourceAllocationScorer, type ResourceSpec, type Scorer } from './resource-allocation';

export const Name = 'NodeResourcesFit';
const preScoreStateKey = 'PreScore' + Name;
const preFilterStateKey = 'PreFilter' + Name;

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

export const defaultResources: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** fitsRequest. */
export function fitsRequest(podRequest: Resource, ni: NodeInfo, ignoredExtendedResources?: Set<string>, ignoredResourceGroups?: Set<string>): InsufficientResource[] {
  const out = fitsRequestOrNull(podRequest, ni, ignoredExtendedResources, ignoredResourceGroups);
  return out ?? [];
}

/** fitsRequest without allocating when the pod fits (the common case): null = fits. */
export function fitsRequestOrNull(podRequest: Resource, ni: NodeInfo, ignoredExtendedResources?: Set<string>, ignoredResourceGroups?: Set<string>): InsufficientResource[] | null {
  let out: InsufficientResource[] | null = null;
  const alloc = ni.allocatable;
  const req = ni.requested;
  if (ni.pods.length + 1 > alloc.allowedPodNumber) {
    (out ??= []).push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: ni.pods.length, capacity: alloc.allowedPodNumber });
  }
  if (podRequest.milliCPU === 0 && podRequest.memory === 0 && podRequest.ephemeralStorage === 0 && podRequest.scalar.size === 0) return out;
  if (podRequest.milliCPU > 0 && podRequest.milliCPU > alloc.milliCPU - req.milliCPU) {
    (out ??= []).push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: podRequest.milliCPU, used: req.milliCPU, capacity: alloc.milliCPU });
  }
  if (podRequest.memory > 0 && podRequest.memory > alloc.memory - req.memory) {
    (out ??= []).push({ resourceName: 'memory', reason: 'Insufficient memory', requested: podRequest.memory, used: req.memory, capacity: alloc.memory });
  }
  if (podRequest.ephemeralStorage > 0 && podRequest.ephemeralStorage > alloc.ephemeralStorage - req.ephemeralStorage) {
    (out ??= []).push({ resourceName: 'ephemeral-storage', reason: 'Insufficient ephemeral-storage', requested: podRequest.ephemeralStorage, used: req.ephemeralStorage, capacity: alloc.ephemeralStorage });
  }
  if (podRequest.scalar.size) {
    for (const [name, q] of podRequest.scalar) {
      if (q === 0) continue;
      if (isExtendedResourceName(name)) {
        const slash = name.indexOf('/');
        const group = slash >= 0 ? name.slice(0, slash) : '';
        if (ignoredExtendedResources?.has(name) || ignoredResourceGroups?.has(group)) continue;
      }
      const a = alloc.scalar.get(name) ?? 0;
      const u = req.scalar.get(name) ?? 0;
      if (q > a - u) (out ??= []).push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a });
    }
  }
  return out;
}

export class Fit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Name;
  readonly strategy: ScoringStrategyType;
  readonly scorer: ResourceAllocationScorer;
  private readonly ignoredResources: Set<string>;
  private readonly ignoredResourceGroups: Set<string>;

  constructor(args: NodeResourcesFitArgs = {}) {
    const ss = args.scoringStrategy ?? {};
    this.strategy = ss.type ?? 'LeastAllocated';
    const resources = ss.resources && ss.resources.length ? ss.resources.map((r) => ({ name: r.name, weight: r.weight || 1 })) : defaultResources;
    let scorer: Scorer;
    if (this.strategy === 'LeastAllocated') scorer = leastResourceScorer(resources);
    else if (this.strategy === 'MostAllocated') scorer = mostResourceScorer(resources);
    else scorer = requestedToCapacityRatioScorer(resources, ss.requestedToCapacityRatio?.shape ?? []);
    this.scorer = new ResourceAllocationScorer(Name, resources, false, scorer);
    this.ignoredResources = new Set(args.ignoredResources ?? []);
    this.ignoredResourceGroups = new Set(args.ignoredResourceGroups ?? []);
  }

  /** PreFilter: computePodResourceRequest, kept in the cycle state. */
  preFilter(state: CycleState, pod: Pod): { result: PreFilterResult | null; status: Status | null } {
    state.write(preFilterStateKey, podResources(pod).requests);
    return { result: null, status: null };
  }

  private filterState: CycleState | null = null;
  private filterReq: Resource | undefined;

  filter(state: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    if (state !== this.filterState) {
      this.filterState = state;
      // Without PreFilter (disabled), compute here as upstream's fallback does.
      this.filterReq = state.read<Resource>(preFilterStateKey) ?? podResources(pod).requests;
    }
    const ins = fitsRequestOrNull(this.filterReq!, ni, this.ignoredResources, this.ignoredResourceGroups);
    if (ins === null) return null;
    return newStatus('Unschedulable', ...ins.map((r) => r.reason));
  }

  preScore(state: CycleState, pod: Pod): Status | null {
    state.write(preScoreStateKey, this.scorer.podRequests(pod));
    return null;
  }

  private scoreState: CycleState | null = null;
  private scoreReq: number[] = [];

  score(state: CycleState, pod: Pod, ni: NodeInfo): number {
    if (state !== this.scoreState) {
      this.scoreState = state;
      this.scoreReq = state.read<number[]>(preScoreStateKey) ?? this.scorer.podRequests(pod);
    }
    return this.scorer.score(ni, this.scoreReq);
  }
}
