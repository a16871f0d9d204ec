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
 * The Deployment and ReplicaSet controllers run as upstream's do: their informer handlers add
 * keys to a rate-limited work queue (workqueue.ts: k8s.io/client-go/util/workqueue/queue.go —
 * a key already waiting is not added twice, a key being synced is re-queued once when its sync
 * is done) and 5 workers each take keys off it; a sync holds its worker until its requests have
 * answered (the clientset's calls block: replica_set.go manageReplicas → slowStartBatch, then
 * updateReplicaSetStatus; deployment/sync.go getNewReplicaSet, rolling.go scaleReplicaSet,
 * syncRolloutStatus), and a failed sync is re-added rate-limited (processNextWorkItem →
 * AddRateLimited; deployment_controller.go handleErr, maxRetries 15).
 * Leaves out, for now: the other controllers' work queues (the garbage collector's and the
 * namespace controller's retries are modelled on their own), leader election acquisition (the
 * lease starts held, as in the scenario).
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
import { monitorNodeHealth, noScheduleTaintPass, NODE_MONITOR_PERIOD_US, type NodeHealth } from './node-lifecycle';
import { allocateNext, CIDR_EXHAUSTED, newCidrSet, occupy, podCIDRPatch, release, type CidrSet } from './node-ipam';

/** k3s's kube-controller-manager flags: --cluster-cidr=10.42.0.0/16, --node-cidr-mask-size 24 (the IPv4 default). */
const CLUSTER_CIDR = '10.42.0.0/16';
const NODE_CIDR_MASK_SIZE = 24;
import { evictionTime } from './taint-eviction';
import { desiredEndpointsSubsets, desiredSlice, MANAGED_BY, newEndpointSlice, SERVICE_NAME_LABEL } from './endpointslice';
import { newVolumeQuotaState, onVolumeQuotaResponse, volumeQuotaStep, watchedByVolumeQuotaLoops, type VolumeQuotaState, type VqRequest } from './volume-and-quota-loops';
import type { Delta } from '../client/informer';

const INFORMERS = ['deployments', 'replicasets', 'pods', 'nodes', 'leases', 'services', 'endpointslices', 'endpoints', 'namespaces', 'serviceaccounts', 'persistentvolumeclaims', 'persistentvolumes', 'storageclasses', 'resourcequotas'] as const;
import { newLeaderElection, onLeaderElectionInput, startLeaderElection, type LeaderElectionState } from '../client/leader-election';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output, StepEnv } from '../kernel/model';
import { calendarMs, parseRfc3339, rfc3339, type KubeObject } from '../objects/meta';
import { newReplicaSetCreatedStatus, syncDeployment } from './deployment';
import { newWorkQueue, wqAdd, wqAddRateLimited, wqBusy, wqDone, wqForget, wqGet, wqNumRequeues, wqOnTimer, type WorkQueue } from './workqueue';
import { addPodBits, controllerOf, isPodActive, planReplicaSet, podFromTemplate, podStatusBits, POD_COUNTED, rsLabelSig, slowStartBatches, statusFromCounts, type RsCounts, type RsExpectations } from './replicaset';


/** app/apps.go defaults: --concurrent-deployment-syncs, --concurrent-replicaset-syncs. */
export const CONCURRENT_DEPLOYMENT_SYNCS = 5;
export const CONCURRENT_RS_SYNCS = 5;
/** deployment_controller.go maxRetries: a Deployment failing this often in a row is dropped from the queue. */
export const DEPLOYMENT_MAX_RETRIES = 15;
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
  'rs-get': 'replicaset-controller',
  'gc-confirm': 'generic-garbage-collector',
  'gc-delete': 'generic-garbage-collector',
  'gc-patch': 'generic-garbage-collector',
  'gc-finalizer': 'generic-garbage-collector',
  'gc-orphan': 'generic-garbage-collector',
  'ns-sync': 'namespace-controller',
  'node-status': 'node-controller',
  'node-taint': 'node-controller',
  'node-cidr': 'node-controller',
  'event-node': 'node-controller',
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

type What = 'node-cidr' | 'event-node' | 'create-pod' | 'delete-pod' | 'create-rs' | 'scale-rs' | 'rs-status' | 'rs-get' | 'deploy-status' | 'gc-confirm' | 'gc-delete' | 'gc-patch' | 'gc-orphan' | 'gc-finalizer' | 'ns-sync' | 'node-status' | 'node-taint' | 'pod-notready' | 'evict' | 'slice-create' | 'slice-update' | 'endpoints-write' | 'event-deployment' | 'event-replicaset' | 'sa-create' | 'pv-claim-update' | 'pv-event' | 'quota-status' | 'pvc-protection' | 'pv-protection';

