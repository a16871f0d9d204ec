/**
 * The ResourceQuota admission plugin: before an object is stored, charge it to every quota of its
 * namespace that tracks what it uses; refuse it with a 403 if that would go past a hard limit,
 * otherwise write the quotas' new status.used first (a compare-and-swap on each quota's
 * resourceVersion, retried with fresh quotas on conflict) and then let the create through.
 *
 * Upstream (v1.33): k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go —
 * CheckRequest (evaluator.Matches on status.hard, Constraints → "failed quota: <name>: <err>",
 * hasUsageStats → "status unknown for quota: <name>, resources: <names>", quota.IsNegative →
 * "quota usage is negative for resource(s): …", requested = Mask(delta, hard), newUsage =
 * Add(used, requested), LessThanOrEqual → "exceeded quota: <name>, requested: <k=v,…>, used:
 * <k=v,…>, limited: <k=v,…>" with only the exceeded resources, prettyPrint sorting keys),
 * checkQuotas (3 retries; dry-run requests are checked but not charged), admission.NewForbidden
 * (`<resource> "<name>" is forbidden: <err>`); the evaluators in ../../quota/evaluators.ts.
 * Leaves out: updates (a pod becoming terminating, a claim's size growing); the plugin's
 * configured limitedResources (k3s configures none); the per-namespace work queue batching
 * concurrent requests (each create is checked on its own here).
 */
import type { KubeObject } from '../../objects/meta';
import { addList, formatQuantity, formatResourceList, lessThanOrEqual, maskList, negativeResources, parseResourceList, removeZeros, type ResourceList } from '../../objects/quantity';
import { matchingResources, podConstraints, quotaMatches, usageOf } from '../../quota/evaluators';

export const QUOTA_RETRIES = 3;

export type QuotaDecision = { ok: true; updated: KubeObject[] } | { ok: false; message: string };

/** prettyPrint: "k=v" sorted by key, comma-joined. */
export function prettyPrint(l: ResourceList): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}=${formatQuantity(l[k]!)}`)
    .join(',');
}

/**
 * CheckRequest for a create of `resource` ("pods", "persistentvolumeclaims", …; "<resource>.<group>"
 * outside the core group) against the namespace's quotas. `updated` holds copies of the quotas
 * whose status.used changes, to be written before the object.
 */
export function checkQuotaRequest(quotas: KubeObject[], resource: string, obj: KubeObject, nowMs: number): QuotaDecision {
  const interesting: KubeObject[] = [];
  for (const q of quotas) {
    if (!quotaMatches(resource, q, obj)) continue;
    const hard = Object.keys(q.status?.hard ?? {});
    const restricted = matchingResources(resource, hard);
    if (resource === 'pods') {
      const err = podConstraints(restricted, obj);
      if (err) return { ok: false, message: `failed quota: ${q.metadata.name}: ${err}` };
    }
    const used = q.status?.used ?? {};
    if (restricted.some((r) => !(r in used))) return { ok: false, message: `status unknown for quota: ${q.metadata.name}, resources: ${[...restricted].sort().join(',')}` };
    interesting.push(q);
  }
  const input = usageOf(resource, obj, nowMs);
  const negative = negativeResources(input);
  if (negative.length > 0) return { ok: false, message: `quota usage is negative for resource(s): ${negative.sort().join(',')}` };
  const delta = removeZeros(input);
  if (interesting.length === 0 || Object.keys(delta).length === 0) return { ok: true, updated: [] };
  const updated: KubeObject[] = [];
  for (const q of interesting) {
    const hardList = parseResourceList(q.status?.hard);
    const usedList = parseResourceList(q.status?.used);
    const requested = maskList(delta, Object.keys(hardList));
    if (Object.keys(requested).length === 0) continue;
    const newUsage = addList(usedList, requested);
    const check = lessThanOrEqual(maskList(newUsage, Object.keys(requested)), hardList);
    if (!check.ok) {
      return {
        ok: false,
        message: `exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(maskList(requested, check.exceeded))}, used: ${prettyPrint(maskList(usedList, check.exceeded))}, limited: ${prettyPrint(maskList(hardList, check.exceeded))}`,
      };
    }
    const copy = structuredClone(q);
    copy.status = { ...(copy.status ?? {}), used: formatResourceList(newUsage) };
    updated.push(copy);
  }
  return { ok: true, updated };
}
