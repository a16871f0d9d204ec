/**
 * kube-controller-manager as one process: it keeps its leader-election Lease (kube-system/
 * kube-controller-manager, renewed every RetryPeriod 2 s) and runs controllers off shared
 * informers (deployments, replicasets, pods) on one connection to kube-apiserver:
 *  - deployment: deployment.ts (new ReplicaSet per template hash, rolling update, status);
 *  - replicaset: replicaset.ts (pods from the template in slow-start batches, expectations,
 *    deletion ranking, status through replicasets/status).
 *
 * Upstream (v1.33): cmd/kube-controller-manager/app/controllermanager.go (one process, shared
 * informer factory, leader election), app/apps.go (startDeploymentController,
 * startReplicaSetController: ConcurrentDeploymentSyncs 5, ConcurrentRSSyncs 5), pkg/controller/
 * deployment/deployment_controller.go (handlers: addDeployment, addReplicaSet → enqueue owner),
 * pkg/controller/replicaset/replica_set.go (expectations: ExpectCreations before the POSTs,
 * CreationObserved when the pod is seen in the informer).
 * Leaves out, for now: the garbage collector, node lifecycle, endpointslice, serviceaccount and
 * namespace controllers (issue 7 lists them; not written yet), work-queue rate limiting and the
 * worker pools (syncs run in the step that dirtied them, in key order), leader election
 * acquisition (the lease starts held, as in the scenario).
 * Flow narration: the watch carries a trace context beside objects that belong to a flow (see
 * kube-apiserver `traces`); objects stay exactly as upstream writes them.
 */
import type { Certificate } from '../apiserver/authn/x509';
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import { informerList, newInformer, onInformerInput, startInformer, type InformerState } from '../client/informer';
import type { LeaseSpecConfig } from '../client/lease-renewer';
import { absentOwners, ownerPath } from './garbage-collector';
import { REVISION_ANNOTATION } from './deployment';
import { monitorNodeHealth, NODE_MONITOR_PERIOD_US, type NodeHealth } from './node-lifecycle';
import { evictionTime } from './taint-eviction';
import { desiredEndpointsSubsets, desiredSlice, MANAGED_BY, newEndpointSlice, SERVICE_NAME_LABEL } from './endpointslice';

const INFORMERS = ['deployments', 'replicasets', 'pods', 'nodes', 'leases', 'services', 'endpointslices', 'endpoints', 'namespaces', 'serviceaccounts'] as const;
import { newLeaderElection, onLeaderElectionInput, startLeaderElection, type LeaderElectionState } from '../client/leader-election';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output } from '../kernel/model';
import { calendarMs, parseRfc3339, rfc3339, type KubeObject } from '../objects/meta';
import { syncDeployment } from './deployment';
import { controllerOf, podFromTemplate, slowStartBatches, syncReplicaSet, type RsExpectations } from './replicaset';


/** DynamicControllerClientBuilder's token lifetime (pkg/controller/client_builder_dynamic.go defaultExpirationSeconds). */
export const TOKEN_EXPIRATION_S = 3600;
export const CONTROLLERS = ['deployment-controller', 'replicaset-controller', 'generic-garbage-collector', 'node-controller', 'taint-eviction-controller', 'endpointslice-controller', 'endpoint-controller', 'service-account-controller'];
const CONTROLLER_OF: Record<string, string> = {
  'create-rs': 'deployment-controller',
  'scale-rs': 'deployment-controller',
  'deploy-status': 'deployment-controller',
  'create-pod': 'replicaset-controller',
  'delete-pod': 'replicaset-controller',
  'rs-status': 'replicaset-controller',
  'gc-confirm': 'generic-garbage-collector',
  'gc-delete': 'generic-garbage-collector',
  'node-status': 'node-controller',
  'node-taint': 'node-controller',
  'pod-notready': 'node-controller',
  evict: 'taint-eviction-controller',
  'event-deployment': 'deployment-controller',
  'event-replicaset': 'replicaset-controller',
  'slice-create': 'endpointslice-controller',
  'slice-update': 'endpointslice-controller',
  'endpoints-write': 'endpoint-controller',
  'sa-create': 'service-account-controller',
};

type What = 'create-pod' | 'delete-pod' | 'create-rs' | 'scale-rs' | 'rs-status' | 'deploy-status' | 'gc-confirm' | 'gc-delete' | 'node-status' | 'node-taint' | 'pod-notready' | 'evict' | 'slice-create' | 'slice-update' | 'endpoints-write' | 'event-deployment' | 'event-replicaset' | 'sa-create';

