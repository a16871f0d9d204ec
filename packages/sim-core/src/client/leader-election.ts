/**
 * A leader-election Lease kept by a control-plane component (kube-scheduler,
 * kube-controller-manager): read kube-system/<component> once, then update it every RetryPeriod
 * (2 s) with the resourceVersion of the last write; on 409 Conflict read it again.
 *
 * Upstream: k8s.io/client-go/tools/leaderelection/leaderelection.go (renew, tryAcquireOrRenew),
 * resourcelock/leaselock.go (Get, Update), component-base/config/v1alpha1/defaults.go
 * (LeaseDuration 15 s, RenewDeadline 10 s, RetryPeriod 2 s).
 * Leaves out: acquiring a lease held by another candidate (the lab's leases start held by the one
 * instance), the renew deadline giving up leadership.
 */
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import type { Input, Output, StepEnv } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import { request, type ApiConnection } from './api-connection';
import { leasePath, nextRenewalUs, renewedLease, type LeaseSpecConfig } from './lease-renewer';

export interface LeaderElectionState {
  lease: KubeObject | null;
  stream: number | null;
  op: 'get' | 'update' | null;
}

export const RENEW_TIMER = 'renew';

export const newLeaderElection = (): LeaderElectionState => ({ lease: null, stream: null, op: null });

function leaseRequest(le: LeaderElectionState, api: ApiConnection, config: LeaseSpecConfig, op: 'get' | 'update', ua: string, env: StepEnv): Output {
  le.op = op;
  const r = op === 'get' ? request(api, 'GET', leasePath(config), undefined, ua) : request(api, 'PUT', leasePath(config), renewedLease(config, le.lease!, env), ua);
  le.stream = r.stream;
  return r.output;
}

/** Once the connection is up: read the lease, then keep renewing it. */
export function startLeaderElection(le: LeaderElectionState, api: ApiConnection, config: LeaseSpecConfig, ua: string, env: StepEnv): Output[] {
  return [leaseRequest(le, api, config, 'get', ua, env)];
}

/** The renew timer and the lease's HTTP responses; anything else is not handled. */
export function onLeaderElectionInput(le: LeaderElectionState, api: ApiConnection, config: LeaseSpecConfig, ua: string, input: Input, env: StepEnv): { handled: boolean; outputs: Output[] } {
  if (input.type === 'timer' && input.name === RENEW_TIMER) return { handled: true, outputs: [leaseRequest(le, api, config, le.lease ? 'update' : 'get', ua, env)] };
  if (input.type !== 'message' || input.kind !== HTTP_RESPONSE) return { handled: false, outputs: [] };
  const res = input.payload as HttpResponse;
  if (res.conn !== api.conn || res.stream !== le.stream) return { handled: false, outputs: [] };
  const was = le.op;
  le.stream = null;
  le.op = null;
  if (res.status === 200 && was === 'get') {
    le.lease = res.body as KubeObject;
    return { handled: true, outputs: [leaseRequest(le, api, config, 'update', ua, env)] };
  }
  const outputs: Output[] = [];
  if (res.status === 200) {
    le.lease = res.body as KubeObject;
    outputs.push({ type: 'note', kind: 'lease.renewed', data: { lease: `${config.namespace}/${config.name}`, renewTime: le.lease.spec?.renewTime, resourceVersion: le.lease.metadata.resourceVersion } });
  } else if (res.status === 409) le.lease = null;
  outputs.push({ type: 'timer', name: RENEW_TIMER, afterUs: nextRenewalUs(config, env) });
  return { handled: true, outputs };
}
