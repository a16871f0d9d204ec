/**
 * kube-controller-manager as one process: it keeps its leader-election Lease (kube-system/
 * kube-controller-manager, renewed every RetryPeriod 2 s) and runs controllers off shared
 * informers (deployments, replicasets, pods) on one connection to kube-apiserver:
 *  - deployment: deployment.ts (new ReplicaSet per template hash, rolling update, status);
 *  - replicaset: replicaset.ts (pods from the template in slow-start batches, expectations,
 *    deletion ranking, status through replicasets/status; nothing created or deleted for a
 *    ReplicaSet being deleted);
 *  - garbage collector: garbage-collector.ts (background, foreground and orphan cascades over the
 *    ownerReferences of the informers' objects);
 *  - namespace: namespace.ts (a Terminating namespace emptied, pods first, then finalized);
 *  - node lifecycle, taint eviction, EndpointSlice/Endpoints, ServiceAccount (their files);
 *  - the PersistentVolume controller's claim side, the resource quota controller and the PVC/PV
 *    protection controllers (persistentvolume-binder.ts, resourcequota.ts, pvc-protection.ts,
 *    wired by volume-and-quota-loops.ts).
 *
 * Upstream (v1.33): cmd/kube-controller-manager/app/controllermanager.go (one process, shared
 * informer factory, leader election), app/apps.go (startDeploymentController,
 * startReplicaSetController: ConcurrentDeploymentSyncs 5, ConcurrentRSSyncs 5), pkg/controller/
 * deployment/deployment_controller.go (handlers: addDeployment, addReplicaSet → enqueue owner),
 * pkg/controller/replicaset/replica_set.go (expectations: ExpectCreations before the POSTs,
 * CreationObserved when the pod is seen in the informer).
 * Leaves out, for now: work-queue rate limiting (but the garbage collector's and the namespace
 * controller's retries) and the worker pools (syncs run in the step that dirtied them, in key
 * order), leader election acquisition (the lease starts held, as in the scenario).
 * Flow narration: the watch carries a trace context beside objects that belong to a flow (see
 * kube-apiserver `traces`); objects stay exactly as upstream writes them.
 */
import type { Certificate } from '../apiserver/authn/x509';
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import { informerList, newInformer, onInformerInput, startInformer, type InformerState } from '../client/informer';
import type { LeaseSpecConfig } from '../client/lease-renewer';
import { ABSENT_OWNER_CACHE_SIZE, attemptToDeleteItem, blockingDependents, deleteOptions, deleteOwnerRefsPatch, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, gcBackoffUs, isDeletingDependents, isOrphaning, objectPath, ownerPath, refsOf, removeFinalizerPatch, WATCHED_OWNER_KINDS, type OwnerLookup, type OwnerRef } from './garbage-collector';
import { NAMESPACE_DELETION_GRACE_PERIOD_US, NAMESPACE_SYNC_PERIOD_US, onSyncResponse, requeueAfterUs, startSync, type ContentResource, type NamespaceSync, type SyncResult } from './namespace';
import { RESOURCES } from '../apiserver/storage/keys';
import { REVISION_ANNOTATION } from './deployment';
import { monitorNodeHealth, NODE_MONITOR_PERIOD_US, type NodeHealth } from './node-lifecycle';
import { evictionTime } from './taint-eviction';
import { desiredEndpointsSubsets, desiredSlice, MANAGED_BY, newEndpointSlice, SERVICE_NAME_LABEL } from './endpointslice';
import { newVolumeQuotaState, onVolumeQuotaResponse, volumeQuotaStep, watchedByVolumeQuotaLoops, type VolumeQuotaState, type VqRequest } from './volume-and-quota-loops';
import type { Delta } from '../client/informer';

const INFORMERS = ['deployments', 'replicasets', 'pods', 'nodes', 'leases', 'services', 'endpointslices', 'endpoints', 'namespaces', 'serviceaccounts', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'resourcequotas'] as const;
import { newLeaderElection, onLeaderElectionInput, startLeaderElection, type LeaderElectionState } from '../client/leader-election';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output } from '../kernel/model';
import { calendarMs, parseRfc3339, rfc3339, type KubeObject } from '../objects/meta';
import { syncDeployment } from './deployment';
import { controllerOf, podFromTemplate, slowStartBatches, syncReplicaSet, type RsExpectations } from './replicaset';


