/**
 * kube-scheduler as a process: it keeps its leader-election Lease, watches pods (one informer,
 * fieldSelector status.phase!=Succeeded,status.phase!=Failed) and nodes through kube-apiserver,
 * schedules one pod at a time and binds it with POST pods/<name>/binding.
 *
 * Upstream (v1.33): pkg/scheduler/scheduler.go + schedule_one.go (ScheduleOne: pop one pod,
 * schedulePod, then bind asynchronously through the pods/binding subresource),
 * pkg/scheduler/eventhandlers.go (one pod informer, two filtering handlers: unassigned pods → the
 * queue, assigned pods → the cache), scheduler.go newPodInformer (the fieldSelector
 * "status.phase!=Succeeded,status.phase!=Failed": terminal pods leave the informer).
 *
 * The scheduling cycle itself is packages/scheduler (the v1.33 framework and default profile with
 * upstream's integer arithmetic): every attempt's filters, per-plugin raw/normalized/weighted
 * scores and totals go into the trace (`scheduler.attempt`) and, for a traced pod, into the
 * flow's step 8. The rotating start index (nextStartNodeIndex) lives in this process's state;
 * selectHost's tie-breaking draws from the simulation's seeded randomness.
 * Leaves out: the scheduling queue's backoff and unschedulable pods' requeue on cluster events
 * (a pod that fits nowhere is retried when a node or pod changes), preemption, binding cycle
 * plugins (VolumeBinding's PreBind), events other than Scheduled/FailedScheduling.
 */
import type { Certificate } from '../apiserver/authn/x509';
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import { newLeaderElection, onLeaderElectionInput, startLeaderElection, type LeaderElectionState } from '../client/leader-election';
import { microTime, type LeaseSpecConfig } from '../client/lease-renewer';
import { informerList, newInformer, onInformerInput, startInformer, type InformerState } from '../client/informer';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import { createScheduler, type Scheduler } from '@kubelab/scheduler';

export interface SchedulerConfig {
  apiserver: string;
  serverName: string;
  cert: Certificate;
  userAgent: string;
  /** The leader-election Lease kube-system/kube-scheduler (absent: no leader election, as --leader-elect=false). */
  lease?: LeaseSpecConfig;
  /** The host it runs on (reportingInstance "default-scheduler-<host>"). */
  host?: string;
}

export interface SchedulerState {
  api: ApiConnection;
  election: LeaderElectionState;
  /** Non-terminal pods, assigned or not (the scheduler's one pod informer). */
  pods: InformerState;
  nodes: InformerState;
  /** Services and ReplicaSets: the default PodTopologySpread constraints select a pod's siblings through them (helper.DefaultSelector). */
  services: InformerState;
  replicasets: InformerState;
  /** Pods bound by us and not yet seen assigned (the scheduler cache's "assumed" pods). */
  assumed: Record<string, string>;
  binding: Record<number, string>;
  /** The resourceVersion of the pod each binding scheduled (the Scheduled event's involvedObject names the pod as the scheduler dequeued it). */
  bindingRv: Record<number, string>;
  queue: string[];
  scheduled: number;
  /** sched.nextStartNodeIndex */
  nextStartNodeIndex: number;
  /** Pods that fit nowhere, retried when a node or an assigned pod changes (MoveAllToActiveOrBackoffQueue). */
  unschedulable: string[];
}

/**
 * The scheduler's cache (pkg/scheduler/backend/cache): nodes and the pods that hold resources on
 * them — assigned pods from the informer, plus the ones this scheduler assumed. It lives beside
 * the process state, kept in step by the informers' deltas (eventhandlers.go), and is rebuilt
 * from the state whenever the state object is new (a restored checkpoint), so it never carries
 * anything the state does not.
 */
const caches = new WeakMap<SchedulerState, Scheduler>();

/** Pods the scheduler's cache counts on a node: bound, not finished (terminating pods still hold their resources). */
const occupies = (p: KubeObject) => !!p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

