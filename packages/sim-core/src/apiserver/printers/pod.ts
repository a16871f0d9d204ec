/**
 * printPod: the row `kubectl get pods` shows (NAME READY STATUS RESTARTS AGE; -o wide adds IP,
 * NODE, NOMINATED NODE, READINESS GATES). The server always fills every cell; kubectl hides the
 * priority-1 columns unless -o wide.
 *
 * Upstream: pkg/printers/internalversion/printers.go printPod (v1.33). Ported: phase/reason,
 * SchedulingGated, the main containers' waiting/terminated reasons, ready count, restarts with
 * "(<age> ago)" from the last termination, Completed→Running when a container still runs,
 * Terminating and Unknown (NodeLost) on deletion. Simplified: init containers (Init:N/M and
 * restartable sidecars) are summarised without the sidecar restart bookkeeping.
 */
import type { KubeObject } from '../../objects/meta';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

const NAME_DOC = docs.OBJECT_META_NAME;
const CREATION_DOC = docs.OBJECT_META_CREATION_TIMESTAMP;

export const podColumns: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: NAME_DOC, priority: 0 },
  { name: 'Ready', type: 'string', format: '', description: 'The aggregate readiness state of this pod for accepting traffic.', priority: 0 },
  { name: 'Status', type: 'string', format: '', description: 'The aggregate status of the containers in this pod.', priority: 0 },
  { name: 'Restarts', type: 'string', format: '', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', priority: 0 },
  { name: 'Age', type: 'string', format: '', description: CREATION_DOC, priority: 0 },
  { name: 'IP', type: 'string', format: '', description: docs.POD_STATUS_POD_IP, priority: 1 },
  { name: 'Node', type: 'string', format: '', description: docs.POD_SPEC_NODE_NAME, priority: 1 },
  { name: 'Nominated Node', type: 'string', format: '', description: docs.POD_STATUS_NOMINATED_NODE_NAME, priority: 1 },
  { name: 'Readiness Gates', type: 'string', format: '', description: docs.POD_SPEC_READINESS_GATES, priority: 1 },
];

export function printPod(pod: KubeObject, nowMs: number): (string | number)[] {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  const totalContainers = (spec.containers ?? []).length;
  let readyContainers = 0;
  let lastRestartMs = 0;
  const podPhase: string = status.phase ?? '';
  let reason = podPhase;
  if (status.reason) reason = status.reason;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i];
    restarts += c.restartCount ?? 0;
    if (c.state?.terminated && c.state.terminated.exitCode === 0) continue;
    if (c.state?.terminated) {
      reason = c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : c.state.terminated.signal ? `Init:Signal:${c.state.terminated.signal}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }
  const initializedTrue = (status.conditions ?? []).some((c: any) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = 0;
    lastRestartMs = 0;
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      const fin = c.lastState?.terminated?.finishedAt;
      if (fin && Date.parse(fin) > lastRestartMs) lastRestartMs = Date.parse(fin);
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated && !c.state.terminated.reason) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && podPhase !== 'Succeeded' && podPhase !== 'Failed') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestartMs !== 0) restartsStr = `${restarts} (${translateTimestampSince(new Date(lastRestartMs).toISOString(), nowMs)} ago)`;

  const podIP: string = status.podIPs?.[0]?.ip || '<none>';
  const readinessGates = (spec.readinessGates ?? []).length > 0 ? `${(spec.readinessGates ?? []).filter((g: any) => (status.conditions ?? []).some((c: any) => c.type === g.conditionType && c.status === 'True')).length}/${spec.readinessGates.length}` : '<none>';
  return [
    pod.metadata.name,
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsStr,
    translateTimestampSince(pod.metadata.creationTimestamp, nowMs),
    podIP,
    spec.nodeName || '<none>',
    status.nominatedNodeName || '<none>',
    readinessGates,
  ];
}
