/**
 * kubelet's pod lifecycle: it watches the pods bound to its node through kube-apiserver (an
 * informer on /api/v1/pods?fieldSelector=spec.nodeName=<node>), and for each new pod runs the
 * pod worker's SyncPod: a first status (Pending, ContainerCreating), then over CRI to containerd
 * RunPodSandbox (pause + CNI ADD → the pod IP from the node's /24), PullImage (skipped when
 * present), CreateContainer, StartContainer, and the status written back — phase Running, the five
 * conditions, containerStatuses, podIP(s), hostIP(s), startTime — with the Events a real kubelet
 * records (Pulling, Pulled, Created, Started, Killing). A pod given a deletionTimestamp is killed
 * gracefully (Killing, StopContainer with the grace period, sandbox torn down) and then deleted
 * with gracePeriodSeconds=0, as the status manager does. It keeps its node Lease renewed every
 * 10 s (see lease-renewer.ts) on the same connection.
 *
 * Upstream (v1.33): pkg/kubelet/kubelet.go (syncPod, HandlePodAdditions), pkg/kubelet/config/
 * apiserver.go (the spec.nodeName field selector), pkg/kubelet/kuberuntime/kuberuntime_manager.go
 * (SyncPod: createPodSandbox, then startContainer), kuberuntime_container.go (startContainer:
 * EnsureImageExists, "Created container: %v", "Started container %v", killContainer "Stopping
 * container %v"), pkg/kubelet/images/image_manager.go ("Pulling image %q", "Successfully pulled
 * image %q in %v (%v including waiting). Image size: %v bytes.", "Container image %q already
 * present on machine"), pkg/kubelet/status/status_manager.go (PatchPodStatus on pods/status,
 * then Delete with GracePeriodSeconds 0 and a UID precondition once a terminating pod's containers
 * are gone), pkg/kubelet/status/generate.go + kubelet_pods.go generateAPIPodStatus (conditions),
 * client-go tools/record/event.go (event name "<object>.<unix nanos in hex>").
 * Leaves out: probes (Ready follows Started), init containers, volumes, restarts/CrashLoopBackOff,
 * PLEG relisting (containerd's replies are the lifecycle events), cgroups/QoS enforcement, node
 * status updates beyond the Lease (the bootstrap Node objects keep their conditions),
 * the pods/log endpoint wiring (containerd keeps each container's output; the apiserver's proxy
 * to kubelet:10250 is not there yet).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Certificate } from '../apiserver/authn/x509';
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import { newInformer, onInformerInput, startInformer, type InformerState } from '../client/informer';
import { leasePath, nextRenewalUs, renewedLease, type LeaseSpecConfig } from '../client/lease-renewer';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output, StepEnv } from '../kernel/model';
import { calendarMs, rfc3339, type KubeObject } from '../objects/meta';
import { KUBELET_CONTAINER_LOGS, KUBELET_CONTAINER_LOGS_REPLY } from './kubelet-server';
import { CRI_REPLY, CRI_REQUEST, normalizeImage, type CriReply, type CriRequest } from './containerd';
import { K3S_NETWORK_READY, K3S_START_KUBELET } from '../k3s/agent';
import { NOT_READY_NETWORK, registrationNode, type MachineInfo } from './register-node';

export interface KubeletConfig {
  node: string;
  nodeIP: string;
  apiserver: string;
  serverName: string;
  cert: Certificate;
  userAgent: string;
  lease: LeaseSpecConfig;
  containerd: string;
  /**
   * A node that joins (k3s/agent.ts): the kubelet waits for the agent to hand it its client
   * certificate, registers its Node (register-node.ts), and reports the node Ready only once the
   * agent says flannel's network is up.
   */
  join?: { machine: MachineInfo };
}

type PodPhase = 'new' | 'sandbox' | 'pulling' | 'creating' | 'starting' | 'running' | 'killing' | 'teardown' | 'deleting' | 'gone' | 'adopted';