/** DynamicControllerClientBuilder's token lifetime (pkg/controller/client_builder_dynamic.go defaultExpirationSeconds). */
export const TOKEN_EXPIRATION_S = 3600;
export const CONTROLLERS = ['deployment-controller', 'replicaset-controller', 'generic-garbage-collector', 'node-controller', 'taint-eviction-controller', 'endpointslice-controller', 'endpoint-controller', 'service-account-controller', 'namespace-controller', 'persistent-volume-binder', 'resourcequota-controller', 'pvc-protection-controller', 'pv-protection-controller'];
const CONTROLLER_OF: Record<string, string> = {
  'create-rs': 'deployment-controller',
  'scale-rs': 'deployment-controller',
  'deploy-status': 'deployment-controller',
  'create-pod': 'replicaset-controller',
  'delete-pod': 'replicaset-controller',
  'rs-status': 'replicaset-controller',
  'gc-confirm': 'generic-garbage-collector',
  'gc-delete': 'generic-garbage-collector',
  'gc-patch': 'generic-garbage-collector',
  'gc-finalizer': 'generic-garbage-collector',
  'gc-orphan': 'generic-garbage-collector',
  'ns-sync': 'namespace-controller',
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
  'pv-claim-update': 'persistent-volume-binder',
  'pv-event': 'persistent-volume-binder',
  'quota-status': 'resourcequota-controller',
  'pvc-protection': 'pvc-protection-controller',
  'pv-protection': 'pv-protection-controller',
};

type What = 'create-pod' | 'delete-pod' | 'create-rs' | 'scale-rs' | 'rs-status' | 'deploy-status' | 'gc-confirm' | 'gc-delete' | 'gc-patch' | 'gc-orphan' | 'gc-finalizer' | 'ns-sync' | 'node-status' | 'node-taint' | 'pod-notready' | 'evict' | 'slice-create' | 'slice-update' | 'endpoints-write' | 'event-deployment' | 'event-replicaset' | 'sa-create' | 'pv-claim-update' | 'pv-event' | 'quota-status' | 'pvc-protection' | 'pv-protection';

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
  /** garbage collector: dependents (by uid) with a confirm GET, a DELETE or an ownerReferences PATCH in flight. */
  gcPending: Record<string, true>;
  /** garbage collector: owners (by uid) whose finalizer removal is in flight. */
  gcOwnerPending: Record<string, true>;
  /** garbage collector: absentOwnerCache ("namespace/uid" of owners confirmed gone), oldest first. */
  gcAbsent: string[];
  /** garbage collector: failures per item (uid), for the rate-limited retry. */
  gcFailures: Record<string, number>;
  /** garbage collector: owners (uid → "kind/namespace/name") being deleted in the foreground or orphaning. */
  gcOwners: Record<string, string>;
  /** garbage collector: orphaning jobs by owner uid — the dependents' PATCHes still running, whether one failed. */
  gcOrphanJobs: Record<string, { remaining: number; failed: boolean; kind: string; key: string }>;
  /** namespace controller: the queue (name → when due, µs), syncs in flight, re-adds while in flight, failures. */
  nsDue: Record<string, number>;
  nsSync: Record<string, NamespaceSync>;
  nsAgain: Record<string, true>;
  nsFailures: Record<string, number>;
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
  /** The PV controller's and the resource quota controller's loops (volume-and-quota-loops.ts). */
  vq?: VolumeQuotaState;
}

