/**
 * The v1.33 default profile, after pkg/scheduler/apis/config/v1/default_plugins.go
 * (getDefaultPlugins; no feature-gated additions apply at v1.33's defaults: DynamicResources is
 * beta but off). One MultiPoint list; weights on the score plugins.
 */
export interface PluginRef {
  name: string;
  weight?: number;
}

export const DefaultSchedulerName = 'default-scheduler';

export function getDefaultPlugins(): PluginRef[] {
  return [
    { name: 'SchedulingGates' },
    { name: 'PrioritySort' },
    { name: 'NodeUnschedulable' },
    { name: 'NodeName' },
    { name: 'TaintToleration', weight: 3 },
    { name: 'NodeAffinity', weight: 2 },
    { name: 'NodePorts' },
    { name: 'NodeResourcesFit', weight: 1 },
    { name: 'VolumeRestrictions' },
    { name: 'NodeVolumeLimits' },
    { name: 'VolumeBinding' },
    { name: 'VolumeZone' },
    { name: 'PodTopologySpread', weight: 2 },
    { name: 'InterPodAffinity', weight: 2 },
    { name: 'DefaultPreemption' },
    { name: 'NodeResourcesBalancedAllocation', weight: 1 },
    { name: 'ImageLocality', weight: 1 },
    { name: 'DefaultBinder' },
  ];
}
