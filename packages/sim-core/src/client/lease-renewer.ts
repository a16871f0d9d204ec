/**
 * Keeping a coordination.k8s.io/v1 Lease fresh, the two ways Kubernetes components do it:
 *  - a node lease: the kubelet renews kube-node-lease/<node> every 10 s (renewInterval = 0.25 ×
 *    40 s lease duration) with wait.JitterUntil(…, 0.04, sliding) — the next renewal is timed
 *    from the end of the last one, plus up to 4 % jitter;
 *  - leader election: kube-scheduler and kube-controller-manager renew kube-system/<component>
 *    every RetryPeriod (2 s), lease duration 15 s.
 * Both update with the resourceVersion of their last write (the optimistic fast path) and, on a
 * 409 Conflict, read the lease again and retry.
 *
 * Upstream: k8s.io/component-helpers/apimachinery/lease/controller.go (Run, sync,
 * retryUpdateLease), k8s.io/client-go/tools/leaderelection/leaderelection.go (renew,
 * tryAcquireOrRenew), pkg/kubelet/kubelet.go (nodeLeaseRenewIntervalFraction 0.25),
 * component-base/config/v1alpha1/defaults.go (LeaseDuration 15s, RenewDeadline 10s, RetryPeriod 2s).
 * Leaves out: acquiring a lease held by someone else (the lab's leases start held), renew deadlines.
 */
import { microTime, type KubeObject } from '../objects/meta';

export { microTime };
import type { StepEnv } from '../kernel/model';

export interface LeaseSpecConfig {
  name: string;
  namespace: string;
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** Renewal period, µs. */
  periodUs: number;
  /** wait.JitterUntil's maxFactor (0 for none). */
  jitterFactor: number;
}


export const leasePath = (c: LeaseSpecConfig): string => `/apis/coordination.k8s.io/v1/namespaces/${c.namespace}/leases/${c.name}`;

export function nextRenewalUs(c: LeaseSpecConfig, env: StepEnv): number {
  return c.jitterFactor > 0 ? c.periodUs + Math.floor(env.rng.float() * c.jitterFactor * c.periodUs) : c.periodUs;
}

export function renewedLease(c: LeaseSpecConfig, last: KubeObject, env: StepEnv): KubeObject {
  const nowUs = env.epochMs * 1000 + env.now;
  const l = structuredClone(last);
  l.spec = { ...l.spec, holderIdentity: c.holderIdentity, leaseDurationSeconds: c.leaseDurationSeconds, renewTime: microTime(nowUs) };
  return l;
}
