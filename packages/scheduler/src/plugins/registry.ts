/**
 * The in-tree plugin registry, after pkg/scheduler/framework/plugins/registry.go at v1.33: plugin
 * name → factory(args). Only the plugins of the v1.33 default profile are registered (plus
 * DefaultBinder, which we model as a no-op: the caller binds).
 */
import { ConfigError } from '../framework/config';
import type { AnyPlugin } from '../framework/interface';
import { DefaultPreemption } from './default-preemption/default-preemption';
import { ImageLocality } from './image-locality/image-locality';
import { InterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity/plugin';
import { NodeAffinity, type NodeAffinityArgs } from './node-affinity/node-affinity';
import { NodeName } from './node-name/node-name';
import { NodePorts } from './node-ports/node-ports';
import { BalancedAllocation, type BalancedAllocationArgs } from './node-resources/balanced-allocation';
import { Fit, type NodeResourcesFitArgs } from './node-resources/fit';
import { NodeUnschedulable } from './node-unschedulable/node-unschedulable';
import { PodTopologySpread } from './pod-topology-spread/plugin';
import type { PodTopologySpreadArgs } from './pod-topology-spread/common';
import { PrioritySort } from './queue-sort/priority-sort';
import { SchedulingGates } from './scheduling-gates/scheduling-gates';
import { TaintToleration } from './taint-toleration/taint-toleration';
import { NodeVolumeLimits, VolumeBinding, VolumeZone } from './volumes/pvc-placeholders';
import { VolumeRestrictions } from './volumes/volume-restrictions';

/** DefaultBinder (defaultbinder/default_binder.go): binding is the caller's job here. */
export class DefaultBinder {
  readonly name = 'DefaultBinder';
  bind(): void {}
}

export type PluginFactory = (args: unknown) => AnyPlugin;

export const registry: Record<string, PluginFactory> = {
  SchedulingGates: () => new SchedulingGates(),
  PrioritySort: () => new PrioritySort(),
  NodeUnschedulable: () => new NodeUnschedulable(),
  NodeName: () => new NodeName(),
  TaintToleration: () => new TaintToleration(),
  NodeAffinity: (a) => new NodeAffinity((a ?? {}) as NodeAffinityArgs),
  NodePorts: () => new NodePorts(),
  NodeResourcesFit: (a) => new Fit((a ?? {}) as NodeResourcesFitArgs),
  VolumeRestrictions: () => new VolumeRestrictions(),
  NodeVolumeLimits: () => new NodeVolumeLimits(),
  VolumeBinding: () => new VolumeBinding(),
  VolumeZone: () => new VolumeZone(),
  PodTopologySpread: (a) => new PodTopologySpread((a ?? {}) as PodTopologySpreadArgs),
  InterPodAffinity: (a) => new InterPodAffinity((a ?? {}) as InterPodAffinityArgs),
  DefaultPreemption: () => new DefaultPreemption(),
  NodeResourcesBalancedAllocation: (a) => new BalancedAllocation((a ?? {}) as BalancedAllocationArgs),
  ImageLocality: () => new ImageLocality(),
  DefaultBinder: () => new DefaultBinder() as unknown as AnyPlugin,
};

/** Which extension points each registered plugin implements (for config validation). */
export const pluginExtensionPoints: Record<string, string[]> = {
  SchedulingGates: ['preEnqueue'],
  PrioritySort: ['queueSort'],
  NodeUnschedulable: ['filter'],
  NodeName: ['filter'],
  TaintToleration: ['filter', 'preScore', 'score'],
  NodeAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  NodePorts: ['preFilter', 'filter'],
  NodeResourcesFit: ['preFilter', 'filter', 'preScore', 'score'],
  VolumeRestrictions: ['preFilter', 'filter'],
  NodeVolumeLimits: ['preFilter', 'filter'],
  VolumeBinding: ['preFilter', 'filter', 'reserve', 'preBind', 'preScore', 'score'],
  VolumeZone: ['preFilter', 'filter'],
  PodTopologySpread: ['preFilter', 'filter', 'preScore', 'score'],
  InterPodAffinity: ['preFilter', 'filter', 'preScore', 'score'],
  DefaultPreemption: ['preEnqueue', 'postFilter'],
  NodeResourcesBalancedAllocation: ['preScore', 'score'],
  ImageLocality: ['score'],
  DefaultBinder: ['bind'],
};

const scoringTypes = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

function checkResources(list: unknown, field: string, mustBeOne: boolean): void {
  if (list == null) return;
  if (!Array.isArray(list)) throw new ConfigError(field, `Invalid value: ${JSON.stringify(list)}: must be a list`);
  list.forEach((r: { name?: unknown; weight?: unknown }, i) => {
    if (typeof r?.name !== 'string' || r.name === '') throw new ConfigError(`${field}[${i}].name`, 'Required value');
    const w = r.weight ?? (mustBeOne ? 1 : 1);
    if (mustBeOne && w !== 1) throw new ConfigError(`${field}[${i}].weight`, `Invalid value: ${JSON.stringify(w)}: must be 1`);
    if (!mustBeOne && (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 100)) throw new ConfigError(`${field}[${i}].weight`, `Invalid value: ${JSON.stringify(w)}: resource weight of ${String(r.name)} not in valid range [1, 100]`);
  });
}

/**
 * The args validation of pkg/scheduler/apis/config/validation/validation_pluginargs.go (v1.33)
 * for the plugins whose args we read; field paths are relative to `args`.
 */
export function validatePluginArgs(name: string, args: unknown): void {
  if (args == null) return;
  if (typeof args !== 'object' || Array.isArray(args)) throw new ConfigError('', `Invalid value: ${JSON.stringify(args)}: must be an object`);
  const a = args as Record<string, unknown>;
  if (name === 'NodeResourcesFit') {
    const ss = (a['scoringStrategy'] ?? null) as { type?: unknown; resources?: unknown; requestedToCapacityRatio?: { shape?: { utilization?: unknown; score?: unknown }[] } } | null;
    if (ss) {
      if (ss.type !== undefined && !scoringTypes.includes(ss.type as string)) throw new ConfigError('scoringStrategy.type', `Unsupported value: ${JSON.stringify(ss.type)}: supported values: ${scoringTypes.map((t) => JSON.stringify(t)).join(', ')}`);
      checkResources(ss.resources, 'scoringStrategy.resources', false);
      if (ss.type === 'RequestedToCapacityRatio') {
        const shape = ss.requestedToCapacityRatio?.shape;
        if (!shape || shape.length === 0) throw new ConfigError('scoringStrategy.requestedToCapacityRatio.shape', 'Required value: at least one point must be specified');
        shape.forEach((pt, i) => {
          if (typeof pt.utilization !== 'number' || !Number.isInteger(pt.utilization) || pt.utilization < 0 || pt.utilization > 100) throw new ConfigError(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization`, `Invalid value: ${JSON.stringify(pt.utilization)}: not in valid range [0, 100]`);
          if (i > 0 && (pt.utilization as number) <= (shape[i - 1]!.utilization as number)) throw new ConfigError(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization`, `Invalid value: ${JSON.stringify(pt.utilization)}: utilization values must be sorted in increasing order`);
          if (typeof pt.score !== 'number' || !Number.isInteger(pt.score) || pt.score < 0 || pt.score > 10) throw new ConfigError(`scoringStrategy.requestedToCapacityRatio.shape[${i}].score`, `Invalid value: ${JSON.stringify(pt.score)}: not in valid range [0, 10]`);
        });
      }
    }
  } else if (name === 'NodeResourcesBalancedAllocation') {
    checkResources(a['resources'], 'resources', true);
  } else if (name === 'InterPodAffinity') {
    const w = a['hardPodAffinityWeight'];
    if (w !== undefined && (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 100)) throw new ConfigError('hardPodAffinityWeight', `Invalid value: ${JSON.stringify(w)}: not in valid range [0, 100]`);
  } else if (name === 'PodTopologySpread') {
    const t = a['defaultingType'];
    if (t !== undefined && t !== 'System' && t !== 'List') throw new ConfigError('defaultingType', `Unsupported value: ${JSON.stringify(t)}: supported values: "System", "List"`);
    if (t === 'System' && Array.isArray(a['defaultConstraints']) && (a['defaultConstraints'] as unknown[]).length > 0) throw new ConfigError('defaultingType', 'Invalid value: "System": when .defaultConstraints are not empty');
  }
}
