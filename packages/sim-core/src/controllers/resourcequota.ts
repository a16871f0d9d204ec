/**
 * The resource quota controller: keeps every ResourceQuota's status — status.hard a copy of
 * spec.hard, status.used what the namespace really uses — by recounting a quota when it is
 * created or its spec.hard changes, when something it counts goes away (a pod deleted or turned
 * Succeeded/Failed, a claim deleted: "replenishment"), and for all quotas every 5 minutes
 * (--resource-quota-sync-period). Admission charges new objects as they are created; this
 * controller gives usage back and corrects drift.
 *
 * Upstream (v1.33): pkg/controller/resourcequota/resource_quota_controller.go (addQuota: a quota
 * whose status.hard differs from spec.hard, or that lacks usage for a tracked resource, goes to
 * the priority queue; UpdateFunc ignores status-only updates; syncResourceQuota: used = previous
 * used overlaid with the recalculated usage, masked to the hard resources, written with
 * UpdateStatus only when hard or used changed; replenishQuota enqueues the namespace's quotas that
 * track the resource), resource_quota_monitor.go (pod updates matter when the pod becomes
 * terminal; deletions always), k8s.io/apiserver/pkg/quota/v1/resources.go (CalculateUsage); the
 * evaluators in ../quota/evaluators.ts.
 * Leaves out: resources whose objects kube-controller-manager here does not list (configmaps,
 * secrets, count/<anything else>): their usage is not filled in, and admission does not charge
 * them; the two work queues and their rate limiting (every due quota is synced in the step).
 */
import type { KubeObject } from '../objects/meta';
import { equalLists, formatResourceList, maskList, parseResourceList, type ResourceList } from '../objects/quantity';
import { calculateUsage } from '../quota/evaluators';

/** --resource-quota-sync-period default. */
export const QUOTA_RESYNC_US = 300_000_000;

/** syncResourceQuota: the quota with its new status, or undefined when nothing changed. */
export function syncResourceQuota(quota: KubeObject, objects: Record<string, KubeObject[]>, nowMs: number): KubeObject | undefined {
  const specHard = parseResourceList(quota.spec?.hard);
  const statusHard = quota.status?.hard ? parseResourceList(quota.status.hard) : undefined;
  const statusUsed = quota.status?.used ? parseResourceList(quota.status.used) : undefined;
  let dirty = !equalLists(specHard, statusHard) || statusHard === undefined || statusUsed === undefined;
  let used: ResourceList = { ...(statusUsed ?? {}) };
  const newUsage = calculateUsage(quota, objects, nowMs);
  for (const [k, v] of Object.entries(newUsage)) used[k] = v;
  used = maskList(used, Object.keys(specHard));
  dirty = dirty || !equalLists(used, statusUsed);
  if (!dirty) return undefined;
  const upd = structuredClone(quota);
  upd.status = { hard: formatResourceList(specHard), used: formatResourceList(used) };
  return upd;
}

/** addQuota's test, and UpdateFunc's: a quota whose spec.hard is not yet in its status (or whose hard changed). */
export function quotaNeedsSync(quota: KubeObject, old?: KubeObject): boolean {
  if (old && equalLists(parseResourceList(old.spec?.hard), parseResourceList(quota.spec?.hard))) return false;
  return true;
}

const terminal = (p: KubeObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Whether a pod update gives quota back (resource_quota_monitor: the pod became terminal). */
export function podReplenishes(oldPod: KubeObject, pod: KubeObject): boolean {
  return !terminal(oldPod) && terminal(pod);
}