const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
/** The owner kinds the garbage collector judges, with their informers. */
const GC_OWNER_INFORMERS = [
  ['Deployment', 'deployments'],
  ['ReplicaSet', 'replicasets'],
  ['Service', 'services'],
] as const;
const gcKindOf = (informer: string): string => GC_OWNER_INFORMERS.find(([, i]) => i === informer)?.[0] ?? 'Pod';
/** What the namespace controller deletes: the namespaced resources the API serves with the delete verb (its discovery). */
const NAMESPACED_CONTENT: ContentResource[] = RESOURCES.filter((r) => r.namespaced && !r.virtual && r.verbs.includes('delete')).map((r) => ({ group: r.group, version: r.version, resource: r.resource }));
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
        persistentvolumeclaims: newInformer('persistentvolumeclaims', '/api/v1/persistentvolumeclaims', ua),
        persistentvolumes: newInformer('persistentvolumes', '/api/v1/persistentvolumes', ua),
        storageclasses: newInformer('storageclasses', '/apis/storage.k8s.io/v1/storageclasses', ua),
        resourcequotas: newInformer('resourcequotas', '/api/v1/resourcequotas', ua),
      },
      saInflight: {},
      epInflight: {},
      owned: {},
      noExecuteNodes: {},
      revisionWrites: {},
      nodeHealth: {},
      monitoring: false,
      gcPending: {},
      gcOwnerPending: {},
      gcAbsent: [],
      gcFailures: {},
      gcOwners: {},
      gcOrphanJobs: {},
      nsDue: {},
      nsSync: {},
      nsAgain: {},
      nsFailures: {},
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
      // The collector's patches are JSON merge patches (application/merge-patch+json).
      const sendMergePatch = (path: string, body: unknown, what: What, k: string, dep?: { path: string; uid: string; kind: string }) => {
        send('PATCH', path, body, what, k, undefined, dep);
        const o = out[out.length - 1] as { payload: { headers: Record<string, string> } };
        o.payload.headers['Content-Type'] = 'application/merge-patch+json';
      };
      const gcFailed = (uid: string) => {
        const n = (s.gcFailures[uid] = (s.gcFailures[uid] ?? 0) + 1);
        out.push({ type: 'timer', name: 'gc-retry', afterUs: gcBackoffUs(n) });
      };
      // namespace controller's queue: AddAfter keeps the earliest time an item is due.
      const nsAddAfter = (name: string, afterUs: number) => {
        const due = env.now + afterUs;
        if (s.nsDue[name] !== undefined && s.nsDue[name]! <= due) return;
        s.nsDue[name] = due;
        out.push({ type: 'timer', name: `ns:${name}`, afterUs });
      };
      const nsAdvance = (name: string, r: SyncResult) => {
        if (r.type === 'request') {
          send(r.req.method, r.req.path, r.req.body, 'ns-sync', name);
          return;
        }
        delete s.nsSync[name];
        if (r.type === 'error') s.nsFailures[name] = (s.nsFailures[name] ?? 0) + 1;
        else if (r.type === 'ok') delete s.nsFailures[name];
        out.push({ type: 'note', kind: 'namespace-controller.synced', data: { namespace: name, ...(r.type === 'ok' ? { done: true } : r.type === 'remaining' ? { contentRemaining: true, estimateSeconds: r.estimate } : { error: r.error }) } });
        let delay = requeueAfterUs(r, s.nsFailures[name] ?? 0);
        if (s.nsAgain[name]) {
          delete s.nsAgain[name];
          delay = 0;
        }
        if (delay !== undefined) nsAddAfter(name, delay);
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
      let gcDirty = false;
      let podsOrNodesChanged = false;
      let endpointsDirty = false;
      let accountsDirty = false;
      const vqDeltas: { informer: string; delta: Delta }[] = [];
      // PV controller and resource quota controller requests (volume-and-quota-loops.ts); event patches are strategic merge patches.
      const sendVq = (r: VqRequest) => {
        send(r.method, r.path, r.body, r.what, r.key);
        if (r.contentType) (out[out.length - 1] as { payload: { headers: Record<string, string> } }).payload.headers['Content-Type'] = r.contentType;
      };
      const vqNanos = BigInt(env.epochMs) * 1_000_000n + BigInt(env.now) * 1000n;
      for (const n of INFORMERS) {
        const r = onInformerInput(s.informers[n], s.api, input, env);
        if (!r.handled) continue;
        handled = true;
        out.push(...r.outputs);
        for (const d of r.deltas) {
          const o = d.obj;
          if (d.type === 'delete' && (n === 'deployments' || n === 'replicasets' || n === 'services')) ownersGone = true;
          // garbage collector (graph_builder processTransitions): owners that start waiting for their
          // dependents' deletion or orphaning; their dependents' changes matter while they do.
          if (n === 'deployments' || n === 'replicasets' || n === 'services') {
            const uid = o.metadata.uid!;
            if (d.type !== 'delete' && (isDeletingDependents(o) || isOrphaning(o))) {
              s.gcOwners[uid] = `${n}/${key(o)}`;
              gcDirty = true;
            } else if (s.gcOwners[uid]) delete s.gcOwners[uid];
          }
          if ((n === 'pods' || n === 'replicasets' || n === 'endpointslices') && Object.keys(s.gcOwners).length > 0) gcDirty = true;
          // namespace controller (enqueueNamespace): a namespace being deleted, after namespaceDeletionGracePeriod.
          if (n === 'namespaces' && d.type !== 'delete' && o.metadata.deletionTimestamp) nsAddAfter(o.metadata.name, NAMESPACE_DELETION_GRACE_PERIOD_US);
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
          if (watchedByVolumeQuotaLoops(n)) vqDeltas.push({ informer: n, delta: d });
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
            // isDangling: the owner is really gone (404) or is another object now (uid) — remember
            // it in the absentOwnerCache and look at the dependent again.
            delete s.gcPending[st.dep.uid];
            const ownerUid = (res.body as KubeObject | undefined)?.metadata?.uid;
            const ownerRef = JSON.parse(st.key) as { uid: string; ns: string };
            if (res.status === 404 || (res.status === 200 && ownerUid !== ownerRef.uid)) {
              s.gcAbsent.push(`${ownerRef.ns}/${ownerRef.uid}`);
              if (s.gcAbsent.length > ABSENT_OWNER_CACHE_SIZE) s.gcAbsent.shift();
              gcDirty = true;
            } else if (res.status !== 200) gcFailed(st.dep.uid);
          }
          if ((st.what === 'gc-delete' || st.what === 'gc-patch') && st.dep) {
            delete s.gcPending[st.dep.uid];
            if (res.status >= 300 && res.status !== 404) gcFailed(st.dep.uid);
            else delete s.gcFailures[st.dep.uid];
          }
          if (st.what === 'gc-orphan') {
            // orphanDependents: once every dependent is patched, remove the orphan finalizer.
            const job = s.gcOrphanJobs[st.key];
            if (job) {
              if (res.status >= 300 && res.status !== 404) job.failed = true;
              if (--job.remaining === 0) {
                delete s.gcOrphanJobs[st.key];
                const owner = (s.informers as Record<string, InformerState>)[job.kind]?.cache[job.key];
                if (job.failed || !owner || owner.metadata.uid !== st.key) {
                  delete s.gcOwnerPending[st.key];
                  gcFailed(st.key);
                } else {
                  out.push({ type: 'note', kind: 'gc.remove-finalizer', data: { owner: `${owner.kind ?? job.kind}/${job.key}`, finalizer: FINALIZER_ORPHAN } });
                  sendMergePatch(objectPath(gcKindOf(job.kind), owner.metadata.namespace!, owner.metadata.name), removeFinalizerPatch(owner, FINALIZER_ORPHAN), 'gc-finalizer', st.key);
                }
              }
            }
          }
          if (st.what === 'gc-finalizer') {
            delete s.gcOwnerPending[st.key];
            if (res.status >= 300 && res.status !== 404) gcFailed(st.key);
            else delete s.gcFailures[st.key];
          }
          if (st.what === 'ns-sync' && s.nsSync[st.key]) nsAdvance(st.key, onSyncResponse(s.nsSync[st.key]!, res.status, res.body, nowMs, nowIso));
          if (st.what === 'evict') delete s.evicting[st.key];
          if (st.what === 'deploy-status') delete s.revisionWrites[st.key];
          if (st.what === 'sa-create') delete s.saInflight[st.key];
          if (st.what === 'pv-claim-update' || st.what === 'pv-event' || st.what === 'quota-status' || st.what === 'pvc-protection' || st.what === 'pv-protection') for (const r of onVolumeQuotaResponse((s.vq ??= newVolumeQuotaState()), st.what, st.key, res.status, res.body, nowMs, vqNanos)) sendVq(r);
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
        // The namespace controller's workers wait for the cache too: a namespace due now waits again.
        if (input.type === 'timer' && input.name.startsWith('ns:')) {
          delete s.nsDue[input.name.slice(3)];
          nsAddAfter(input.name.slice(3), NAMESPACE_DELETION_GRACE_PERIOD_US);
        }
        return { state: s, outputs: out };
      }
      // The caches do not change for the rest of this step: list each once, and index by owner.
      const memo: Partial<Record<(typeof INFORMERS)[number], KubeObject[]>> = {};
      const list = (n: (typeof INFORMERS)[number]) => (memo[n] ??= informerList(s.informers[n]));
      const ownedBy = (uid: string | undefined, n: 'pods' | 'replicasets') => {
        const inf = n === 'pods' ? s.informers.pods : s.informers.replicasets;
        // Pods in the order the informer first saw them (deterministic; the ReplicaSet sync counts
        // them and ranks deletions by a total order); ReplicaSets in key order, as the Deployment sync reads them.
        const out: KubeObject[] = [];
        const keys = s.owned[`${n}/${uid}`] ?? {};
        for (const k of n === 'pods' ? Object.keys(keys) : Object.keys(keys).sort()) {
          // The index follows every delta's controllerRef, so its entries are exactly the controlled objects.
          const o = inf.cache[k];
          if (o) out.push(o);
        }
        return out;
      };
      // node lifecycle: the monitor runs every NodeMonitorPeriod once the caches are synced.
      if (!s.monitoring) {
        s.monitoring = true;
        out.push({ type: 'timer', name: 'node-monitor', afterUs: NODE_MONITOR_PERIOD_US });
        out.push({ type: 'timer', name: 'ns-resync', afterUs: NAMESPACE_SYNC_PERIOD_US });
        ownersGone = true;
        podsOrNodesChanged = true;
      }
      // PersistentVolume controller (claims) and resource quota controller.
      for (const r of volumeQuotaStep((s.vq ??= newVolumeQuotaState()), input, vqDeltas, (n) => list(n as (typeof INFORMERS)[number]), nowMs, vqNanos, out)) sendVq(r);
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
      // namespace controller (namespace.ts): the namespace informer's resync (--namespace-sync-period)
      // re-adds every namespace being deleted; a due namespace starts a sync unless one is running.
      if (input.type === 'timer' && input.name === 'ns-resync') {
        out.push({ type: 'timer', name: 'ns-resync', afterUs: NAMESPACE_SYNC_PERIOD_US });
        for (const ns of list('namespaces')) if (ns.metadata.deletionTimestamp) nsAddAfter(ns.metadata.name, NAMESPACE_DELETION_GRACE_PERIOD_US);
      }
      if (input.type === 'timer' && input.name.startsWith('ns:')) {
        const name = input.name.slice(3);
        delete s.nsDue[name];
        if (s.nsSync[name]) s.nsAgain[name] = true;
        else {
          const started = startSync(name, NAMESPACED_CONTENT);
          s.nsSync[name] = started.sync;
          nsAdvance(name, started.next);
        }
      }
      // garbage collector (garbage-collector.ts): owners orphaning or deleting their dependents
      // first, then every dependent whose owners are gone or wait for their dependents' deletion.
      if (ownersGone || gcDirty || (input.type === 'timer' && input.name === 'gc-retry')) {
        const ownerCaches: Record<string, Record<string, KubeObject>> = { Deployment: s.informers.deployments.cache, ReplicaSet: s.informers.replicasets.cache, Service: s.informers.services.cache };
        const dependents: [string, KubeObject][] = [];
        for (const [kind, inf] of [['ReplicaSet', 'replicasets'], ['Pod', 'pods'], ['EndpointSlice', 'endpointslices']] as const) for (const o of list(inf)) if (refsOf(o).length > 0) dependents.push([kind, o]);
        const byOwner: Record<string, [string, KubeObject][]> = {};
        for (const d of dependents) for (const r of refsOf(d[1])) (byOwner[r.uid] ??= []).push(d);
        const lookup =
          (ns: string) =>
          (r: OwnerRef): OwnerLookup => {
            if (!WATCHED_OWNER_KINDS.includes(r.kind)) return { state: 'unjudged' };
            const owner = ownerCaches[r.kind]?.[`${ns}/${r.name}`];
            if (owner && owner.metadata.uid === r.uid) return { state: 'present', owner };
            return s.gcAbsent.includes(`${ns}/${r.uid}`) ? { state: 'absent' } : { state: 'unconfirmed' };
          };
        const attempt = ([kind, d]: [string, KubeObject]) => {
          const uid = d.metadata.uid!;
          if (s.gcPending[uid]) return;
          const ns = d.metadata.namespace!;
          const a = attemptToDeleteItem(d, lookup(ns), (byOwner[uid]?.length ?? 0) > 0);
          if (a.type === 'none') return;
          const dep = { path: objectPath(kind, ns, d.metadata.name), uid, kind };
          s.gcPending[uid] = true;
          if (a.type === 'confirm') send('GET', ownerPath(ns, a.ref), undefined, 'gc-confirm', JSON.stringify({ uid: a.ref.uid, ns }), undefined, dep);
          else if (a.type === 'patch-owner-refs') {
            out.push({ type: 'note', kind: 'gc.remove-owner-references', data: { dependent: dep.path, owners: a.remove } });
            sendMergePatch(dep.path, deleteOwnerRefsPatch(d, a.remove), 'gc-patch', uid, dep);
          } else {
            out.push({ type: 'note', kind: 'gc.delete', data: { dependent: dep.path, kind, reason: 'none of its owners keeps it: each is gone or waiting for its dependents to be deleted', propagationPolicy: a.policy } });
            send('DELETE', dep.path, deleteOptions(d, a.policy), 'gc-delete', uid, undefined, dep);
          }
        };
        for (const [kind, inf] of GC_OWNER_INFORMERS) {
          for (const owner of list(inf)) {
            if (!owner.metadata.deletionTimestamp) continue;
            const uid = owner.metadata.uid!;
            if (s.gcOwnerPending[uid]) continue;
            const deps = byOwner[uid] ?? [];
            const path = objectPath(kind, owner.metadata.namespace!, owner.metadata.name);
            if (isOrphaning(owner)) {
              // attemptToOrphanWorker: remove this owner from every dependent, then the orphan finalizer.
              s.gcOwnerPending[uid] = true;
              if (deps.length === 0) {
                out.push({ type: 'note', kind: 'gc.remove-finalizer', data: { owner: path, finalizer: FINALIZER_ORPHAN } });
                sendMergePatch(path, removeFinalizerPatch(owner, FINALIZER_ORPHAN), 'gc-finalizer', uid);
                continue;
              }
              s.gcOrphanJobs[uid] = { remaining: deps.length, failed: false, kind: inf, key: key(owner) };
              for (const [dkind, d] of deps) {
                const dpath = objectPath(dkind, d.metadata.namespace!, d.metadata.name);
                out.push({ type: 'note', kind: 'gc.orphan', data: { owner: path, dependent: dpath } });
                sendMergePatch(dpath, deleteOwnerRefsPatch(d, [uid]), 'gc-orphan', uid, { path: dpath, uid: d.metadata.uid!, kind: dkind });
              }
            } else if (isDeletingDependents(owner)) {
              // processDeletingDependentsItem: wait for the blocking dependents, then let the owner go.
              const blocking = blockingDependents(owner, deps.map((d) => d[1]));
              if (blocking.length === 0) {
                s.gcOwnerPending[uid] = true;
                out.push({ type: 'note', kind: 'gc.remove-finalizer', data: { owner: path, finalizer: FINALIZER_FOREGROUND } });
                sendMergePatch(path, removeFinalizerPatch(owner, FINALIZER_FOREGROUND), 'gc-finalizer', uid);
              }
            }
          }
        }
        for (const d of dependents) attempt(d);
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
        // replica_set.go syncReplicaSet: manageReplicas only while the ReplicaSet is not being deleted.
        if (rs.metadata.deletionTimestamp) {
          plan.create = 0;
          plan.delete = [];
        }
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
          // UpdateStatus sends the whole object; a shallow copy with the new status (the cached object stays as it is).
          const upd = { ...rs, status: { ...(rs.status ?? {}), ...plan.status } };
          send('PUT', `/apis/apps/v1/namespaces/${rs.metadata.namespace}/replicasets/${rs.metadata.name}/status`, upd, 'rs-status', rk);
        }
      }
      return { state: s, outputs: out };
    },
  };
}
