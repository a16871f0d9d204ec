/**
 * The taint eviction controller, pure: a pod bound to a node with NoExecute taints is deleted at
 * once if it does not tolerate one of them, otherwise when its shortest tolerationSeconds runs
 * out (counted from the taint's timeAdded); a toleration without tolerationSeconds keeps it for
 * ever. Every pod gets not-ready/unreachable tolerations of 300 s at admission
 * (DefaultTolerationSeconds), which is why a lost node's pods are replaced about five minutes
 * after the node went Unknown.
 *
 * Upstream (v1.33): pkg/controller/tainteviction/taint_eviction.go (processPodOnNode,
 * getMinTolerationTime; the pod is first given the DisruptionTarget condition, reason
 * "DeletionByTaintManager", then deleted), k8s.io/component-helpers/scheduling/corev1
 * (toleration matching), plugin/pkg/admission/defaulttolerationseconds (300 s).
 * Leaves out: the DisruptionTarget condition patch before the delete, the retry back-off.
 */
import type { KubeObject } from '../objects/meta';

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return true;
  return !t.key ? false : (t.value ?? '') === (taint.value ?? '');
}

/**
 * When (ms since the epoch) the pod must go, or undefined if it may stay (getMinTolerationTime):
 * now for an untolerated NoExecute taint or a tolerationSeconds ≤ 0; otherwise the earliest
 * taint's timeAdded plus the smallest tolerationSeconds among the tolerations used (the first
 * matching one per taint); no tolerationSeconds at all means for ever.
 */
export function evictionTime(pod: KubeObject, node: KubeObject | undefined, nowMs: number, parse: (s: string) => number): number | undefined {
  const taints = ((node?.spec?.taints ?? []) as Taint[]).filter((t) => t.effect === 'NoExecute');
  if (taints.length === 0) return undefined;
  const tols = (pod.spec?.tolerations ?? []) as Toleration[];
  const used: Toleration[] = [];
  for (const taint of taints) {
    const m = tols.find((t) => tolerates(t, taint));
    if (!m) return nowMs;
    used.push(m);
  }
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return nowMs;
    min = min === undefined ? t.tolerationSeconds : Math.min(min, t.tolerationSeconds);
  }
  if (min === undefined) return undefined;
  const start = Math.min(...taints.map((t) => (t.timeAdded ? parse(t.timeAdded) : nowMs)));
  return start + min * 1000;
}
