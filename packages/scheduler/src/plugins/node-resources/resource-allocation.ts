/**
 * resourceAllocationScorer, after
 * pkg/scheduler/framework/plugins/noderesources/resource_allocation.go at v1.33: for each
 * configured resource, the node's allocatable and (node requested + pod request).
 * - `useRequested = false` (NodeResourcesFit scoring): node NonZeroRequested for cpu/memory and a
 *   pod request with the 100m / 200MiB per-container defaults.
 * - `useRequested = true` (BalancedAllocation): node Requested and raw pod requests.
 * - ephemeral-storage and scalar resources always use Requested; a scalar resource the pod does
 *   not request, or that the node does not have, gives (0, 0) and is skipped; a resource with
 *   allocatable 0 is skipped (neither numerator nor weight).
 *
 * Left out: DRA extended resources (not in v1.33's defaults).
 */
import type { Pod } from '../../api/types';
import type { NodeInfo } from '../../framework/types';
import { isScalarResourceName, podResources } from '../../util/pod-resources';

export interface ResourceSpec {
  name: string;
  weight: number;
}

const CPU = 0;
const MEMORY = 1;
const EPHEMERAL = 2;
const SCALAR = 3;
const OTHER = 4;

function kindOf(name: string): number {
  if (name === 'cpu') return CPU;
  if (name === 'memory') return MEMORY;
  if (name === 'ephemeral-storage') return EPHEMERAL;
  if (isScalarResourceName(name)) return SCALAR;
  return OTHER;
}

export type Scorer = (requested: number[], allocatable: number[]) => number;

export class ResourceAllocationScorer {
  private readonly kinds: number[];
  private readonly cpuMem: boolean;
  private readonly req: number[];
  private readonly alloc: number[];
  constructor(
    readonly name: string,
    readonly resources: ResourceSpec[],
    readonly useRequested: boolean,
    readonly scorer: Scorer,
  ) {
    this.kinds = resources.map((r) => kindOf(r.name));
    this.cpuMem = this.kinds.length === 2 && this.kinds[0] === CPU && this.kinds[1] === MEMORY;
    this.req = resources.map(() => 0);
    this.alloc = resources.map(() => 0);
  }

  /** calculatePodResourceRequestList. */
  podRequests(pod: Pod): number[] {
    const r = podResources(pod);
    const m = this.useRequested ? r.requestsByName : r.nonZeroByName;
    return this.resources.map((x) => m.get(x.name) ?? 0);
  }

  /** isBestEffortPod: every configured request is zero. */
  static isBestEffort(podRequests: number[]): boolean {
    for (const r of podRequests) if (r !== 0) return false;
    return true;
  }

  /** calculateResourceAllocatableRequest → [allocatable, requested]; writes into out. */
  private allocReq(ni: NodeInfo, i: number, podRequest: number): void {
    const kind = this.kinds[i]!;
    let a = 0;
    let q = 0;
    if (kind === SCALAR) {
      if (podRequest !== 0) {
        const name = this.resources[i]!.name;
        const av = ni.allocatable.scalar.get(name);
        if (av !== undefined) {
          a = av;
          q = (ni.requested.scalar.get(name) ?? 0) + podRequest;
        }
      }
    } else if (kind === CPU) {
      a = ni.allocatable.milliCPU;
      q = (this.useRequested ? ni.requested.milliCPU : ni.nonZeroMilliCPU) + podRequest;
    } else if (kind === MEMORY) {
      a = ni.allocatable.memory;
      q = (this.useRequested ? ni.requested.memory : ni.nonZeroMemory) + podRequest;
    } else if (kind === EPHEMERAL) {
      a = ni.allocatable.ephemeralStorage;
      q = ni.requested.ephemeralStorage + podRequest;
    }
    if (a === 0) {
      this.alloc[i] = 0;
      this.req[i] = 0;
    } else {
      this.alloc[i] = a;
      this.req[i] = q;
    }
  }

  /** resourceAllocationScorer.score. */
  score(ni: NodeInfo, podRequests: number[]): number {
    if (this.cpuMem) {
      // the default resources (cpu, memory): calculateResourceAllocatableRequest inlined
      const ac = ni.allocatable.milliCPU;
      const am = ni.allocatable.memory;
      this.alloc[0] = ac;
      this.req[0] = ac === 0 ? 0 : (this.useRequested ? ni.requested.milliCPU : ni.nonZeroMilliCPU) + podRequests[0]!;
      this.alloc[1] = am;
      this.req[1] = am === 0 ? 0 : (this.useRequested ? ni.requested.memory : ni.nonZeroMemory) + podRequests[1]!;
      return this.scorer(this.req, this.alloc);
    }
    for (let i = 0; i < this.kinds.length; i++) this.allocReq(ni, i, podRequests[i]!);
    return this.scorer(this.req, this.alloc);
  }

  /** The per-resource inputs of the last `score` call (for explanations). */
  inputs(ni: NodeInfo, podRequests: number[]): { resource: string; requested: number; allocatable: number }[] {
    return this.resources.map((r, i) => {
      this.allocReq(ni, i, podRequests[i]!);
      return { resource: r.name, requested: this.req[i]!, allocatable: this.alloc[i]! };
    });
  }
}