/** The full rebuild: every node, every occupying assigned pod, every assumed pod not yet seen bound. */
function rebuild(s: SchedulerState, sched: Scheduler): void {
  const placed: KubeObject[] = [];
  for (const p of informerList(s.pods)) if (occupies(p)) placed.push(p);
  for (const [pk, n] of Object.entries(s.assumed)) {
    const ap = s.pods.cache[pk];
    if (ap && !ap.spec?.nodeName) placed.push({ ...ap, spec: { ...ap.spec, nodeName: n } });
  }
  sched.sync({ nodes: informerList(s.nodes) as never, pods: placed as never });
}

function cacheOf(s: SchedulerState): Scheduler {
  let sched = caches.get(s);
  if (!sched) {
    sched = createScheduler();
    rebuild(s, sched);
    caches.set(s, sched);
  }
  return sched;
}

/** One pod's entry, as `rebuild` would make it. */
function refreshPod(s: SchedulerState, sched: Scheduler, k: string): void {
  const a = s.pods.cache[k];
  if (a?.spec?.nodeName) {
    if (occupies(a)) sched.upsertPod(a as never);
    else sched.deletePod(k);
    return;
  }
  const n = s.assumed[k];
  if (n !== undefined && a) sched.upsertPod(a as never, n);
  else sched.deletePod(k);
}

