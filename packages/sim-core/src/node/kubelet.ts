/**
 * kubelet, thin for now: on start it opens its mTLS connection to the apiserver (client
 * certificate CN=system:node:<node>, O=system:nodes, as k3s issues it) and keeps its node Lease
 * renewed, which is how the node lifecycle controller knows the node is alive. The control-plane
 * issue adds pod sync, status and the CRI calls to containerd.
 * Upstream: pkg/kubelet/kubelet.go (node lease controller wiring), see lease-renewer.ts.
 */
import type { Certificate } from '../apiserver/authn/x509';
import type { HttpResponse } from '../apiserver/http';
import { HTTP_RESPONSE } from '../apiserver/http';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import { leasePath, nextRenewalUs, renewedLease, type LeaseSpecConfig } from '../client/lease-renewer';
import type { Model, Output } from '../kernel/model';
import type { KubeObject } from '../objects/meta';

export interface LeaseHolderConfig {
  apiserver: string;
  serverName: string;
  cert: Certificate;
  lease: LeaseSpecConfig;
  userAgent: string;
  /** The lease as it stood when the scenario began (its resourceVersion is filled at first read). */
}

export interface LeaseHolderState {
  api: ApiConnection;
  lease: KubeObject | null;
  renewals: number;
  conflicts: number;
  inflight: 'get' | 'update' | null;
}

/** A process whose visible life is keeping one Lease renewed (kubelet, leader-elected controllers). */
export function makeLeaseHolder(type: string, config: LeaseHolderConfig): Model<LeaseHolderState> {
  return {
    type,
    init: (_p, env) => ({ api: newConnection(config.apiserver, config.serverName, `${env.self}:${6443}`, config.cert), lease: null, renewals: 0, conflicts: 0, inflight: null }),
    step(s, input, env) {
      const out: Output[] = [];
      if (input.type === 'start') {
        out.push(openConnection(s.api));
        return { state: s, outputs: out };
      }
      const hs = onHandshake(s.api, input);
      if (hs.handled) {
        out.push(...hs.outputs);
        if (hs.established) {
          // First sync runs immediately (JitterUntil's sliding loop starts with a call): read the lease.
          s.inflight = 'get';
          out.push(request(s.api, 'GET', leasePath(config.lease), undefined, config.userAgent).output);
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name === 'renew') {
        if (!s.lease) {
          s.inflight = 'get';
          out.push(request(s.api, 'GET', leasePath(config.lease), undefined, config.userAgent).output);
        } else {
          s.inflight = 'update';
          out.push(request(s.api, 'PUT', leasePath(config.lease), renewedLease(config.lease, s.lease, env), config.userAgent).output);
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === HTTP_RESPONSE) {
        const res = input.payload as HttpResponse;
        const was = s.inflight;
        s.inflight = null;
        if (res.status === 200 && was === 'get') {
          s.lease = res.body as KubeObject;
          s.inflight = 'update';
          out.push(request(s.api, 'PUT', leasePath(config.lease), renewedLease(config.lease, s.lease, env), config.userAgent).output);
          return { state: s, outputs: out };
        }
        if (res.status === 200) {
          s.lease = res.body as KubeObject;
          s.renewals++;
          out.push({ type: 'note', kind: 'lease.renewed', data: { lease: `${config.lease.namespace}/${config.lease.name}`, renewTime: s.lease.spec?.renewTime, resourceVersion: s.lease.metadata.resourceVersion } });
        } else if (res.status === 409) {
          s.conflicts++;
          s.lease = null;
        }
        out.push({ type: 'timer', name: 'renew', afterUs: nextRenewalUs(config.lease, env) });
      }
      return { state: s, outputs: out };
    },
  };
}