/** An event the controller records once its write succeeds (record.EventRecorder, core/v1). */
interface PendingEvent {
  involved: { kind: string; apiVersion: string; namespace: string; name: string; uid: string; resourceVersion?: string };
  reason: string;
  message: string;
  /** Filled in from the response body: the created object's name. */
  nameFromResponse?: boolean;
}

export interface KcmConfig {
  apiserver: string;
  serverName: string;
  cert: Certificate;
  userAgent: string;
  lease: LeaseSpecConfig;
}

export interface KcmState {
  /** The manager's own client (its certificate): leader election, shared informers, TokenRequests. */
  api: ApiConnection;
  /** The controllers' client: no certificate, each request carries its controller's ServiceAccount token. */
  ctrl: ApiConnection;
  tokens: Record<string, string>;
  tokenStreams: Record<number, string>;
  informersStarted: boolean;
  /** Keys dirtied before the caches synced. */
  pendingSync: { d: Record<string, true>; rs: Record<string, true> };
  informers: Record<(typeof INFORMERS)[number], InformerState>;
  /** ServiceAccount creations in flight, by "namespace/name". */
  saInflight: Record<string, true>;
  /** Pods and ReplicaSets by their controller's uid (kept from the informers' deltas): "<kind>/<uid>" → keys. */
  owned: Record<string, Record<string, true>>;
  /** Nodes carrying a NoExecute taint (kept from the node informer's deltas): taint eviction looks only when there are some. */
  noExecuteNodes: Record<string, true>;
  /** Deployments whose revision-annotation write is in flight (one at a time). */
  revisionWrites: Record<string, true>;
  /** EndpointSlice/Endpoints writes in flight, by service key and kind. */
  epInflight: Record<string, true>;
  /** node lifecycle: heartbeat bookkeeping per node; whether the 5 s monitor timer runs. */
  nodeHealth: Record<string, NodeHealth>;
  monitoring: boolean;
  /** garbage collector: dependents (by uid) with a confirm GET or a DELETE in flight. */
  gcPending: Record<string, true>;
  /** taint eviction: pod key → when it is due (ms), with a timer set for then; pods being deleted. */
  evictAt: Record<string, number>;
  evicting: Record<string, true>;
  election: LeaderElectionState;
  expectations: Record<string, RsExpectations>;
  /** Pending slow-start batches: RS key → remaining batch sizes (the next batch goes when the current one has answered). */
  batches: Record<string, { remaining: number[]; inflight: number; trace?: TraceContext }>;
  /** RS creations in flight, by name (so a second sync does not POST it again). */
  rsInflight: Record<string, true>;
  streams: Record<number, { what: What; key: string; trace?: TraceContext; dep?: { path: string; uid: string; kind: string }; ev?: PendingEvent }>;
  syncs: number;
}

const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
/** The trace context the apiserver's watch carried beside the object (never inside it). */
const traceIn = (inf: InformerState, o: KubeObject | undefined): TraceContext | undefined => (o ? inf.traces[key(o)] : undefined);

