/**
 * kube-scheduler as a process: it keeps its leader-election Lease, watches unscheduled pods
 * (fieldSelector spec.nodeName=) and nodes through kube-apiserver, schedules one pod at a time
 * and binds it with POST pods/<name>/binding.
 *
 * Upstream (v1.33): pkg/scheduler/scheduler.go + schedule_one.go (ScheduleOne: pop one pod,
 * schedulePod, then bind asynchronously through the pods/binding subresource),
 * pkg/scheduler/eventhandlers.go (unassigned pods → the queue; assigned pods → the cache;
 * the fieldSelector "status.phase!=Succeeded,status.phase!=Failed" on the pod informer).
 *
 * INTERIM — not the real framework: packages/scheduler (the filter/score framework, written by
 * another engineer) had no entry point when this was written. Until it lands, `pickNode` filters
 * out nodes that are NotReady or carry a NoSchedule/NoExecute taint the pod does not tolerate and
 * scores the rest by how few pods they run (a stand-in for NodeResourcesFit's LeastAllocated
 * spread), ties broken by name. The flow's step 8 detail labels these scores `interimScores`.
 * TODO: call packages/scheduler's scheduleOne and put its per-plugin scores in the step detail.
 */
import type { Certificate } from '../apiserver/authn/x509';
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import { newLeaderElection, onLeaderElectionInput, startLeaderElection, type LeaderElectionState } from '../client/leader-election';
import type { LeaseSpecConfig } from '../client/lease-renewer';
import { informerList, newInformer, onInformerInput, startInformer, type InformerState } from '../client/informer';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output } from '../kernel/model';
import type { KubeObject } from '../objects/meta';

export interface SchedulerConfig {
  apiserver: string;
  serverName: string;
  cert: Certificate;
  userAgent: string;
  /** The leader-election Lease kube-system/kube-scheduler (absent: no leader election, as --leader-elect=false). */
  lease?: LeaseSpecConfig;
}

export interface SchedulerState {
  api: ApiConnection;
  election: LeaderElectionState;
  unscheduled: InformerState;
  assigned: InformerState;
  nodes: InformerState;
  /** Pods bound by us and not yet seen assigned (the scheduler cache's "assumed" pods). */
  assumed: Record<string, string>;
  binding: Record<number, string>;
  queue: string[];
  scheduled: number;
}

const tolerates = (pod: KubeObject, t: { key: string; effect: string }) => (pod.spec?.tolerations ?? []).some((x: any) => (x.operator === 'Exists' && (!x.key || x.key === t.key)) || x.key === t.key) && true;

