/**
 * apps/v1 printers: Deployment (NAME READY UP-TO-DATE AVAILABLE AGE), ReplicaSet (NAME DESIRED
 * CURRENT READY AGE), DaemonSet (NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR
 * AGE); -o wide adds CONTAINERS IMAGES SELECTOR to each.
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (deploymentColumnDefinitions, replicaSetColumnDefinitions, daemonSetColumnDefinitions),
 * printDeployment, printReplicaSet, printDaemonSet, layoutContainerCells. Integer columns are
 * int64 cells (JSON numbers). spec.replicas is a pointer in apps/v1 and a plain int32 in the
 * internal type the printers see, so an unset value (normally defaulted to 1 before storage)
 * prints as 0, as the v1→internal conversion makes it. Left out: nothing (the *List variants are
 * toTable's loop).
 */
import type { KubeObject } from '../../objects/meta';
import { ageColumn, col, formatLabelSelector, formatLabels, labelSelectorString, layoutContainerCells, nameColumn, type Cell, type PrintOptions } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

const CONTAINERS_DOC = 'Names of each container in the template.';
const IMAGES_DOC = 'Images referenced by each container in the template.';

export const deploymentColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Ready', 'string', 'Number of the pod with ready state'),
  col('Up-to-date', 'string', docs.DEPLOYMENT_STATUS_UPDATED_REPLICAS),
  col('Available', 'string', docs.DEPLOYMENT_STATUS_AVAILABLE_REPLICAS),
  ageColumn,
  col('Containers', 'string', CONTAINERS_DOC, 1),
  col('Images', 'string', IMAGES_DOC, 1),
  col('Selector', 'string', docs.DEPLOYMENT_SPEC_SELECTOR, 1),
];

export function printDeployment(obj: KubeObject, nowMs: number, options: PrintOptions = {}): Cell[] {
  const spec = obj.spec ?? {};
  const status = obj.status ?? {};
  const desiredReplicas: number = spec.replicas ?? 0;
  const updatedReplicas: number = status.updatedReplicas ?? 0;
  const readyReplicas: number = status.readyReplicas ?? 0;
  const availableReplicas: number = status.availableReplicas ?? 0;
  const age = translateTimestampSince(obj.metadata.creationTimestamp, nowMs);
  const selector = labelSelectorString(spec.selector);
  const selectorString = selector === undefined ? '<invalid>' : selector;
  const cells: Cell[] = [obj.metadata.name, `${readyReplicas}/${desiredReplicas}`, updatedReplicas, availableReplicas, age];
  if (options.wide ?? true) {
    const [containers, images] = layoutContainerCells(spec.template?.spec?.containers);
    cells.push(containers, images, selectorString);
  }
  return cells;
}

export const replicaSetColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Desired', 'integer', docs.REPLICA_SET_SPEC_REPLICAS),
  col('Current', 'integer', docs.REPLICA_SET_STATUS_REPLICAS),
  col('Ready', 'integer', docs.REPLICA_SET_STATUS_READY_REPLICAS),
  ageColumn,
  col('Containers', 'string', CONTAINERS_DOC, 1),
  col('Images', 'string', IMAGES_DOC, 1),
  col('Selector', 'string', docs.REPLICA_SET_SPEC_SELECTOR, 1),
];

export function printReplicaSet(obj: KubeObject, nowMs: number, options: PrintOptions = {}): Cell[] {
  const spec = obj.spec ?? {};
  const status = obj.status ?? {};
  const cells: Cell[] = [obj.metadata.name, spec.replicas ?? 0, status.replicas ?? 0, status.readyReplicas ?? 0, translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
  if (options.wide ?? true) {
    const [names, images] = layoutContainerCells(spec.template?.spec?.containers);
    cells.push(names, images, formatLabelSelector(spec.selector));
  }
  return cells;
}

export const daemonSetColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Desired', 'integer', docs.DAEMON_SET_STATUS_DESIRED),
  col('Current', 'integer', docs.DAEMON_SET_STATUS_CURRENT),
  col('Ready', 'integer', docs.DAEMON_SET_STATUS_READY),
  col('Up-to-date', 'integer', docs.DAEMON_SET_STATUS_UPDATED),
  col('Available', 'integer', docs.DAEMON_SET_STATUS_AVAILABLE),
  col('Node Selector', 'string', docs.POD_SPEC_NODE_SELECTOR),
  ageColumn,
  col('Containers', 'string', CONTAINERS_DOC, 1),
  col('Images', 'string', IMAGES_DOC, 1),
  col('Selector', 'string', docs.DAEMON_SET_SPEC_SELECTOR, 1),
];

export function printDaemonSet(obj: KubeObject, nowMs: number, options: PrintOptions = {}): Cell[] {
  const spec = obj.spec ?? {};
  const status = obj.status ?? {};
  const cells: Cell[] = [
    obj.metadata.name,
    status.desiredNumberScheduled ?? 0,
    status.currentNumberScheduled ?? 0,
    status.numberReady ?? 0,
    status.updatedNumberScheduled ?? 0,
    status.numberAvailable ?? 0,
    formatLabels(spec.template?.spec?.nodeSelector),
    translateTimestampSince(obj.metadata.creationTimestamp, nowMs),
  ];
  if (options.wide ?? true) {
    const [names, images] = layoutContainerCells(spec.template?.spec?.containers);
    cells.push(names, images, formatLabelSelector(spec.selector));
  }
  return cells;
}