export interface PodWorker {
  key: string;
  uid: string;
  pod: KubeObject;
  phase: PodPhase;
  trace?: TraceContext;
  sandboxId?: string;
  podIP?: string;
  containerId?: string;
  imageRef?: string;
  pullStartUs?: number;
  startedAtMs?: number;
  scheduledAtMs?: number;
  startTimeMs?: number;
  sandboxAtMs?: number;
}

export interface KubeletState {
  api: ApiConnection;
  pods: InformerState;
  workers: Record<string, PodWorker>;
  lease: KubeObject | null;
  leaseStream: number | null;
  leaseOp: 'get' | 'update' | null;
  renewals: number;
  /** The node-status GET in flight (tryUpdateNodeStatus), and when status was last posted (ms). */
  nodeStatusStream: number | null;
  nodeStatusPostedMs: number;
  nodeStatusSentMs: number;
  /** Container log reads in flight: CRI request id → who asked. */
  logRequests: Record<string, { from: string; reqId: string }>;
  /** CRI request id → pod key. */
  cri: Record<string, string>;
  nextCri: number;
  /** HTTP stream → what it was for (status patches, events, deletes). */
  streams: Record<number, { what: string; pod: string }>;
  events: number;
  /** A joining node's kubelet: registered yet, its Node's uid, whether the CNI network is ready. */
  joining?: { registered: boolean; nodeUid?: string; networkReady: boolean; stream: number | null };
}

/** Go's time.Duration.String for the durations an event message shows (truncated to ms). */
export function goDuration(us: number): string {
  const ms = Math.floor(us / 1000);
  if (ms < 1000) return `${ms}ms`;
  const m = Math.floor(ms / 60000);
  const rest = (ms % 60000) / 1000;
  const sec = `${rest}`.replace(/\.?0+$/, '') || '0';
  return m > 0 ? `${m}m${sec}s` : `${sec}s`;
}

/** kubelet's nodeStatusUpdateFrequency (10 s) and nodeStatusReportFrequency (5 min), pkg/kubelet/apis/config/v1beta1/defaults.go. */
export const NODE_STATUS_UPDATE_US = 10_000_000;

export const NODE_STATUS_REPORT_MS = 300_000;

const podKey = (p: KubeObject) => `${p.metadata.namespace}/${p.metadata.name}`;

