/**
 * The in-tree plugin registry, after pkg/scheduler/framework/plugins/registry.go at v1.33: plugin
 * name → factory(args). Only the plugins of the v1.33 default profile are registered (plus
 * DefaultBinder, which we model as a no-op: the caller binds).
 */
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