export function makeKubeScheduler(config: SchedulerConfig): Model<SchedulerState> {
  const ua = config.userAgent;
  return {
    type: 'kube-scheduler',
    init: (_p, env) => ({
      api: newConnection(config.apiserver, config.serverName, `${env.self}:6443`, config.cert),
      election: newLeaderElection(),
      pods: newInformer('pods', '/api/v1/pods?fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed', ua),
      nodes: newInformer('nodes', '/api/v1/nodes', ua),
      services: newInformer('services', '/api/v1/services', ua),
      replicasets: newInformer('replicasets', '/apis/apps/v1/replicasets', ua),
      assumed: {},
      binding: {},
      bindingRv: {},
      queue: [],
      scheduled: 0,
      nextStartNodeIndex: 0,
      unschedulable: [],
    }),
    step(s, input, env) {
      const out: Output[] = [];
      if (input.type === 'start') return { state: s, outputs: [openConnection(s.api)] };
      const hs = onHandshake(s.api, input);
      if (hs.handled) {
        out.push(...hs.outputs);
        if (hs.established) {
          if (config.lease) out.push(...startLeaderElection(s.election, s.api, config.lease, ua, env));
          for (const i of [s.nodes, s.services, s.replicasets, s.pods]) out.push(...startInformer(i, s.api));
        }
        return { state: s, outputs: out };
      }
      if (config.lease) {
        const le = onLeaderElectionInput(s.election, s.api, config.lease, ua, input, env);
        if (le.handled) return { state: s, outputs: [...out, ...le.outputs] };
      }
      let handled = false;
      let clusterChanged = false;
      const sched = caches.get(s);
      let nodesAddedOrRemoved = false;
      const touched = new Set<string>();
      for (const inf of [s.nodes, s.services, s.replicasets, s.pods]) {
        const r = onInformerInput(inf, s.api, input, env);
        if (!r.handled) continue;
        handled = true;
        if (r.deltas.length > 0) clusterChanged = true;
        out.push(...r.outputs);
        for (const d of r.deltas) {
          const k = `${d.obj.metadata.namespace}/${d.obj.metadata.name}`;
          if (inf === s.pods) {
            // eventhandlers.go: an unassigned pod of this scheduler goes to the queue
            // (addPodToSchedulingQueue); an assigned one to the cache (addPodToCache, updatePodInCache).
            if (d.type === 'add' && !d.obj.spec?.nodeName && !d.obj.metadata.deletionTimestamp && (d.obj.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler') {
              s.queue.push(k);
              out.push(...narrate(d.trace, 'scheduler.pod-seen', { pod: k, queue: 'activeQ', via: `watch ${s.pods.path}` }));
            }
            if (d.obj.spec?.nodeName) delete s.assumed[k];
            touched.add(k);
          }
          if (inf === s.nodes && sched && (d.type !== 'update' || !sched.updateNode(d.obj as never))) nodesAddedOrRemoved = true;
        }
      }
      if (!handled && input.type === 'message' && input.kind === HTTP_RESPONSE) {
        const res = input.payload as HttpResponse;
        const k = s.binding[res.stream];
        if (res.conn === s.api.conn && k !== undefined) {
          delete s.binding[res.stream];
          const rv = s.bindingRv[res.stream];
          delete s.bindingRv[res.stream];
          touched.add(k);
          if (res.status >= 300) delete s.assumed[k];
          else {
            s.scheduled++;
            // schedule_one.go bindingCycle: the Scheduled event, through the events.k8s.io recorder
            // (stored as an Event: no source, reportingController/Instance, eventTime, action Binding).
            const pod = s.pods.cache[k];
            const node = s.assumed[k] ?? pod?.spec?.nodeName;
            if (pod && node) {
              const nowUs = env.epochMs * 1000 + env.now;
              const name = `${pod.metadata.name}.${(BigInt(nowUs) * 1000n).toString(16)}`;
              const ev = {
                apiVersion: 'v1',
                kind: 'Event',
                metadata: { name, namespace: pod.metadata.namespace },
                involvedObject: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: rv ?? pod.metadata.resourceVersion },
                reason: 'Scheduled',
                message: `Successfully assigned ${k} to ${node}`,
                source: {},
                firstTimestamp: null,
                lastTimestamp: null,
                type: 'Normal',
                eventTime: microTime(nowUs),
                action: 'Binding',
                reportingComponent: 'default-scheduler',
                reportingInstance: `default-scheduler-${config.host ?? 'k3s-master'}`,
              };
              out.push(request(s.api, 'POST', `/api/v1/namespaces/${pod.metadata.namespace}/events`, ev, ua).output);
            }
          }
        }
      }
      if (sched) {
        if (nodesAddedOrRemoved) rebuild(s, sched);
        else for (const k of touched) refreshPod(s, sched, k);
      }
      // A node or an assigned pod changed: unschedulable pods get another try.
      if (clusterChanged && s.unschedulable.length > 0) {
        s.queue.push(...s.unschedulable);
        s.unschedulable = [];
      }
      // ScheduleOne, for every pod in the queue (FIFO here; PrioritySort with equal priorities).
      while (s.queue.length > 0) {
        const k = s.queue.shift()!;
        const pod = s.pods.cache[k];
        if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) continue;
        const sched = cacheOf(s);
        const snapshot = sched.cache;
        snapshot.services = informerList(s.services) as never;
        snapshot.replicaSets = informerList(s.replicasets) as never;
        const traced = s.pods.traces[k];
        sched.nextStartNodeIndex = s.nextStartNodeIndex;
        const r = sched.schedulePod(snapshot, pod as never, { intn: (n: number) => env.rng.int(0, n - 1) }, { explain: !!traced || snapshot.numNodes <= 16 });
        s.nextStartNodeIndex = sched.nextStartNodeIndex;
        const attempt = { pod: k, selected: r.selected, filtered: r.filtered, scores: r.scores, totals: r.totals, weights: r.weights, evaluatedNodes: r.evaluatedNodes, feasibleNodes: r.feasibleNodes, ...(r.message ? { message: r.message } : {}) };
        out.push({ type: 'note', kind: 'scheduler.attempt', data: attempt });
        if (!r.selected) {
          s.unschedulable.push(k);
          out.push({ type: 'note', kind: 'scheduler.unschedulable', data: { pod: k, message: r.message } });
          out.push(...narrate(traced, 'scheduler.unschedulable', { pod: k, message: r.message, filtered: r.filtered }));
          continue;
        }
        s.assumed[k] = r.selected;
        refreshPod(s, sched, k);
        const b = request(s.api, 'POST', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, { kind: 'Binding', apiVersion: 'v1', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid }, target: { kind: 'Node', name: r.selected } }, ua);
        s.binding[b.stream] = k;
        if (pod.metadata.resourceVersion) s.bindingRv[b.stream] = pod.metadata.resourceVersion;
        out.push(b.output);
        out.push({ type: 'note', kind: 'scheduler.bind', data: { pod: k, node: r.selected } });
        out.push(...narrate(traced, 'scheduler.bound', { pod: k, node: r.selected, filtered: r.filtered, scores: r.scores, totals: r.totals, weights: r.weights }));
      }
      return { state: s, outputs: out };
    },
  };
}