export function makeKubelet(config: KubeletConfig): Model<KubeletState> {
  const ua = config.userAgent;
  // What the current step works on: set at the start of each step, read by the helpers below.
  let s!: KubeletState;
  let env!: StepEnv;
  let out: Output[] = [];
  let nowMs = 0;
  const send = (method: string, path: string, body?: unknown, what = '', pod = '') => {
    const r = request(s.api, method, path, body, ua);
    if (what) s.streams[r.stream] = { what, pod };
    out.push(r.output);
    return r.stream;
  };
  const leaseReq = (op: 'get' | 'update') => {
    s.leaseOp = op;
    const r = op === 'get' ? request(s.api, 'GET', leasePath(config.lease), undefined, ua) : request(s.api, 'PUT', leasePath(config.lease), renewedLease(config.lease, s.lease!, env), ua);
    s.leaseStream = r.stream;
    // The lease client gives up after the renew interval (a lost request must not stop renewals).
    out.push({ type: 'timer', name: 'lease-timeout', afterUs: config.lease.periodUs, data: r.stream });
    out.push(r.output);
  };
  const cri = (w: PodWorker, req: CriRequest extends infer T ? (T extends CriRequest ? Omit<T, 'reqId'> : never) : never) => {
    const reqId = `${config.node}-${s.nextCri++}`;
    s.cri[reqId] = w.key;
    out.push({ type: 'send', to: config.containerd, kind: CRI_REQUEST, payload: { ...req, reqId } });
  };
  // client-go's recorder: an Event named "<object>.<unix nanos in hex>", source kubelet on this node.
  const postEvent = (namespace: string, objName: string, involvedObject: Record<string, unknown>, type: 'Normal' | 'Warning', reason: string, message: string, extraNanos: number) => {
    s.events++;
    const nanos = BigInt(env.epochMs) * 1_000_000n + BigInt(env.now) * 1000n + BigInt(extraNanos);
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${objName}.${nanos.toString(16)}`, namespace },
      involvedObject,
      reason,
      message,
      source: { component: 'kubelet', host: config.node },
      firstTimestamp: rfc3339(nowMs),
      lastTimestamp: rfc3339(nowMs),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: config.node,
    };
    send('POST', `/api/v1/namespaces/${namespace}/events`, ev, 'event', involvedObject['kind'] === 'Pod' ? `${namespace}/${objName}` : '');
  };
  const event = (w: PodWorker, type: 'Normal' | 'Warning', reason: string, message: string) => {
    const c = w.pod.spec.containers[0];
    out.push({ type: 'note', kind: 'kubelet.event', data: { pod: w.key, reason, message } });
    postEvent(w.pod.metadata.namespace!, w.pod.metadata.name, { kind: 'Pod', namespace: w.pod.metadata.namespace, name: w.pod.metadata.name, uid: w.uid, apiVersion: 'v1', resourceVersion: w.pod.metadata.resourceVersion, fieldPath: `spec.containers{${c.name}}` }, type, reason, message, 0);
  };
  // An event about the Node (recordNodeStatusEvent; the kubelet's nodeRef has the node's name as its UID).
  const nodeEvent = (reason: string, message: string) => {
    out.push({ type: 'note', kind: 'kubelet.event', data: { node: config.node, reason, message } });
    postEvent('default', config.node, { kind: 'Node', name: config.node, uid: config.node, apiVersion: 'v1' }, 'Normal', reason, message, s.events + 1);
  };
  const patchStatus = (w: PodWorker) => {
    const st = podStatus(w, config, nowMs);
    w.pod = { ...w.pod, status: st };
    send('PATCH', `/api/v1/namespaces/${w.pod.metadata.namespace}/pods/${w.pod.metadata.name}/status`, { metadata: { uid: w.uid }, status: st }, 'status', w.key);
    return st;
  };

  const runLoops = () => {
    leaseReq('get');
    out.push(...startInformer(s.pods, s.api));
    out.push({ type: 'timer', name: 'node-status', afterUs: NODE_STATUS_UPDATE_US });
  };
  function startPod(w: PodWorker) {
    w.startTimeMs = nowMs;
    w.phase = 'sandbox';
    patchStatus(w);
    out.push({ type: 'note', kind: 'kubelet.sync-pod', data: { pod: w.key, step: 'RunPodSandbox' } });
    cri(w, { method: 'RunPodSandbox', pod: { uid: w.uid, name: w.pod.metadata.name, namespace: w.pod.metadata.namespace! } });
  }
  // status_manager.go: once a terminating pod's containers are gone, delete it for good (grace 0, uid precondition).
  function deletePod(w: PodWorker) {
    w.phase = 'deleting';
    send('DELETE', `/api/v1/namespaces/${w.pod.metadata.namespace}/pods/${w.pod.metadata.name}`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: w.uid } }, 'delete', w.key);
  }
  function killPod(w: PodWorker, p: KubeObject) {
    const grace = Number(p.metadata.deletionGracePeriodSeconds ?? p.spec?.terminationGracePeriodSeconds ?? 30);
    const name = w.pod.spec.containers[0].name;
    if (w.containerId) {
      w.phase = 'killing';
      event(w, 'Normal', 'Killing', `Stopping container ${name}`);
      cri(w, { method: 'StopContainer', containerId: w.containerId, timeoutS: grace });
    } else if (w.sandboxId) {
      w.phase = 'teardown';
      cri(w, { method: 'StopPodSandbox', sandboxId: w.sandboxId });
    } else {
      // Adopted (or never started) pods: their containers stop at once in the model.
      if (w.phase === 'adopted') event(w, 'Normal', 'Killing', `Stopping container ${name}`);
      deletePod(w);
    }
  }
  // GET /containerLogs/<ns>/<pod>/<container> on :10250, as kube-apiserver's pods/log proxies it.
  return {
    type: 'kubelet',
    init: (_p, env) => ({
      api: newConnection(config.apiserver, config.serverName, `${env.self}:6443`, config.cert),
      pods: newInformer('pods', `/api/v1/pods?fieldSelector=spec.nodeName%3D${config.node}`, ua),
      workers: {},
      lease: null,
      leaseStream: null,
      leaseOp: null,
      nodeStatusStream: null,
      nodeStatusPostedMs: 0,
      nodeStatusSentMs: 0,
      logRequests: {},
      renewals: 0,
      cri: {},
      nextCri: 1,
      streams: {},
      events: 0,
    }),
    step(s0, input, env0) {
      // The step's state, outputs and env, for the helpers above (made once per process, not per step).
      s = s0;
      env = env0;
      out = [];
      nowMs = calendarMs(env.epochMs, env.now);
      if (input.type === 'start') {
        if (config.join) s.joining = { registered: false, networkReady: false, stream: null };
        else out.push(openConnection(s.api));
        return { state: s, outputs: out };
      }
      if (config.join && input.type === 'message' && input.kind === K3S_START_KUBELET) {
        // The agent has the kubelet's client certificate from the supervisor: connect with it.
        const cert = (input.payload as { cert: Certificate }).cert;
        s.api = newConnection(config.apiserver, config.serverName, `${env.self}:6443`, cert);
        out.push({ type: 'note', kind: 'kubelet.starting', data: { node: config.node, certificate: cert.subject } });
        out.push(openConnection(s.api));
        return { state: s, outputs: out };
      }
      if (config.join && input.type === 'message' && input.kind === K3S_NETWORK_READY) {
        // fastStatusUpdateOnce: once the runtime's network is ready the node status goes out at once.
        s.joining!.networkReady = true;
        if (s.joining!.registered && s.nodeStatusStream === null) {
          s.nodeStatusSentMs = nowMs;
          const r = request(s.api, 'GET', `/api/v1/nodes/${config.node}?resourceVersion=0`, undefined, ua);
          s.nodeStatusStream = r.stream;
          out.push(r.output);
        }
        return { state: s, outputs: out };
      }
      const hs = onHandshake(s.api, input);
      if (hs.handled) {
        out.push(...hs.outputs);
        if (hs.established) {
          if (s.joining && !s.joining.registered) {
            // A new kubelet's first events: it started, enforces allocatable, and the initial node's conditions.
            nodeEvent('Starting', 'Starting kubelet.');
            nodeEvent('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
            for (const c of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) nodeEvent(c, `Node ${config.node} status is now: ${c}`);
            // registerWithAPIServer: create the Node; AlreadyExists means it was registered before.
            const r = request(s.api, 'POST', '/api/v1/nodes', registrationNode(config.join!.machine, nowMs, env.rng), ua);
            s.joining.stream = r.stream;
            out.push(r.output);
            out.push({ type: 'note', kind: 'kubelet.registering', data: { node: config.node } });
          } else runLoops();
        }
        return { state: s, outputs: out };
      }
      if (s.joining && !s.joining.registered && input.type === 'message' && input.kind === HTTP_RESPONSE && (input.payload as HttpResponse).stream === s.joining.stream && (input.payload as HttpResponse).conn === s.api.conn) {
        const res = input.payload as HttpResponse;
        s.joining.stream = null;
        if (res.status === 201 || res.status === 409) {
          s.joining.registered = true;
          if (res.status === 201) s.joining.nodeUid = (res.body as KubeObject).metadata.uid;
          out.push({ type: 'note', kind: 'kubelet.registered', data: { node: config.node, status: res.status, message: res.status === 201 ? `Successfully registered node ${config.node}` : `node ${config.node} already exists` } });
          runLoops();
        } else {
          out.push({ type: 'note', kind: 'kubelet.register-failed', data: { node: config.node, status: res.status, body: res.body } });
          out.push({ type: 'timer', name: 'register', afterUs: 7_000_000 });
        }
        return { state: s, outputs: out };
      }
      if (s.joining && input.type === 'timer' && input.name === 'register') {
        const r = request(s.api, 'POST', '/api/v1/nodes', registrationNode(config.join!.machine, nowMs, env.rng), ua);
        s.joining.stream = r.stream;
        out.push(r.output);
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name === 'node-status') {
        // syncNodeStatus every nodeStatusUpdateFrequency (10 s): read the Node, post status if it changed
        // (or nodeStatusReportFrequency, 5 min, has passed).
        out.push({ type: 'timer', name: 'node-status', afterUs: NODE_STATUS_UPDATE_US });
        if (s.nodeStatusStream === null || nowMs - s.nodeStatusSentMs >= NODE_STATUS_UPDATE_US / 1000) {
          s.nodeStatusSentMs = nowMs;
          const r = request(s.api, 'GET', `/api/v1/nodes/${config.node}?resourceVersion=0`, undefined, ua);
          s.nodeStatusStream = r.stream;
          out.push(r.output);
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === HTTP_RESPONSE && (input.payload as HttpResponse).conn === s.api.conn && (input.payload as HttpResponse).stream === s.nodeStatusStream) {
        s.nodeStatusStream = null;
        const res = input.payload as HttpResponse;
        if (res.status !== 200) return { state: s, outputs: out };
        const node = res.body as KubeObject;
        const now = rfc3339(nowMs);
        const healthy: Record<string, { status: string; reason: string; message: string }> = {
          MemoryPressure: { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
          DiskPressure: { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
          PIDPressure: { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
          Ready: s.joining && !s.joining.networkReady ? NOT_READY_NETWORK : { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        };
        const conds = ((node.status?.conditions ?? []) as any[]).map((c) => {
          const want = healthy[c.type];
          if (!want) return c;
          return { ...c, ...want, lastHeartbeatTime: now, lastTransitionTime: c.status === want.status ? c.lastTransitionTime : now };
        });
        const changed = ((node.status?.conditions ?? []) as any[]).some((c) => healthy[c.type] && c.status !== healthy[c.type]!.status);
        if (changed || nowMs - s.nodeStatusPostedMs >= NODE_STATUS_REPORT_MS) {
          s.nodeStatusPostedMs = nowMs;
          if (changed) out.push({ type: 'note', kind: 'kubelet.node-status', data: { node: config.node, ready: healthy['Ready']!.status } });
          if (changed && s.joining && healthy['Ready']!.status === 'True') nodeEvent('NodeReady', `Node ${config.node} status is now: NodeReady`);
          send('PATCH', `/api/v1/nodes/${config.node}/status`, { status: { conditions: conds } });
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name === 'renew') {
        leaseReq(s.lease ? 'update' : 'get');
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name === 'lease-timeout') {
        if (s.leaseStream !== null && s.leaseStream === input.data) {
          out.push({ type: 'note', kind: 'lease.timeout', data: { lease: `${config.lease.namespace}/${config.lease.name}` } });
          leaseReq(s.lease ? 'update' : 'get');
        }
        return { state: s, outputs: out };
      }
      const inf = onInformerInput(s.pods, s.api, input, env);
      if (inf.handled) {
        out.push(...inf.outputs);
        for (const d of inf.deltas) {
          const p = d.obj;
          const key = podKey(p);
          const w = s.workers[key];
          if (d.type === 'delete') {
            if (w) w.phase = 'gone';
            delete s.workers[key];
            continue;
          }
          if (!w || w.uid !== p.metadata.uid) {
            const trace = d.trace;
            const nw: PodWorker = { key, uid: p.metadata.uid!, pod: p, phase: 'new', ...(trace ? { trace } : {}) };
            s.workers[key] = nw;
            if (p.status?.phase === 'Running' || p.status?.phase === 'Succeeded') {
              // Running before the simulation began: the kubelet finds its containers in containerd and adopts them.
              nw.phase = 'adopted';
              const cid = String(p.status?.containerStatuses?.[0]?.containerID ?? '').replace(/^containerd:\/\//, '');
              if (cid) nw.containerId = cid;
              continue;
            }
            out.push(...narrate(nw.trace, 'kubelet.watching', { node: config.node, watch: `GET ${s.pods.path}&watch=true`, resourceVersion: s.pods.resourceVersion, event: 'ADDED' }));
            out.push(...narrate(nw.trace, 'kubelet.pod-seen', { node: config.node, pod: key, uid: nw.uid, via: `watch ${s.pods.path}` }));
            startPod(nw);
          } else {
            w.pod = { ...p, status: w.pod.status ?? p.status };
            if (p.metadata.deletionTimestamp && w.phase !== 'killing' && w.phase !== 'teardown' && w.phase !== 'deleting') killPod(w, p);
          }
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === KUBELET_CONTAINER_LOGS) {
        const q = input.payload as { reqId: string; namespace: string; pod: string; container: string };
        const w = s.workers[`${q.namespace}/${q.pod}`];
        if (!w?.containerId) {
          out.push({ type: 'send', to: input.from, kind: KUBELET_CONTAINER_LOGS_REPLY, payload: { reqId: q.reqId, ok: false, error: `container "${q.container}" in pod "${q.pod}" is waiting to start: ContainerCreating` } });
          return { state: s, outputs: out };
        }
        const criId = `${config.node}-${s.nextCri++}`;
        s.logRequests[criId] = { from: input.from, reqId: q.reqId };
        out.push({ type: 'send', to: config.containerd, kind: CRI_REQUEST, payload: { method: 'ContainerLogs', containerId: w.containerId, reqId: criId } });
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === CRI_REPLY && s.logRequests[(input.payload as CriReply).reqId]) {
        const r = input.payload as CriReply & { log?: string[] };
        const to = s.logRequests[r.reqId]!;
        delete s.logRequests[r.reqId];
        out.push({ type: 'send', to: to.from, kind: KUBELET_CONTAINER_LOGS_REPLY, payload: { reqId: to.reqId, ok: r.ok, ...(r.ok ? { log: r.log ?? [] } : { error: r.error }) } });
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === CRI_REPLY) {
        const r = input.payload as CriReply;
        const key = s.cri[r.reqId];
        delete s.cri[r.reqId];
        const w = key ? s.workers[key] : undefined;
        if (!w) return { state: s, outputs: out };
        const c = w.pod.spec.containers[0];
        if (!r.ok) {
          event(w, 'Warning', r.method === 'RunPodSandbox' ? 'FailedCreatePodSandBox' : 'Failed', `Failed to create pod sandbox: rpc error: code = Unknown desc = ${r.error}`);
          return { state: s, outputs: out };
        }
        if (w.pod.metadata.deletionTimestamp && (w.phase === 'sandbox' || w.phase === 'pulling' || w.phase === 'creating' || w.phase === 'starting')) {
          if (r.sandboxId) w.sandboxId = r.sandboxId;
          if (r.containerId) w.containerId = r.containerId;
          killPod(w, w.pod);
          return { state: s, outputs: out };
        }
        switch (r.method) {
          case 'RunPodSandbox':
            w.sandboxId = r.sandboxId;
            w.podIP = r.ip;
            w.sandboxAtMs = nowMs;
            w.phase = 'pulling';
            w.pullStartUs = env.now;
            // EnsureImageExists: ask the runtime whether the image is there before pulling.
            cri(w, { method: 'ImageStatus', image: c.image });
            break;
          case 'ImageStatus':
            if (r.present && c.imagePullPolicy !== 'Always') {
              w.imageRef = r.imageRef;
              event(w, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
              w.phase = 'creating';
              cri(w, { method: 'CreateContainer', sandboxId: w.sandboxId!, name: c.name, image: c.image });
            } else {
              event(w, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
              cri(w, { method: 'PullImage', image: c.image });
            }
            break;
          case 'PullImage': {
            w.imageRef = r.imageRef;
            // image_manager.go: a pull that ran (policy Always, or the image was missing) reports its
            // time even when every layer was already there; "already present" is only for no pull.
            const total = env.now - (w.pullStartUs ?? env.now);
            event(w, 'Normal', 'Pulled', `Successfully pulled image "${c.image}" in ${goDuration(r.pullUs ?? total)} (${goDuration(total)} including waiting). Image size: ${r.sizeBytes} bytes.`);
            w.phase = 'creating';
            cri(w, { method: 'CreateContainer', sandboxId: w.sandboxId!, name: c.name, image: c.image });
            break;
          }
          case 'CreateContainer':
            w.containerId = r.containerId;
            event(w, 'Normal', 'Created', `Created container: ${c.name}`);
            w.phase = 'starting';
            cri(w, { method: 'StartContainer', containerId: r.containerId! });
            break;
          case 'StartContainer': {
            w.startedAtMs = nowMs;
            event(w, 'Normal', 'Started', `Started container ${c.name}`);
            out.push(...narrate(w.trace, 'kubelet.containers-started', { pod: w.key, node: config.node, sandboxId: w.sandboxId, podIP: w.podIP, image: w.imageRef, containerId: w.containerId, sinceSeenMs: nowMs - (w.startTimeMs ?? nowMs) }));
            w.phase = 'running';
            const st = patchStatus(w);
            out.push({ type: 'note', kind: 'kubelet.pod-running', data: { pod: w.key, podIP: w.podIP, node: config.node } });
            out.push(...narrate(w.trace, 'kubelet.status-reported', { pod: w.key, node: config.node, phase: st.phase, podIP: st.podIP, conditions: st.conditions.map((x: any) => `${x.type}=${x.status}`) }));
            break;
          }
          case 'StopContainer':
            // An adopted pod's sandbox is learned from its container.
            w.sandboxId ??= r.sandboxId;
            if (!w.sandboxId) {
              deletePod(w);
              break;
            }
            w.phase = 'teardown';
            cri(w, { method: 'StopPodSandbox', sandboxId: w.sandboxId });
            break;
          case 'StopPodSandbox':
            cri(w, { method: 'RemovePodSandbox', sandboxId: w.sandboxId! });
            break;
          case 'RemovePodSandbox':
            deletePod(w);
            break;
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === HTTP_RESPONSE) {
        const res = input.payload as HttpResponse;
        if (res.conn !== s.api.conn) return { state: s, outputs: out };
        if (res.stream === s.leaseStream) {
          const was = s.leaseOp;
          s.leaseStream = null;
          s.leaseOp = null;
          if (res.status === 200 && was === 'get') {
            s.lease = res.body as KubeObject;
            leaseReq('update');
            return { state: s, outputs: out };
          }
          if (res.status === 200 || res.status === 201) {
            s.lease = res.body as KubeObject;
            s.renewals++;
            out.push({ type: 'note', kind: 'lease.renewed', data: { lease: `${config.lease.namespace}/${config.lease.name}`, renewTime: s.lease.spec?.renewTime, resourceVersion: s.lease.metadata.resourceVersion } });
          } else if (res.status === 409) s.lease = null;
          else if (res.status === 404 && was === 'get' && s.joining?.registered) {
            // ensureLease: no Lease yet (a new node): create it, owned by the Node.
            s.leaseOp = 'update';
            const l = renewedLease(config.lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: config.lease.name, namespace: config.lease.namespace, ...(s.joining.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: config.node, uid: s.joining.nodeUid }] } : {}) }, spec: {} }, env);
            const r = request(s.api, 'POST', `/apis/coordination.k8s.io/v1/namespaces/${config.lease.namespace}/leases`, l, ua);
            s.leaseStream = r.stream;
            out.push(r.output);
            return { state: s, outputs: out };
          }
          out.push({ type: 'timer', name: 'renew', afterUs: nextRenewalUs(config.lease, env) });
          return { state: s, outputs: out };
        }
        const what = s.streams[res.stream];
        if (what) {
          delete s.streams[res.stream];
          if (what.what === 'status' && res.status === 200) {
            const w = s.workers[what.pod];
            // A new object: the informer's copy (shared with every other watcher of the event) stays as it came.
            if (w) w.pod = { ...w.pod, metadata: { ...w.pod.metadata, resourceVersion: (res.body as KubeObject).metadata?.resourceVersion } };
          }
          if (what.what === 'delete') out.push({ type: 'note', kind: 'kubelet.pod-deleted', data: { pod: what.pod, status: res.status } });
        }
      }
      return { state: s, outputs: out };
    },
  };
}

/** generateAPIPodStatus, for the one-container pods the lab runs. */
export function podStatus(w: PodWorker, config: Pick<KubeletConfig, 'nodeIP'>, nowMs: number): any {
  const t = rfc3339;
  const c = w.pod.spec.containers[0];
  const prev = (type: string) => (w.pod.status?.conditions ?? []).find((x: any) => x.type === type);
  const cond = (type: string, status: boolean, reason?: string) => {
    const p = prev(type);
    const s = status ? 'True' : 'False';
    return { type, status: s, lastProbeTime: null, lastTransitionTime: p && p.status === s ? p.lastTransitionTime : t(nowMs), ...(reason && !status ? { reason } : {}) };
  };
  const running = w.phase === 'running';
  const sandboxReady = !!w.sandboxId && w.phase !== 'teardown' && w.phase !== 'deleting';
  const scheduled = prev('PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: w.pod.metadata.creationTimestamp };
  return {
    phase: running ? 'Running' : 'Pending',
    conditions: [
      cond('PodReadyToStartContainers', sandboxReady),
      cond('Initialized', true),
      cond('Ready', running, 'ContainersNotReady'),
      cond('ContainersReady', running, 'ContainersNotReady'),
      scheduled,
    ],
    containerStatuses: [
      {
        name: c.name,
        image: normalizeImage(c.image).replace(/^docker\.io\/(library\/)?/, 'docker.io/$1'),
        imageID: w.imageRef && running ? repoDigest(w.imageRef) : '',
        ...(w.containerId && running ? { containerID: `containerd://${w.containerId}` } : {}),
        ready: running,
        restartCount: 0,
        started: running,
        state: running ? { running: { startedAt: t(w.startedAtMs ?? nowMs) } } : { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      },
    ],
    hostIP: config.nodeIP,
    hostIPs: [{ ip: config.nodeIP }],
    ...(w.podIP && sandboxReady ? { podIP: w.podIP, podIPs: [{ ip: w.podIP }] } : {}),
    qosClass: w.pod.spec.containers.some((x: any) => x.resources?.requests || x.resources?.limits) ? 'Burstable' : 'BestEffort',
    startTime: t(w.startTimeMs ?? nowMs),
  };
}

export type { StepEnv };

/**
 * containerStatuses[].imageID as the kubelet reports it from CRI ContainerStatus.image_ref: the
 * repository digest, `docker.io/library/nginx@sha256:<64 hex>`. The lab has no registry, so the
 * digest is a stand-in: sha256 of the image reference (stable per image, the right shape).
 */
export function repoDigest(imageRef: string): string {
  const repo = imageRef.replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[^:/]+$/, '');
  return `${repo}@sha256:${bytesToHex(sha256(new TextEncoder().encode(imageRef)))}`;
}
