/**
 * The node lifecycle controller's health check, pure: every node-monitor-period (5 s) it looks at
 * each node's heartbeats — its Lease in kube-node-lease and its Ready condition's
 * lastHeartbeatTime — and when neither moved for node-monitor-grace-period (50 s since v1.32; 60 s
 * for a node that never became Ready) it sets the node's conditions to Unknown ("Kubelet stopped
 * posting node status."), taints it node.kubernetes.io/unreachable (NoSchedule and NoExecute; a
 * Ready=False node gets node.kubernetes.io/not-ready), and marks its pods not Ready. When the node
 * is Ready again the taints go.
 *
 * Upstream (v1.33): pkg/controller/nodelifecycle/node_lifecycle_controller.go (monitorNodeHealth,
 * tryUpdateNodeHealth: probeTimestamp moves when the lease's renewTime or the Ready condition's
 * heartbeat changes; "NodeStatusUnknown", "Kubelet stopped posting node status.";
 * doNoExecuteTaintingPass, doNoScheduleTaintingPass; markPodsNotReady),
 * pkg/controller/nodelifecycle/config/v1alpha1/defaults.go (NodeMonitorGracePeriod 50 s —
 * kubernetes/kubernetes#126287, v1.32 — NodeStartupGracePeriod 60 s), cmd/kube-controller-manager
 * (NodeMonitorPeriod 5 s), pkg/controller/util/node/controller_utils.go (MarkPodsNotReady).
 * Leaves out: zone states and the eviction rate limiter (a single-zone homelab is always
 * "Normal"; the rate only matters across nodes), node deletion for cloud providers.
 */
import type { KubeObject } from '../objects/meta';

export const NODE_MONITOR_PERIOD_US = 5_000_000;
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';

export interface NodeHealth {
  /** Last time (ms) a heartbeat was seen to move. */
  probeMs: number;
  leaseRenewTime?: string;
  readyHeartbeat?: string;
}

export interface NodeDecision {
  node: string;
  /** New status.conditions to write (PUT nodes/<n>/status), when the health check changed them. */
  conditions?: unknown[];
  /** The taints the node should carry (spec.taints), when they differ from what it has. */
  taints?: unknown[];
  /** Pods on the node to mark not Ready (Ready was just lost). */
  markPodsNotReady: boolean;
}

const cond = (n: KubeObject, type: string) => ((n.status?.conditions ?? []) as any[]).find((c) => c.type === type);

export function monitorNodeHealth(nodes: KubeObject[], leases: Record<string, KubeObject>, health: Record<string, NodeHealth>, nowMs: number, rfc3339: (ms: number) => string): NodeDecision[] {
  const out: NodeDecision[] = [];
  for (const n of nodes) {
    const name = n.metadata.name;
    const ready = cond(n, 'Ready');
    const renew = leases[name]?.spec?.renewTime as string | undefined;
    const hb = ready?.lastHeartbeatTime as string | undefined;
    let h = health[name];
    if (!h) h = health[name] = { probeMs: nowMs, ...(renew ? { leaseRenewTime: renew } : {}), ...(hb ? { readyHeartbeat: hb } : {}) };
    if (renew !== h.leaseRenewTime || hb !== h.readyHeartbeat) {
      h.probeMs = nowMs;
      if (renew) h.leaseRenewTime = renew;
      if (hb) h.readyHeartbeat = hb;
    }
    const grace = ready ? NODE_MONITOR_GRACE_PERIOD_MS : NODE_STARTUP_GRACE_PERIOD_MS;
    const d: NodeDecision = { node: name, markPodsNotReady: false };
    let readyStatus = ready?.status ?? 'Unknown';
    if (nowMs > h.probeMs + grace && readyStatus !== 'Unknown') {
      const now = rfc3339(nowMs);
      const conds = ((n.status?.conditions ?? []) as any[]).map((c) =>
        ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(c.type) && c.status !== 'Unknown'
          ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now }
          : c,
      );
      d.conditions = conds;
      d.markPodsNotReady = readyStatus === 'True';
      readyStatus = 'Unknown';
    }
    // Taints follow the Ready condition (the NoSchedule pass and the NoExecute pass).
    const want = readyStatus === 'Unknown' ? TAINT_UNREACHABLE : readyStatus === 'False' ? TAINT_NOT_READY : undefined;
    const taints = ((n.spec?.taints ?? []) as any[]).filter((t) => t.key !== TAINT_UNREACHABLE && t.key !== TAINT_NOT_READY);
    const had = ((n.spec?.taints ?? []) as any[]).filter((t) => t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY);
    const keep = had.filter((t) => t.key === want);
    const next = [...taints, ...keep];
    if (want && !keep.some((t) => t.effect === 'NoSchedule')) next.push({ key: want, effect: 'NoSchedule' });
    if (want && !keep.some((t) => t.effect === 'NoExecute')) next.push({ key: want, effect: 'NoExecute', timeAdded: rfc3339(nowMs) });
    if (next.length !== (n.spec?.taints ?? []).length || next.some((t, i) => t !== (n.spec?.taints ?? [])[i])) d.taints = next;
    if (d.conditions || d.taints || d.markPodsNotReady) out.push(d);
  }
  return out;
}

/** nodeConditionToTaintKeyStatusMap (node_lifecycle_controller.go): condition type → status → taint key. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/**
 * doNoScheduleTaintingPass (run on every node add and update, not on the 5 s monitor): the
 * NoSchedule taints the node's conditions call for (Ready False → not-ready, Unknown →
 * unreachable, a pressure condition True → its taint) and node.kubernetes.io/unschedulable for a
 * cordoned node (spec.unschedulable). Returns the node's new taints when they must change, else
 * undefined. The NoExecute taints stay the monitor's (monitorNodeHealth).
 */
export function noScheduleTaintPass(n: KubeObject): unknown[] | undefined {
  const want: string[] = [];
  for (const c of (n.status?.conditions ?? []) as { type: string; status: string }[]) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) want.push(key);
  }
  if (n.spec?.unschedulable) want.push(TAINT_UNSCHEDULABLE);
  const taints = (n.spec?.taints ?? []) as { key: string; effect: string }[];
  const managed = (t: { key: string; effect: string }) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key));
  const have = taints.filter(managed).map((t) => t.key);
  if (have.length === want.length && want.every((k) => have.includes(k))) return undefined;
  return [...taints.filter((t) => !managed(t) || want.includes(t.key)), ...want.filter((k) => !have.includes(k)).map((key) => ({ key, effect: 'NoSchedule' }))];
}