export function pickNode(pod: KubeObject, nodes: KubeObject[], podsPerNode: Record<string, number>): { node?: string; scores: Record<string, number>; filtered: Record<string, string> } {
  const filtered: Record<string, string> = {};
  const scores: Record<string, number> = {};
  for (const n of nodes) {
    const name = n.metadata.name;
    const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
    if (ready && ready.status !== 'True') {
      filtered[name] = 'node(s) were not ready';
      continue;
    }
    const taint = (n.spec?.taints ?? []).find((t: any) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t));
    if (taint) {
      filtered[name] = `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
      continue;
    }
    if (n.spec?.unschedulable) {
      filtered[name] = 'node(s) were unschedulable';
      continue;
    }
    const max = Number(n.status?.allocatable?.pods ?? 110);
    const used = podsPerNode[name] ?? 0;
    if (used >= max) {
      filtered[name] = 'Too many pods';
      continue;
    }
    scores[name] = Math.floor(((max - used) * 100) / max);
  }
  const best = Object.keys(scores).sort((a, b) => scores[b]! - scores[a]! || (a < b ? -1 : 1))[0];
  return { ...(best ? { node: best } : {}), scores, filtered };
}

export function makeKubeScheduler(config: SchedulerConfig): Model<SchedulerState> {
  const ua = config.userAgent;
  return {
    type: 'kube-scheduler',
    init: (_p, env) => ({
      api: newConnection(config.apiserver, config.serverName, `${env.self}:6443`, config.cert),
      election: newLeaderElection(),
      unscheduled: newInformer('unscheduled', '/api/v1/pods?fieldSelector=spec.nodeName%3D', ua),
      assigned: newInformer('assigned', '/api/v1/pods', ua),
      nodes: newInformer('nodes', '/api/v1/nodes', ua),
      assumed: {},
      binding: {},
      queue: [],
      scheduled: 0,
    }),
    step(s, input, env) {
      const out: Output[] = [];
      if (input.type === 'start') return { state: s, outputs: [openConnection(s.api)] };
      const hs = onHandshake(s.api, input);
      if (hs.handled) {
        out.push(...hs.outputs);
        if (hs.established) {
          if (config.lease) out.push(...startLeaderElection(s.election, s.api, config.lease, ua, env));
          for (const i of [s.nodes, s.assigned, s.unscheduled]) out.push(...startInformer(i, s.api));
        }
        return { state: s, outputs: out };
      }
      if (config.lease) {
        const le = onLeaderElectionInput(s.election, s.api, config.lease, ua, input, env);
        if (le.handled) return { state: s, outputs: [...out, ...le.outputs] };
      }
      let handled = false;
      for (const inf of [s.nodes, s.assigned, s.unscheduled]) {
        const r = onInformerInput(inf, s.api, input, env);
        if (!r.handled) continue;
        handled = true;
        out.push(...r.outputs);
        for (const d of r.deltas) {
          const k = `${d.obj.metadata.namespace}/${d.obj.metadata.name}`;
          if (inf === s.unscheduled && d.type === 'add' && !d.obj.spec?.nodeName && !d.obj.metadata.deletionTimestamp && (d.obj.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler') {
            s.queue.push(k);
            const t = d.trace;
            out.push(...narrate(t, 'scheduler.pod-seen', { pod: k, queue: 'activeQ', via: `watch ${s.unscheduled.path}` }));
          }
          if (inf === s.assigned && d.obj.spec?.nodeName) delete s.assumed[k];
        }
      }
      if (!handled && input.type === 'message' && input.kind === HTTP_RESPONSE) {
        const res = input.payload as HttpResponse;
        const k = s.binding[res.stream];
        if (res.conn === s.api.conn && k !== undefined) {
          delete s.binding[res.stream];
          if (res.status >= 300) delete s.assumed[k];
          else s.scheduled++;
        }
      }
      // ScheduleOne, for every pod in the queue (FIFO here; PrioritySort with equal priorities).
      while (s.queue.length > 0) {
        const k = s.queue.shift()!;
        const pod = s.unscheduled.cache[k];
        if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) continue;
        const perNode: Record<string, number> = {};
        for (const p of informerList(s.assigned)) if (p.spec?.nodeName && !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') perNode[p.spec.nodeName] = (perNode[p.spec.nodeName] ?? 0) + 1;
        for (const [pk, n] of Object.entries(s.assumed)) if (!s.assigned.cache[pk]?.spec?.nodeName) perNode[n] = (perNode[n] ?? 0) + 1;
        const nodes = informerList(s.nodes);
        const pick = pickNode(pod, nodes, perNode);
        if (!pick.node) {
          out.push({ type: 'note', kind: 'scheduler.unschedulable', data: { pod: k, message: `0/${nodes.length} nodes are available: ${Object.values(pick.filtered).join(', ')}.` } });
          continue;
        }
        s.assumed[k] = pick.node;
        const r = request(s.api, 'POST', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/binding`, { kind: 'Binding', apiVersion: 'v1', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid }, target: { kind: 'Node', name: pick.node } }, ua);
        s.binding[r.stream] = k;
        out.push(r.output);
        out.push({ type: 'note', kind: 'scheduler.bind', data: { pod: k, node: pick.node } });
        out.push(...narrate(s.unscheduled.traces[k], 'scheduler.bound', { pod: k, node: pick.node, interimScores: pick.scores, filtered: pick.filtered, note: 'interim scoring until packages/scheduler lands' }));
      }
      return { state: s, outputs: out };
    },
  };
}


