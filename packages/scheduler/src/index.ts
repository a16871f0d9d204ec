/**
 * @kubelab/scheduler: kube-scheduler v1.33's scheduling cycle as a pure library (plain
 * Kubernetes objects in, plain JSON results out; no clock, no I/O, randomness only through the
 * `rand` the caller passes).
 *
 *   const s = createScheduler(yamlOrObject?);
 *   const r = s.scheduleOne({ nodes, pods }, pod, { intn: (n) => … });
 *   r.selected, r.filtered, r.scores, r.totals, r.message
 */
export { createScheduler, Scheduler, selectHost, numFeasibleNodesToFind, resolveConfig, minFeasibleNodesToFind, minFeasibleNodesPercentageToFind, numberOfHighestScoredNodesToReport } from './schedule-one';
export type { Rand, ScheduleResult, ScheduleOptions, PluginScore, SnapshotInput } from './schedule-one';
export { placePods, whatIf, queueOrder, seededRand } from './what-if';
export type { Placement, Variant, WhatIfReport } from './what-if';
export { ConfigError, loadSchedulerConfig, SchedulerConfigAPIVersion } from './framework/config';
export type { KubeSchedulerConfiguration, KubeSchedulerProfile, ResolvedConfig, ResolvedProfile } from './framework/config';
export { Framework, FrameworkError } from './framework/runtime';
export { ClusterSnapshot } from './framework/snapshot';
export type { ClusterObjects } from './framework/snapshot';
export { NodeInfo, CycleState, MaxNodeScore, MinNodeScore, podKey } from './framework/types';
export type { Status } from './framework/types';
export { fitErrorMessage } from './framework/fit-error';
export { getDefaultPlugins, DefaultSchedulerName } from './framework/default-plugins';
export { registry } from './plugins/registry';
export * from './api/types';