export function makeKubeControllerManager(config: KcmConfig): Model<KcmState> {
  const ua = config.userAgent;
  return {
    type: 'kube-controller-manager',
    init: (_p, env) => ({
      api: newConnection(config.apiserver, config.serverName, `${env.self}:6443`, config.cert),
      ctrl: newConnection(config.apiserver, config.serverName, `${env.self}:6443/controllers`),
      tokens: {},
      tokenStreams: {},
      informersStarted: false,
      pendingSync: { d: {}, rs: {} },
      informers: {
        deployments: newInformer('deployments', '/apis/apps/v1/deployments', ua),
        replicasets: newInformer('replicasets', '/apis/apps/v1/replicasets', ua),
        pods: newInformer('pods', '/api/v1/pods', ua),
        nodes: newInformer('nodes', '/api/v1/nodes', ua),
        leases: newInformer('leases', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', ua),
        services: newInformer('services', '/api/v1/services', ua),
        endpointslices: newInformer('endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', ua),
        endpoints: newInformer('endpoints', '/api/v1/endpoints', ua),
        namespaces: newInformer('namespaces', '/api/v1/namespaces', ua),
        serviceaccounts: newInformer('serviceaccounts', '/api/v1/serviceaccounts', ua),
      },
      saInflight: {},
      epInflight: {},
      owned: {},
      noExecuteNodes: {},
      revisionWrites: {},
      nodeHealth: {},
      monitoring: false,
      gcPending: {},
      evictAt: {},
      evicting: {},
      election: newLeaderElection(),
      expectations: {},
      batches: {},
      rsInflight: {},
      streams: {},
      syncs: 0,
    }),
    step(s, input, env) {
      const out: Output[] = [];
      const nowIso = rfc3339(calendarMs(env.epochMs, env.now));
      const send = (method: string, path: string, body: unknown, what: What, k: string, trace?: TraceContext, dep?: { path: string; uid: string; kind: string }, ev?: PendingEvent) => {
        const controller = CONTROLLER_OF[what]!;
        const r = request(s.ctrl, method, path, body, `${ua.replace(/kubernetes\/leader-election$/, '')}${controller}`, s.tokens[controller]);
        s.streams[r.stream] = { what, key: k, ...(trace ? { trace } : {}), ...(dep ? { dep } : {}), ...(ev ? { ev } : {}) };
        out.push(r.output);
      };
      // tools/record: "<object>.<unix nanos in hex>", source.component = the controller.
      const recordEvent = (what: 'event-deployment' | 'event-replicaset', ev: PendingEvent) => {
        const nanos = BigInt(env.epochMs) * 1_000_000n + BigInt(env.now) * 1000n;
        const component = CONTROLLER_OF[what]!;
        const now = rfc3339(calendarMs(env.epochMs, env.now));
        const body = { apiVersion: 'v1', kind: 'Event', metadata: { name: `${ev.involved.name}.${nanos.toString(16)}`, namespace: ev.involved.namespace }, involvedObject: ev.involved, reason: ev.reason, message: ev.message, source: { component }, firstTimestamp: now, lastTimestamp: now, count: 1, type: 'Normal', eventTime: null, reportingComponent: component, reportingInstance: '' };
        send('POST', `/api/v1/namespaces/${ev.involved.namespace}/events`, body, what, ev.involved.name);
      };
      const ref = (o: KubeObject, kind: string) => ({ kind, namespace: o.metadata.namespace!, name: o.metadata.name, uid: o.metadata.uid!, apiVersion: 'apps/v1', resourceVersion: o.metadata.resourceVersion });
      const nowMs = calendarMs(env.epochMs, env.now);
      const requestToken = (sa: string) => {
        // SAControllerClientBuilder → TokenRequest for kube-system/<controller> (1 h, refreshed at 80 %).
        const r = request(s.api, 'POST', `/api/v1/namespaces/kube-system/serviceaccounts/${sa}/token`, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { audiences: null, expirationSeconds: TOKEN_EXPIRATION_S, boundObjectRef: null }, status: { token: '', expirationTimestamp: null } }, ua);
        s.tokenStreams[r.stream] = sa;
        out.push(r.output);
      };
      if (input.type === 'start') {
        out.push(openConnection(s.api), openConnection(s.ctrl));
        return { state: s, outputs: out };
      }
      const inConn = input.type === 'message' ? (input.payload as { conn?: string } | undefined)?.conn : undefined;
      const hs = inConn === s.ctrl.conn ? onHandshake(s.ctrl, input) : inConn === s.api.conn ? onHandshake(s.api, input) : { handled: false, outputs: [], established: false };
      if (hs.handled) {
        out.push(...hs.outputs);
        if (hs.established && inConn === s.api.conn) {
          out.push(...startLeaderElection(s.election, s.api, config.lease, ua, env));
          for (const sa of CONTROLLERS) requestToken(sa);
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name.startsWith('token:')) {
        requestToken(input.name.slice(6));
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === HTTP_RESPONSE && inConn === s.api.conn && s.tokenStreams[(input.payload as HttpResponse).stream] !== undefined) {
        const res = input.payload as HttpResponse;
        const sa = s.tokenStreams[res.stream]!;
        delete s.tokenStreams[res.stream];
        if (res.status === 201) {
          s.tokens[sa] = (res.body as { status: { token: string } }).status.token;
          out.push({ type: 'note', kind: 'kcm.token', data: { serviceAccount: `kube-system/${sa}`, expirationTimestamp: (res.body as { status: { expirationTimestamp: string } }).status.expirationTimestamp } });
          out.push({ type: 'timer', name: `token:${sa}`, afterUs: Math.floor(TOKEN_EXPIRATION_S * 0.8) * 1_000_000 });
        } else out.push({ type: 'timer', name: `token:${sa}`, afterUs: 1_000_000 });
        // The controllers start once every one of them has its credentials.
        if (!s.informersStarted && CONTROLLERS.every((c) => s.tokens[c])) {
          s.informersStarted = true;
          for (const n of INFORMERS) out.push(...startInformer(s.informers[n], s.api));
        }
        return { state: s, outputs: out };
      }
      const le = onLeaderElectionInput(s.election, s.api, config.lease, ua, input, env);
      if (le.handled) return { state: s, outputs: [...out, ...le.outputs] };
      const dirtyD = new Set<string>();
      const dirtyRs = new Set<string>();
      let handled = false;
      let ownersGone = false;
      let podsOrNodesChanged = false;
      let endpointsDirty = false;
      let accountsDirty = false;
      for (const n of INFORMERS) {
        const r = onInformerInput(s.informers[n], s.api, input, env);
        if (!r.handled) continue;
        handled = true;
        out.push(...r.outputs);
        for (const d of r.deltas) {
          const o = d.obj;
          if (d.type === 'delete' && (n === 'deployments' || n === 'replicasets')) ownersGone = true;
          if (n === 'pods' || n === 'replicasets') {
            const before = d.type === 'update' ? controllerOf((d as { old: KubeObject }).old)?.uid : undefined;
            const now = d.type === 'delete' ? undefined : controllerOf(o)?.uid;
            if (before && before !== now) delete s.owned[`${n}/${before}`]?.[key(o)];
            if (d.type === 'delete') {
              const c = controllerOf(o)?.uid;
              if (c) delete s.owned[`${n}/${c}`]?.[key(o)];
            } else if (now) (s.owned[`${n}/${now}`] ??= {})[key(o)] = true;
          }
          if (n === 'nodes' || n === 'pods') podsOrNodesChanged = true;
          if (n === 'nodes') {
            if (d.type !== 'delete' && (o.spec?.taints ?? []).some((t: { effect?: string }) => t.effect === 'NoExecute')) s.noExecuteNodes[o.metadata.name] = true;
            else delete s.noExecuteNodes[o.metadata.name];
          }
          if (n === 'pods' || n === 'services' || n === 'endpointslices' || n === 'endpoints') endpointsDirty = true;
          if (n === 'namespaces' || n === 'serviceaccounts') accountsDirty = true;
          if (n !== 'deployments' && n !== 'replicasets' && n !== 'pods') continue;
          if (n === 'deployments') {
            dirtyD.add(key(o));
            if (d.type === 'add') out.push(...narrate(d.trace, 'kcm.deployment-seen', { deployment: key(o), generation: o.metadata.generation, replicas: o.spec?.replicas }));
          } else if (n === 'replicasets') {
            dirtyRs.add(key(o));
            const owner = controllerOf(o);
            if (owner?.kind === 'Deployment') dirtyD.add(`${o.metadata.namespace}/${owner.name}`);
            if (d.type === 'add' && s.rsInflight[key(o)]) delete s.rsInflight[key(o)];
          } else {
            const owner = controllerOf(o);
            if (owner?.kind !== 'ReplicaSet') continue;
            const rk = `${o.metadata.namespace}/${owner.name}`;
            dirtyRs.add(rk);
            const e = s.expectations[rk];
            if (e && d.type === 'add') e.add--;
            if (e && d.type === 'delete') e.del--;
            if (e && d.type === 'update' && o.metadata.deletionTimestamp && !(d as { old: KubeObject }).old.metadata.deletionTimestamp) e.del--;
          }
        }
      }
      if (input.type === 'message' && input.kind === HTTP_RESPONSE && !handled) {
        const res = input.payload as HttpResponse;
        const st = s.streams[res.stream];
        if (res.conn === s.ctrl.conn && st) {
          delete s.streams[res.stream];
          if (st.ev && res.status < 300) {
            const name = st.ev.nameFromResponse ? (res.body as KubeObject | undefined)?.metadata?.name : undefined;
            recordEvent(st.what === 'create-rs' || st.what === 'scale-rs' ? 'event-deployment' : 'event-replicaset', name ? { ...st.ev, message: `${st.ev.message}${name}` } : st.ev);
          }
          if (st.what === 'create-pod') {
            const b = s.batches[st.key];
            if (res.status >= 300) {
              // A failed create lowers the expectation (CreationObserved for the skipped pod).
              const e = s.expectations[st.key];
              if (e) e.add--;
            }
            if (b) {
              b.inflight--;
              if (b.inflight === 0) {
                if (res.status >= 300 || b.remaining.length === 0) {
                  // slowStartBatch stops at the first batch with an error; skipped pods are un-expected.
                  const e = s.expectations[st.key];
                  if (e) e.add -= b.remaining.reduce((a, x) => a + x, 0);
                  delete s.batches[st.key];
                } else sendBatch(st.key);
              }
            }
            if (res.status < 300) out.push({ type: 'note', kind: 'kcm.pod-created', data: { replicaset: st.key, pod: (res.body as KubeObject)?.metadata?.name } });
          } else if (st.what === 'create-rs') {
            if (res.status >= 300 && res.status !== 409) delete s.rsInflight[st.key];
          } else if (st.what === 'delete-pod' && res.status >= 300) {
            const e = s.expectations[st.key];
            if (e) e.del--;
          }
          if (st.what === 'gc-confirm' && st.dep) {
            // The owner is really gone (404) or is another object now (uid): delete the dependent.
            const ownerUid = (res.body as KubeObject | undefined)?.metadata?.uid;
            const ownerRef = JSON.parse(st.key) as { uid: string };
            if (res.status === 404 || (res.status === 200 && ownerUid !== ownerRef.uid)) {
              out.push({ type: 'note', kind: 'gc.delete', data: { dependent: st.dep.path, kind: st.dep.kind, reason: 'all owners are gone', propagationPolicy: 'Background' } });
              send('DELETE', st.dep.path, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: st.dep.uid }, propagationPolicy: 'Background' }, 'gc-delete', st.key, undefined, st.dep);
            } else delete s.gcPending[st.dep.uid];
          }
          if (st.what === 'gc-delete' && st.dep) delete s.gcPending[st.dep.uid];
          if (st.what === 'evict') delete s.evicting[st.key];
          if (st.what === 'deploy-status') delete s.revisionWrites[st.key];
          if (st.what === 'sa-create') delete s.saInflight[st.key];
          if (st.what === 'slice-create' || st.what === 'slice-update' || st.what === 'endpoints-write') {
            delete s.epInflight[`${st.what === 'endpoints-write' ? 'ep' : 'slice'}:${st.key}`];
            endpointsDirty = true;
          }
          if (res.status === 409 && st.what !== 'create-rs') {
            if (st.what === 'rs-status' || st.what === 'scale-rs') dirtyRs.add(st.key);
            if (st.what === 'deploy-status') dirtyD.add(st.key);
          }
        }
      }
      function sendBatch(rk: string) {
        const b = s.batches[rk]!;
        const rs = s.informers.replicasets.cache[rk];
        const size = b.remaining.shift()!;
        if (!rs) {
          delete s.batches[rk];
          return;
        }
        b.inflight = size;
        for (let i = 0; i < size; i++) {
          const pod = podFromTemplate(rs);
          send('POST', `/api/v1/namespaces/${rs.metadata.namespace}/pods`, pod, 'create-pod', rk, b.trace, undefined, { involved: ref(rs, 'ReplicaSet'), reason: 'SuccessfulCreate', message: 'Created pod: ', nameFromResponse: true });
        }
      }
      // cache.WaitForCacheSync: no controller syncs until all three informers have listed; then
      // every object is queued once (the informers' initial adds).
      const synced = INFORMERS.every((n) => s.informers[n].hasSynced);
      if (!synced) {
        for (const k of dirtyD) s.pendingSync.d[k] = true;
        for (const k of dirtyRs) s.pendingSync.rs[k] = true;
        return { state: s, outputs: out };
      }
      // The caches do not change for the rest of this step: list each once, and index by owner.
      const memo: Partial<Record<(typeof INFORMERS)[number], KubeObject[]>> = {};
      const list = (n: (typeof INFORMERS)[number]) => (memo[n] ??= informerList(s.informers[n]));
      const ownedBy = (uid: string | undefined, n: 'pods' | 'replicasets') => {
        const inf = n === 'pods' ? s.informers.pods : s.informers.replicasets;
        return Object.keys(s.owned[`${n}/${uid}`] ?? {})
          .sort()
          .map((k) => inf.cache[k])
          .filter((o): o is KubeObject => !!o && controllerOf(o)?.uid === uid);
      };
      // node lifecycle: the monitor runs every NodeMonitorPeriod once the caches are synced.
      if (!s.monitoring) {
        s.monitoring = true;
        out.push({ type: 'timer', name: 'node-monitor', afterUs: NODE_MONITOR_PERIOD_US });
        ownersGone = true;
        podsOrNodesChanged = true;
      }
      if (input.type === 'timer' && input.name === 'node-monitor') {
        out.push({ type: 'timer', name: 'node-monitor', afterUs: NODE_MONITOR_PERIOD_US });
        const leases: Record<string, KubeObject> = {};
        for (const l of list('leases')) leases[l.metadata.name] = l;
        for (const d of monitorNodeHealth(list('nodes'), leases, s.nodeHealth, nowMs, rfc3339)) {
          const node = s.informers.nodes.cache[d.node];
          if (!node) continue;
          if (d.conditions) {
            out.push({ type: 'note', kind: 'node-lifecycle.unknown', data: { node: d.node, message: 'Kubelet stopped posting node status.' } });
            send('PUT', `/api/v1/nodes/${d.node}/status`, { ...structuredClone(node), status: { ...node.status, conditions: d.conditions } }, 'node-status', d.node);
          }
          if (d.taints) {
            out.push({ type: 'note', kind: 'node-lifecycle.taints', data: { node: d.node, taints: d.taints } });
            send('PATCH', `/api/v1/nodes/${d.node}`, { spec: { taints: d.taints.length ? d.taints : null } }, 'node-taint', d.node);
          }
          if (d.markPodsNotReady) {
            for (const p of list('pods')) {
              if (p.spec?.nodeName !== d.node || p.metadata.deletionTimestamp) continue;
              const conds = ((p.status?.conditions ?? []) as any[]).map((c) => (c.type === 'Ready' && c.status !== 'False' ? { ...c, status: 'False', lastTransitionTime: rfc3339(nowMs) } : c));
              send('PUT', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/status`, { ...structuredClone(p), status: { ...p.status, conditions: conds } }, 'pod-notready', key(p));
            }
          }
        }
      }
      // taint eviction: pods on nodes with NoExecute taints go now, or when their toleration runs out.
      const evictTimer = input.type === 'timer' && input.name.startsWith('evict:') ? input.name.slice(6) : undefined;
      if ((podsOrNodesChanged || evictTimer) && (Object.keys(s.noExecuteNodes).length > 0 || Object.keys(s.evictAt).length > 0)) {
        for (const p of list('pods')) {
          const pk = key(p);
          if (!p.spec?.nodeName || p.metadata.deletionTimestamp || s.evicting[pk]) continue;
          const at = evictionTime(p, s.informers.nodes.cache[p.spec.nodeName], nowMs, parseRfc3339);
          if (at === undefined) {
            delete s.evictAt[pk];
            continue;
          }
          if (at <= nowMs) {
            s.evicting[pk] = true;
            delete s.evictAt[pk];
            out.push({ type: 'note', kind: 'taint-eviction.delete', data: { pod: pk, node: p.spec.nodeName } });
            send('DELETE', `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}`, undefined, 'evict', pk);
          } else if (s.evictAt[pk] !== at) {
            s.evictAt[pk] = at;
            out.push({ type: 'note', kind: 'taint-eviction.scheduled', data: { pod: pk, node: p.spec.nodeName, at: rfc3339(at) } });
            out.push({ type: 'timer', name: `evict:${pk}`, afterUs: (at - nowMs) * 1000 });
          }
        }
      }
      // ServiceAccount controller (pkg/controller/serviceaccount/serviceaccounts_controller.go): every
      // active namespace has a "default" ServiceAccount; a missing one is created.
      if (accountsDirty || ownersGone) {
        for (const ns of list('namespaces')) {
          const k = `${ns.metadata.name}/default`;
          if (ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp || s.informers.serviceaccounts.cache[k] || s.saInflight[k]) continue;
          s.saInflight[k] = true;
          send('POST', `/api/v1/namespaces/${ns.metadata.name}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns.metadata.name } }, 'sa-create', k);
        }
      }
      // EndpointSlice and Endpoints controllers: each selector Service's endpoints follow its pods.
      if (endpointsDirty || ownersGone) {
        for (const svc of list('services')) {
          if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) continue;
          const pods = list('pods');
          const sk = key(svc);
          const want = desiredSlice(svc, pods);
          const slices = list('endpointslices').filter((x) => x.metadata.namespace === svc.metadata.namespace && x.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name && x.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] === MANAGED_BY);
          if (!s.epInflight[`slice:${sk}`]) {
            if (slices.length === 0) {
              s.epInflight[`slice:${sk}`] = true;
              send('POST', `/apis/discovery.k8s.io/v1/namespaces/${svc.metadata.namespace}/endpointslices`, newEndpointSlice(svc, want), 'slice-create', sk);
            } else if (JSON.stringify({ endpoints: slices[0]!.endpoints ?? [], ports: slices[0]!.ports ?? [] }) !== JSON.stringify(want)) {
              s.epInflight[`slice:${sk}`] = true;
              send('PUT', `/apis/discovery.k8s.io/v1/namespaces/${svc.metadata.namespace}/endpointslices/${slices[0]!.metadata.name}`, { ...structuredClone(slices[0]!), endpoints: want.endpoints, ports: want.ports }, 'slice-update', sk);
            }
          }
          if (!s.epInflight[`ep:${sk}`]) {
            const subsets = desiredEndpointsSubsets(svc, pods);
            const ep = s.informers.endpoints.cache[sk];
            if (!ep) {
              s.epInflight[`ep:${sk}`] = true;
              send('POST', `/api/v1/namespaces/${svc.metadata.namespace}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, ...(svc.metadata.labels ? { labels: { ...svc.metadata.labels } } : {}) }, ...(subsets.length ? { subsets } : {}) }, 'endpoints-write', sk);
            } else if (JSON.stringify(ep.subsets ?? []) !== JSON.stringify(subsets)) {
              s.epInflight[`ep:${sk}`] = true;
              const upd = structuredClone(ep);
              if (subsets.length) upd.subsets = subsets;
              else delete upd.subsets;
              send('PUT', `/api/v1/namespaces/${svc.metadata.namespace}/endpoints/${svc.metadata.name}`, upd, 'endpoints-write', sk);
            }
          }
        }
      }
      // garbage collector: dependents whose owners are all gone are deleted (Background).
      if (ownersGone) {
        const caches = { Deployment: s.informers.deployments.cache, ReplicaSet: s.informers.replicasets.cache };
        for (const plural of ['replicasets', 'pods'] as const) {
          for (const o of list(plural)) {
            if (o.metadata.deletionTimestamp || s.gcPending[o.metadata.uid!]) continue;
            const absent = absentOwners(o, caches);
            if (absent.length === 0) continue;
            s.gcPending[o.metadata.uid!] = true;
            const path = plural === 'pods' ? `/api/v1/namespaces/${o.metadata.namespace}/pods/${o.metadata.name}` : `/apis/apps/v1/namespaces/${o.metadata.namespace}/replicasets/${o.metadata.name}`;
            send('GET', ownerPath(o.metadata.namespace!, absent[0]!), undefined, 'gc-confirm', JSON.stringify({ uid: absent[0]!.uid }), undefined, { path, uid: o.metadata.uid!, kind: o.kind ?? plural });
          }
        }
      }
      for (const k of Object.keys(s.pendingSync.d)) dirtyD.add(k);
      for (const k of Object.keys(s.pendingSync.rs)) dirtyRs.add(k);
      s.pendingSync = { d: {}, rs: {} };
      // Deployments first (they may change ReplicaSets), then ReplicaSets, each in key order.
      for (const dk of [...dirtyD].sort()) {
        const d = s.informers.deployments.cache[dk];
        if (!d || d.metadata.deletionTimestamp) continue;
        s.syncs++;
        const owned = ownedBy(d.metadata.uid, 'replicasets').filter((r) => r.metadata.namespace === d.metadata.namespace);
        const plan = syncDeployment(d, owned, nowIso);
        const maxRev = Math.max(0, ...owned.map((r) => Number(r.metadata.annotations?.[REVISION_ANNOTATION] ?? 0)));
        const revision = maxRev > 0 ? String(maxRev) : undefined;
        let statusSent = false;
        const trace = traceIn(s.informers.deployments, d);
        for (const a of plan.actions) {
          if (a.type === 'create-rs') {
            const rk = key(a.rs);
            if (s.rsInflight[rk]) continue;
            s.rsInflight[rk] = true;
            out.push(...narrate(trace, 'kcm.replicaset-created', { deployment: dk, replicaSet: a.rs.metadata.name, podTemplateHash: a.rs.metadata.labels?.['pod-template-hash'], replicas: a.rs.spec.replicas, revision: a.rs.metadata.annotations?.['deployment.kubernetes.io/revision'] }));
            send('POST', `/apis/apps/v1/namespaces/${d.metadata.namespace}/replicasets`, a.rs, 'create-rs', rk, trace, undefined, a.rs.spec.replicas > 0 ? { involved: ref(d, 'Deployment'), reason: 'ScalingReplicaSet', message: `Scaled up replica set ${a.rs.metadata.name} from 0 to ${a.rs.spec.replicas}` } : undefined);
          } else if (a.type === 'scale-rs') {
            const rs = s.informers.replicasets.cache[`${d.metadata.namespace}/${a.name}`];
            if (!rs) continue;
            const upd = structuredClone(rs);
            upd.spec.replicas = a.replicas;
            upd.metadata.annotations = { ...(upd.metadata.annotations ?? {}), ...a.annotations };
            out.push({ type: 'note', kind: 'kcm.scale-rs', data: { deployment: dk, replicaSet: a.name, from: rs.spec.replicas, to: a.replicas } });
            const from = Number(rs.spec.replicas ?? 0);
            const ev = from !== a.replicas ? { involved: ref(d, 'Deployment'), reason: 'ScalingReplicaSet', message: `Scaled ${a.replicas > from ? 'up' : 'down'} replica set ${a.name} from ${from} to ${a.replicas}` } : undefined;
            send('PUT', `/apis/apps/v1/namespaces/${d.metadata.namespace}/replicasets/${a.name}`, upd, 'scale-rs', key(rs), undefined, undefined, ev);
          } else {
            const upd = structuredClone(d);
            upd.status = a.status;
            if (revision) upd.metadata.annotations = { ...(upd.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
            statusSent = true;
            send('PUT', `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments/${d.metadata.name}/status`, upd, 'deploy-status', dk);
          }
        }
        // getNewReplicaSet → SetDeploymentRevision: the Deployment carries its newest ReplicaSet's revision.
        if (!statusSent && revision && d.metadata.annotations?.[REVISION_ANNOTATION] !== revision && !s.revisionWrites[dk]) {
          s.revisionWrites[dk] = true;
          const upd = structuredClone(d);
          upd.metadata.annotations = { ...(upd.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
          send('PUT', `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments/${d.metadata.name}/status`, upd, 'deploy-status', dk);
        }
      }
      for (const rk of [...dirtyRs].sort()) {
        const rs = s.informers.replicasets.cache[rk];
        if (!rs) {
          delete s.expectations[rk];
          continue;
        }
        s.syncs++;
        const owned = ownedBy(rs.metadata.uid, 'pods').filter((p) => p.metadata.namespace === rs.metadata.namespace);
        const exp = s.expectations[rk];
        const plan = syncReplicaSet(rs, owned, exp && !s.batches[rk] ? exp : exp ? { add: 1, del: 0 } : undefined);
        const trace = traceIn(s.informers.replicasets, rs);
        if (plan.create > 0) {
          s.expectations[rk] = { add: plan.create, del: 0 };
          s.batches[rk] = { remaining: slowStartBatches(plan.create), inflight: 0, ...(trace ? { trace } : {}) };
          out.push(...narrate(trace, 'kcm.pods-created', { replicaSet: rk, create: plan.create, batches: s.batches[rk]!.remaining, burstReplicas: 500 }));
          sendBatch(rk);
        } else if (plan.delete.length > 0) {
          s.expectations[rk] = { add: 0, del: plan.delete.length };
          for (const name of plan.delete) send('DELETE', `/api/v1/namespaces/${rs.metadata.namespace}/pods/${name}`, undefined, 'delete-pod', rk, undefined, undefined, { involved: ref(rs, 'ReplicaSet'), reason: 'SuccessfulDelete', message: `Deleted pod: ${name}` });
        }
        if (plan.statusChanged) {
          const upd = structuredClone(rs);
          upd.status = { ...(rs.status ?? {}), ...plan.status };
          send('PUT', `/apis/apps/v1/namespaces/${rs.metadata.namespace}/replicasets/${rs.metadata.name}/status`, upd, 'rs-status', rk);
        }
      }
      return { state: s, outputs: out };
    },
  };
}
