/**
 * Taints and tolerations as k8s.io/api/core/v1/toleration.go (ToleratesTaint) and
 * component-helpers/scheduling/corev1/helpers.go (FindMatchingUntoleratedTaint,
 * TolerationsTolerateTaint) define them at v1.33: an empty toleration key with operator Exists
 * matches every key; an empty effect matches every effect; operator "" means Equal.
 *
 * Left out: the Gt/Lt toleration operators (alpha after v1.33).
 */
import type { Taint, Toleration } from '../api/types';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | null | undefined, taint: Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** helper.DoNotScheduleTaintsFilterFunc: NoSchedule and NoExecute taints. */
export function doNotScheduleTaint(t: Taint): boolean {
  return t.effect === 'NoSchedule' || t.effect === 'NoExecute';
}

/** The first taint (in node order) passing `filter` that no toleration tolerates, or undefined. */
export function findMatchingUntoleratedTaint(taints: readonly Taint[] | null | undefined, tolerations: readonly Toleration[] | null | undefined, filter: (t: Taint) => boolean): Taint | undefined {
  if (!taints) return undefined;
  for (const taint of taints) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