/**
 * A ReplicaSet sync holding its worker (replica_set.go syncReplicaSet): the ReplicaSet as it read
 * it from the informer (shared, read-only) and the status it computed from the pods it listed
 * then; manageReplicas' creations (slow-start batches: the next goes when the current one has
 * answered) or deletions in flight; then the status write (updateReplicaSetStatus: on failure one
 * GET and one more try, statusUpdateRetries = 1).
 */
interface RsRun {
  rs: KubeObject;
  status: Record<string, unknown>;
  statusChanged: boolean;
  phase: 'create' | 'delete' | 'status' | 'status-get' | 'status-retry';
  remaining: number[];
  inflight: number;
  /** manageReplicas returned an error (a create or delete failed): requeue rate-limited once the status is written. */
  failed: boolean;
  trace?: TraceContext;
}

/** One request of a Deployment sync, in upstream's order (sync.go getNewReplicaSet, rolling.go, syncRolloutStatus). */
type DeploymentOp =
  | { type: 'create-rs'; rs: KubeObject }
  | { type: 'revision'; status?: Record<string, unknown> }
  | { type: 'scale-rs'; rs: KubeObject; replicas: number; annotations: Record<string, string> }
  | { type: 'status'; status: Record<string, unknown> };

/** A Deployment sync holding its worker: the Deployment as read from the informer, its requests still to send (one at a time). */
interface DeploymentRun {
  d: KubeObject;
  ops: DeploymentOp[];
  revision?: string;
}

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
  /** The Deployment and ReplicaSet controllers' work queues (workqueue.ts) and the syncs their workers run, by key. */
  dq: WorkQueue;
  rsq: WorkQueue;
  dRuns: Record<string, DeploymentRun>;
  rsRuns: Record<string, RsRun>;
  informers: Record<(typeof INFORMERS)[number], InformerState>;
  /** ServiceAccount creations in flight, by "namespace/name". */
  saInflight: Record<string, true>;
  /**
   * Pods and ReplicaSets by their controller's uid (kept from the informers' deltas): "<kind>/<uid>"
   * → key → for a pod, its part in its ReplicaSet's status counts (replicaset.ts podStatusBits).
   */
  owned: Record<string, Record<string, number>>;
  /**
   * Per ReplicaSet uid: calculateStatus's counts over the pods it controls, kept from the pod
   * deltas (the sum of their bits in `owned`) so a sync need not walk its pods; `sig` is the label
   * set the fully-labeled bits were judged against. Not valid: walked again at the next sync.
   */
  rsCounts: Record<string, RsCounts & { sig: string; valid: boolean }>;
  /** Nodes carrying a NoExecute taint (kept from the node informer's deltas): taint eviction looks only when there are some. */
  noExecuteNodes: Record<string, true>;
  /** EndpointSlice/Endpoints writes in flight, by service key and kind. */
  epInflight: Record<string, true>;
  /** node lifecycle: heartbeat bookkeeping per node; whether the 5 s monitor timer runs. */
  nodeHealth: Record<string, NodeHealth>;
  monitoring: boolean;
  /** node IPAM's range allocator (node-ipam.ts), made from the node informer's first list. */
  cidrs?: CidrSet;
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
  streams: Record<number, { what: What; key: string; trace?: TraceContext; dep?: { path: string; uid: string; kind: string }; ev?: PendingEvent }>;
  syncs: number;
  /** The PV controller's and the resource quota controller's loops (volume-and-quota-loops.ts). */
  vq?: VolumeQuotaState;
  /** The events recorded in the current simulated microsecond (their names' nanoseconds). */
  eventClock?: { atUs: number; n: number };
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
  // The step's context: set at the start of every step, read by the helpers below, which are made
  // once per process rather than once per step (a step runs to its end before the next begins).
  let s!: KcmState;
  let env!: StepEnv;
  let out!: Output[];
  let nowIso = '';
  let nowMs = 0;
  /** The caches do not change for the rest of a step: each is listed at most once per step. */
  let memo: Partial<Record<(typeof INFORMERS)[number], KubeObject[]>> = {};
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
    // time.Now().UnixNano() in the name: events recorded within one simulated microsecond get
    // successive nanoseconds (the wall clock moves between two events; names never collide).
    const clock = (s.eventClock ??= { atUs: -1, n: 0 });
    if (clock.atUs !== env.now) {
      clock.atUs = env.now;
      clock.n = 0;
    }
    const nanos = BigInt(env.epochMs) * 1_000_000n + BigInt(env.now) * 1000n + BigInt(clock.n++);
    const component = CONTROLLER_OF[what]!;
    const now = rfc3339(calendarMs(env.epochMs, env.now));
    const body = { apiVersion: 'v1', kind: 'Event', metadata: { name: `${ev.involved.name}.${nanos.toString(16)}`, namespace: ev.involved.namespace }, involvedObject: ev.involved, reason: ev.reason, message: ev.message, source: { component }, firstTimestamp: now, lastTimestamp: now, count: 1, type: 'Normal', eventTime: null, reportingComponent: component, reportingInstance: '' };
    send('POST', `/api/v1/namespaces/${ev.involved.namespace}/events`, body, what, ev.involved.name);
  };
  const ref = (o: KubeObject, kind: string) => ({ kind, namespace: o.metadata.namespace!, name: o.metadata.name, uid: o.metadata.uid!, apiVersion: 'apps/v1', resourceVersion: o.metadata.resourceVersion });
  // A pod's part in its ReplicaSet's counts, judged against the ReplicaSet in the cache; without
  // it (or with another label set than the counts were kept for) the counts are walked again.
  const podBits = (p: KubeObject, owner: { kind: string; name: string; uid: string }): number => {
    if (owner.kind !== 'ReplicaSet') return POD_COUNTED;
    const rs = s.informers.replicasets.cache[`${p.metadata.namespace}/${owner.name}`];
    const c = s.rsCounts[owner.uid];
    if (!rs || rs.metadata.uid !== owner.uid) {
      if (c) c.valid = false;
      return podStatusBits(p, undefined);
    }
    if (c && c.sig !== rsLabelSig(rs)) c.valid = false;
    return podStatusBits(p, rs);
  };
  const countPod = (uid: string, bits: number, sign: 1 | -1) => {
    const c = s.rsCounts[uid];
    if (c?.valid) addPodBits(c, bits, sign);
  };
  const requestToken = (sa: string) => {
    // SAControllerClientBuilder → TokenRequest for kube-system/<controller> (1 h, refreshed at 80 %).
    const r = request(s.api, 'POST', `/api/v1/namespaces/kube-system/serviceaccounts/${sa}/token`, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { audiences: null, expirationSeconds: TOKEN_EXPIRATION_S, boundObjectRef: null }, status: { token: '', expirationTimestamp: null } }, ua);
    s.tokenStreams[r.stream] = sa;
    out.push(r.output);
  };
  // PV controller and resource quota controller requests (volume-and-quota-loops.ts); event patches are strategic merge patches.
  const sendVq = (r: VqRequest) => {
    send(r.method, r.path, r.body, r.what, r.key);
    if (r.contentType) (out[out.length - 1] as { payload: { headers: Record<string, string> } }).payload.headers['Content-Type'] = r.contentType;
  };
  const list = (n: (typeof INFORMERS)[number]) => (memo[n] ??= informerList(s.informers[n]));
  // The objects an owner controls, in its namespace (the index follows every delta's
  // controllerRef, so its entries are exactly the controlled objects): pods in the order the
  // informer first saw them (deterministic; the ReplicaSet sync counts them and ranks deletions
  // by a total order); ReplicaSets in key order, as the Deployment sync reads them.
  const ownedBy = (owner: KubeObject, n: 'pods' | 'replicasets') => {
    const cache = n === 'pods' ? s.informers.pods.cache : s.informers.replicasets.cache;
    const ns = owner.metadata.namespace;
    const out: KubeObject[] = [];
    const keys = s.owned[`${n}/${owner.metadata.uid}`];
    if (!keys) return out;
    for (const k of n === 'pods' ? Object.keys(keys) : Object.keys(keys).sort()) {
      const o = cache[k];
      if (o && o.metadata.namespace === ns) out.push(o);
    }
    return out;
  };
  // ReplicaSet syncs, from their requests' answers to Done (RsRun).
  function rsFinish(rk: string, failed: boolean) {
    delete s.rsRuns[rk];
    // processNextWorkItem: Forget after a sync without error, AddRateLimited after one with; then Done.
    if (failed) wqAddRateLimited(s.rsq, rk, env.now, out);
    else wqForget(s.rsq, rk);
    wqDone(s.rsq, rk);
  }
  function rsBatch(rk: string) {
    const run = s.rsRuns[rk]!;
    const rs = run.rs;
    run.inflight = run.remaining.shift()!;
    // CreatePods from the template of the ReplicaSet the sync read.
    for (let i = 0; i < run.inflight; i++) send('POST', `/api/v1/namespaces/${rs.metadata.namespace}/pods`, podFromTemplate(rs), 'create-pod', rk, run.trace, undefined, { involved: ref(rs, 'ReplicaSet'), reason: 'SuccessfulCreate', message: 'Created pod: ', nameFromResponse: true });
  }
  // updateReplicaSetStatus: nothing is sent when the status is already as computed.
  function rsWriteStatus(rk: string) {
    const run = s.rsRuns[rk]!;
    if (!run.statusChanged) return rsFinish(rk, run.failed);
    run.phase = 'status';
    const rs = run.rs;
    // UpdateStatus sends the whole object; a shallow copy with the new status (the cached object stays as it is).
    send('PUT', `/apis/apps/v1/namespaces/${rs.metadata.namespace}/replicasets/${rs.metadata.name}/status`, { ...rs, status: { ...(rs.status ?? {}), ...run.status } }, 'rs-status', rk);
  }
  function rsCreated(rk: string, status: number) {
    const run = s.rsRuns[rk];
    const e = s.expectations[rk];
    // A failed create is one the informer will not observe (CreationObserved), and manageReplicas' error.
    if (status >= 300) {
      if (e) e.add--;
      if (run) run.failed = true;
    }
    if (!run || run.phase !== 'create' || --run.inflight > 0) return;
    if (run.failed || run.remaining.length === 0) {
      // slowStartBatch stops after a batch with an error; the pods it skipped are un-expected.
      if (e) e.add -= run.remaining.reduce((a, x) => a + x, 0);
      run.remaining = [];
      rsWriteStatus(rk);
    } else rsBatch(rk);
  }
  function rsDeleted(rk: string, status: number) {
    const run = s.rsRuns[rk];
    if (status >= 300) {
      // DeletionObserved for a delete that failed; NotFound is no error.
      const e = s.expectations[rk];
      if (e) e.del--;
      if (run && status !== 404) run.failed = true;
    }
    if (run && run.phase === 'delete' && --run.inflight === 0) rsWriteStatus(rk);
  }
  function rsStatusAnswered(rk: string, what: 'rs-status' | 'rs-get', res: HttpResponse) {
    const run = s.rsRuns[rk];
    if (!run) return;
    const path = `/apis/apps/v1/namespaces/${run.rs.metadata.namespace}/replicasets/${run.rs.metadata.name}`;
    if (what === 'rs-status') {
      if (res.status < 300) return rsFinish(rk, run.failed);
      if (run.phase === 'status-retry') return rsFinish(rk, true);
      // The update failed: GET the ReplicaSet (its latest resourceVersion) and try once more.
      run.phase = 'status-get';
      send('GET', path, undefined, 'rs-get', rk);
      return;
    }
    if (res.status !== 200) return rsFinish(rk, true);
    run.phase = 'status-retry';
    const fresh = res.body as KubeObject;
    send('PUT', `${path}/status`, { ...fresh, status: { ...(run.rs.status ?? {}), ...run.status } }, 'rs-status', rk);
  }
  // Deployment syncs: their requests one at a time, in order (DeploymentRun).
  function dFinish(dk: string, failed: boolean) {
    delete s.dRuns[dk];
    // handleErr: Forget after a sync without error; after an error AddRateLimited until
    // NumRequeues reaches maxRetries, then the key is dropped (Forget). Then Done.
    if (failed && wqNumRequeues(s.dq, dk) < DEPLOYMENT_MAX_RETRIES) wqAddRateLimited(s.dq, dk, env.now, out);
    else wqForget(s.dq, dk);
    wqDone(s.dq, dk);
  }
  function dNext(dk: string) {
    const run = s.dRuns[dk]!;
    const op = run.ops[0];
    if (!op) return dFinish(dk, false);
    const d = run.d;
    const ns = d.metadata.namespace!;
    if (op.type === 'create-rs') {
      const trace = traceIn(s.informers.deployments, d);
      out.push(...narrate(trace, 'kcm.replicaset-created', { deployment: dk, replicaSet: op.rs.metadata.name, podTemplateHash: op.rs.metadata.labels?.['pod-template-hash'], replicas: op.rs.spec.replicas, revision: op.rs.metadata.annotations?.[REVISION_ANNOTATION] }));
      send('POST', `/apis/apps/v1/namespaces/${ns}/replicasets`, op.rs, 'create-rs', dk, trace, undefined, op.rs.spec.replicas > 0 ? { involved: ref(d, 'Deployment'), reason: 'ScalingReplicaSet', message: `Scaled up replica set ${op.rs.metadata.name} from 0 to ${op.rs.spec.replicas}` } : undefined);
    } else if (op.type === 'scale-rs') {
      // scaleReplicaSet: Update with the new size and the replicas annotations.
      const rs = op.rs;
      const from = Number(rs.spec.replicas ?? 0);
      out.push({ type: 'note', kind: 'kcm.scale-rs', data: { deployment: dk, replicaSet: rs.metadata.name, from: rs.spec.replicas, to: op.replicas } });
      const ev = from !== op.replicas ? { involved: ref(d, 'Deployment'), reason: 'ScalingReplicaSet', message: `Scaled ${op.replicas > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${op.replicas}` } : undefined;
      const upd = { ...rs, metadata: { ...rs.metadata, annotations: { ...(rs.metadata.annotations ?? {}), ...op.annotations } }, spec: { ...rs.spec, replicas: op.replicas } };
      send('PUT', `/apis/apps/v1/namespaces/${ns}/replicasets/${rs.metadata.name}`, upd, 'scale-rs', dk, undefined, undefined, ev);
    } else {
      // UpdateStatus of the Deployment the sync read, with the revision set in memory: after an
      // earlier UpdateStatus in the same sync its resourceVersion is stale and the write conflicts
      // (upstream discards UpdateStatus's result), so the sync ends in error and is retried.
      const metadata = run.revision ? { ...d.metadata, annotations: { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: run.revision } } : d.metadata;
      send('PUT', `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}/status`, { ...d, metadata, status: op.status ?? d.status }, 'deploy-status', dk);
    }
  }
  function dAnswered(dk: string, res: HttpResponse) {
    const run = s.dRuns[dk];
    if (!run) return;
    const op = run.ops.shift()!;
    if (op.type === 'create-rs') {
      // getNewReplicaSet after the Create: AlreadyExists (a slow cache) is no error when the
      // informer has the ReplicaSet and this Deployment controls it (no event, no condition then).
      let alreadyExists = false;
      if (res.status === 409) {
        const cur = s.informers.replicasets.cache[key(op.rs)];
        if (!cur || controllerOf(cur)?.uid !== run.d.metadata.uid) return dFinish(dk, true);
        alreadyExists = true;
      } else if (res.status >= 300) return dFinish(dk, true);
      // SetDeploymentRevision, and the Progressing condition NewReplicaSetCreated: UpdateStatus when either changed.
      const revision = op.rs.metadata.annotations?.[REVISION_ANNOTATION];
      const revisionChanged = revision !== undefined && run.d.metadata.annotations?.[REVISION_ANNOTATION] !== revision;
      if (revision !== undefined) run.revision = revision;
      if (!alreadyExists) run.ops.unshift({ type: 'revision', status: newReplicaSetCreatedStatus(run.d, op.rs.metadata.name, nowIso) });
      else if (revisionChanged) run.ops.unshift({ type: 'revision' });
    } else if (res.status >= 300) return dFinish(dk, true);
    dNext(dk);
  }
  // The Deployment controller's sync (deployment_controller.go syncDeployment → rolloutRolling /
  // rolloutRecreate): the plan from the informers' objects, its requests sent one at a time.
  const dStart = (dk: string) => {
    s.syncs++;
    const d = s.informers.deployments.cache[dk];
    if (!d || d.metadata.deletionTimestamp) return dFinish(dk, false);
    const owned = ownedBy(d, 'replicasets');
    const plan = syncDeployment(d, owned, nowIso);
    let maxRev = 0;
    for (const r of owned) maxRev = Math.max(maxRev, Number(r.metadata.annotations?.[REVISION_ANNOTATION] ?? 0));
    const revision = maxRev > 0 ? String(maxRev) : undefined;
    const ops: DeploymentOp[] = [];
    // getNewReplicaSet → SetDeploymentRevision: the Deployment carries its newest ReplicaSet's
    // revision, written (UpdateStatus) before the rollout's other requests.
    const creates = plan.actions.some((a) => a.type === 'create-rs');
    if (!creates && revision && d.metadata.annotations?.[REVISION_ANNOTATION] !== revision) ops.push({ type: 'revision' });
    for (const a of plan.actions) {
      if (a.type === 'create-rs') ops.push({ type: 'create-rs', rs: a.rs });
      else if (a.type === 'scale-rs') {
        const rs = s.informers.replicasets.cache[`${d.metadata.namespace}/${a.name}`];
        if (rs) ops.push({ type: 'scale-rs', rs, replicas: a.replicas, annotations: a.annotations });
      } else ops.push({ type: 'status', status: a.status });
    }
    s.dRuns[dk] = { d, ops, ...(revision ? { revision } : {}) };
    dNext(dk);
  };
  // The ReplicaSet controller's sync (replica_set.go syncReplicaSet): expectations, the pods it
  // controls, manageReplicas, then the status computed from the pods listed at the start.
  const rsStart = (rk: string) => {
    s.syncs++;
    const rs = s.informers.replicasets.cache[rk];
    if (!rs) {
      // Not found: DeleteExpectations.
      delete s.expectations[rk];
      return rsFinish(rk, false);
    }
    const uid = rs.metadata.uid!;
    const sig = rsLabelSig(rs);
    let counts = s.rsCounts[uid];
    if (!counts || !counts.valid || counts.sig !== sig) {
      // Walk the pods it controls (in its namespace) and keep their bits and the sums.
      counts = s.rsCounts[uid] = { replicas: 0, ready: 0, fullyLabeled: 0, sig, valid: true };
      const idx = s.owned[`pods/${uid}`];
      if (idx) {
        for (const k in idx) {
          const p = s.informers.pods.cache[k];
          const bits = p && p.metadata.namespace === rs.metadata.namespace ? podStatusBits(p, rs) : POD_COUNTED;
          idx[k] = bits;
          addPodBits(counts, bits, 1);
        }
      }
    }
    const plan = planReplicaSet(rs, statusFromCounts(rs, counts), s.expectations[rk], () => ownedBy(rs, 'pods').filter(isPodActive));
    const trace = traceIn(s.informers.replicasets, rs);
    const run: RsRun = { rs, status: plan.status, statusChanged: plan.statusChanged, phase: 'status', remaining: [], inflight: 0, failed: false, ...(trace ? { trace } : {}) };
    s.rsRuns[rk] = run;
    // manageReplicas only while the ReplicaSet is not being deleted.
    if (rs.metadata.deletionTimestamp) rsWriteStatus(rk);
    else if (plan.create > 0) {
      s.expectations[rk] = { add: plan.create, del: 0 };
      run.phase = 'create';
      run.remaining = slowStartBatches(plan.create);
      out.push(...narrate(trace, 'kcm.pods-created', { replicaSet: rk, create: plan.create, batches: [...run.remaining], burstReplicas: 500 }));
      rsBatch(rk);
    } else if (plan.delete.length > 0) {
      s.expectations[rk] = { add: 0, del: plan.delete.length };
      run.phase = 'delete';
      run.inflight = plan.delete.length;
      for (const name of plan.delete) send('DELETE', `/api/v1/namespaces/${rs.metadata.namespace}/pods/${name}`, undefined, 'delete-pod', rk, undefined, undefined, { involved: ref(rs, 'ReplicaSet'), reason: 'SuccessfulDelete', message: `Deleted pod: ${name}` });
    } else rsWriteStatus(rk);
  };
  return {
    type: 'kube-controller-manager',
    init: (_p, env) => ({
      api: newConnection(config.apiserver, config.serverName, `${env.self}:6443`, config.cert),
      ctrl: newConnection(config.apiserver, config.serverName, `${env.self}:6443/controllers`),
      tokens: {},
      tokenStreams: {},
      informersStarted: false,
      dq: newWorkQueue('deployment'),
      rsq: newWorkQueue('replicaset'),
      dRuns: {},
      rsRuns: {},
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
      rsCounts: {},
      noExecuteNodes: {},
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
      streams: {},
      syncs: 0,
    }),
    step(state, input, stepEnv) {
      s = state;
      env = stepEnv;
      out = [];
      nowIso = rfc3339(calendarMs(env.epochMs, env.now));
      nowMs = calendarMs(env.epochMs, env.now);
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
      let handled = false;
      // The work queues' delaying timers (AddRateLimited).
      if (input.type === 'timer' && (wqOnTimer(s.dq, input.name) || wqOnTimer(s.rsq, input.name))) handled = true;
      let ownersGone = false;
      let gcDirty = false;
      let podsOrNodesChanged = false;
      let endpointsDirty = false;
      let accountsDirty = false;
      const vqDeltas: { informer: string; delta: Delta }[] = [];
      const vqNanos = BigInt(env.epochMs) * 1_000_000n + BigInt(env.now) * 1000n;
      for (const n of INFORMERS) {
        const syncedBefore = s.informers[n].hasSynced;
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
            const k = key(o);
            const before = d.type === 'update' ? controllerOf((d as { old: KubeObject }).old)?.uid : d.type === 'delete' ? controllerOf(o)?.uid : undefined;
            const ref = d.type === 'delete' ? undefined : controllerOf(o);
            const prev = before ? s.owned[`${n}/${before}`] : undefined;
            const prevBits = prev?.[k];
            if (n === 'pods' && prevBits !== undefined) countPod(before!, prevBits, -1);
            if (prev && before !== ref?.uid) delete prev[k];
            if (ref) {
              const bits = n === 'pods' ? podBits(o, ref) : POD_COUNTED;
              (s.owned[`${n}/${ref.uid}`] ??= {})[k] = bits;
              if (n === 'pods') countPod(ref.uid, bits, 1);
            }
            if (n === 'replicasets' && d.type === 'delete') delete s.rsCounts[o.metadata.uid!];
          }
          if (n === 'nodes' || n === 'pods') podsOrNodesChanged = true;
          if (n === 'nodes') {
            // node IPAM (range allocator): existing nodes' /24s are occupied; a node without one gets the next.
            if (!s.cidrs) {
              s.cidrs = newCidrSet(CLUSTER_CIDR, NODE_CIDR_MASK_SIZE);
              for (const x of Object.keys(s.informers.nodes.cache).sort()) {
                const c = s.informers.nodes.cache[x]!.spec?.podCIDR as string | undefined;
                if (c) occupy(s.cidrs, c);
              }
            }
            // node lifecycle: a node that registers while the controller runs is "Registered … in Controller"
            // (the nodes it lists at start are too upstream; here t=0 is not a controller start, so not those).
            if (d.type === 'add' && syncedBefore) {
              const nanos = BigInt(env.epochMs) * 1_000_000n + BigInt(env.now) * 1000n;
              const at = rfc3339(calendarMs(env.epochMs, env.now));
              const msg = `Node ${o.metadata.name} event: Registered Node ${o.metadata.name} in Controller`;
              out.push({ type: 'note', kind: 'node-lifecycle.registered', data: { node: o.metadata.name, message: msg } });
              send('POST', '/api/v1/namespaces/default/events', { apiVersion: 'v1', kind: 'Event', metadata: { name: `${o.metadata.name}.${nanos.toString(16)}`, namespace: 'default' }, involvedObject: { kind: 'Node', name: o.metadata.name, uid: o.metadata.uid, apiVersion: 'v1' }, reason: 'RegisteredNode', message: msg, source: { component: 'node-controller' }, firstTimestamp: at, lastTimestamp: at, count: 1, type: 'Normal', eventTime: null, reportingComponent: 'node-controller', reportingInstance: '' }, 'event-node', o.metadata.name);
            }
            // node lifecycle's doNoScheduleTaintingPass runs on the node's own update, not the 5 s monitor.
            const ns = d.type === 'delete' ? undefined : noScheduleTaintPass(o);
            if (ns && !Object.values(s.streams).some((x) => x.what === 'node-taint' && x.key === o.metadata.name)) {
              out.push({ type: 'note', kind: 'node-lifecycle.taints', data: { node: o.metadata.name, taints: ns } });
              send('PATCH', `/api/v1/nodes/${o.metadata.name}`, { spec: { taints: ns.length ? ns : null } }, 'node-taint', o.metadata.name);
            }
            if (d.type === 'delete') {
              if (o.spec?.podCIDR) release(s.cidrs, o.spec.podCIDR as string);
            } else if (!o.spec?.podCIDR && !Object.values(s.streams).some((x) => x.what === 'node-cidr' && x.key === o.metadata.name)) {
              const cidr = allocateNext(s.cidrs);
              if (cidr) {
                out.push({ type: 'note', kind: 'node-ipam.allocated', data: { node: o.metadata.name, podCIDR: cidr } });
                send('PATCH', `/api/v1/nodes/${o.metadata.name}`, podCIDRPatch(o.metadata.uid, cidr), 'node-cidr', o.metadata.name);
              } else out.push({ type: 'note', kind: 'node-ipam.exhausted', data: { node: o.metadata.name, message: CIDR_EXHAUSTED } });
            }
            if (d.type !== 'delete' && (o.spec?.taints ?? []).some((t: { effect?: string }) => t.effect === 'NoExecute')) s.noExecuteNodes[o.metadata.name] = true;
            else delete s.noExecuteNodes[o.metadata.name];
          }
          if (n === 'pods' || n === 'services' || n === 'endpointslices' || n === 'endpoints') endpointsDirty = true;
          if (n === 'namespaces' || n === 'serviceaccounts') accountsDirty = true;
          if (watchedByVolumeQuotaLoops(n)) vqDeltas.push({ informer: n, delta: d });
          if (n !== 'deployments' && n !== 'replicasets' && n !== 'pods') continue;
          // The handlers add keys to the controllers' work queues (deployment_controller.go
          // add/update/deleteDeployment, add/update/deleteReplicaSet; replica_set.go addRS/updateRS/
          // deleteRS, addPod/updatePod/deletePod); an update with an unchanged resourceVersion (a
          // relist) wakes neither the Deployment for its ReplicaSet nor the ReplicaSet for its pod.
          const sameRv = d.type === 'update' && (d as { old: KubeObject }).old.metadata.resourceVersion === o.metadata.resourceVersion;
          if (n === 'deployments') {
            wqAdd(s.dq, key(o));
            if (d.type === 'add') out.push(...narrate(d.trace, 'kcm.deployment-seen', { deployment: key(o), generation: o.metadata.generation, replicas: o.spec?.replicas }));
          } else if (n === 'replicasets') {
            wqAdd(s.rsq, key(o));
            const owner = controllerOf(o);
            if (owner?.kind === 'Deployment' && !sameRv) wqAdd(s.dq, `${o.metadata.namespace}/${owner.name}`);
          } else {
            const owner = controllerOf(o);
            if (owner?.kind !== 'ReplicaSet' || sameRv) continue;
            const rk = `${o.metadata.namespace}/${owner.name}`;
            wqAdd(s.rsq, rk);
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
            if (res.status < 300) out.push({ type: 'note', kind: 'kcm.pod-created', data: { replicaset: st.key, pod: (res.body as KubeObject)?.metadata?.name } });
            rsCreated(st.key, res.status);
          } else if (st.what === 'delete-pod') rsDeleted(st.key, res.status);
          else if (st.what === 'rs-status' || st.what === 'rs-get') rsStatusAnswered(st.key, st.what, res);
          else if (st.what === 'create-rs' || st.what === 'scale-rs' || st.what === 'deploy-status') dAnswered(st.key, res);
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
          if (st.what === 'sa-create') delete s.saInflight[st.key];
          if (st.what === 'pv-claim-update' || st.what === 'pv-event' || st.what === 'quota-status' || st.what === 'pvc-protection' || st.what === 'pv-protection') for (const r of onVolumeQuotaResponse((s.vq ??= newVolumeQuotaState()), st.what, st.key, res.status, res.body, nowMs, vqNanos)) sendVq(r);
          if (st.what === 'slice-create' || st.what === 'slice-update' || st.what === 'endpoints-write') {
            delete s.epInflight[`${st.what === 'endpoints-write' ? 'ep' : 'slice'}:${st.key}`];
            endpointsDirty = true;
          }
        }
      }
      // cache.WaitForCacheSync: no controller syncs until the informers have listed; the keys their
      // handlers queued meanwhile (the initial adds) wait in the work queues.
      const synced = INFORMERS.every((n) => s.informers[n].hasSynced);
      if (!synced) {
        // The namespace controller's workers wait for the cache too: a namespace due now waits again.
        if (input.type === 'timer' && input.name.startsWith('ns:')) {
          delete s.nsDue[input.name.slice(3)];
          nsAddAfter(input.name.slice(3), NAMESPACE_DELETION_GRACE_PERIOD_US);
        }
        return { state: s, outputs: out };
      }
      // The caches do not change for the rest of this step: list each once, and index by owner.
      memo = {};
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
      // The workers (ConcurrentDeploymentSyncs, ConcurrentRSSyncs): each idle one takes the oldest
      // waiting key. A sync that sends nothing is done at once and its worker takes the next.
      for (let k: string | undefined; wqBusy(s.dq) < CONCURRENT_DEPLOYMENT_SYNCS && (k = wqGet(s.dq)) !== undefined; ) dStart(k);
      for (let k: string | undefined; wqBusy(s.rsq) < CONCURRENT_RS_SYNCS && (k = wqGet(s.rsq)) !== undefined; ) rsStart(k);
      return { state: s, outputs: out };
    },
  };
}
