/**
 * containerd (k3s's embedded 2.1.4-k3s1) answering the kubelet's CRI calls over
 * /run/k3s/containerd/containerd.sock: RunPodSandbox (the pause container, then CNI ADD — flannel
 * delegating to the bridge plugin and host-local IPAM for an address in the node's /24, cni0 = .1),
 * PullImage (skipped when the image is in the content store; otherwise registry round trips, the
 * layers' bytes at the node's bandwidth, then unpacking), CreateContainer, StartContainer,
 * StopContainer (SIGTERM, SIGKILL after the timeout), StopPodSandbox/RemovePodSandbox (CNI DEL
 * releases the address) and ContainerLogs (what `kubectl logs` reads via the kubelet).
 *
 * Upstream: containerd/containerd internal/cri/server/sandbox_run.go (RunPodSandbox: pause, then
 * setupPodNetwork), image_pull.go (PullImage: resolve, fetch, unpack), container_start.go,
 * container_stop.go (SIGTERM then SIGKILL after timeout); k8s.io/cri-api runtime/v1 api.proto
 * (message names); containernetworking/plugins plugins/ipam/host-local/backend/allocator
 * (next free address after the last reserved one, gateway skipped, wrap around).
 * Leaves out: real layers and snapshotters (one size per image), registry auth failures,
 * ImagePullBackOff, concurrent-pull bandwidth sharing (kubelet's serializeImagePulls=true default
 * makes pulls one at a time anyway; the queue lives here), cgroups, exec/attach.
 * The IPAM here is a minimal host-local allocator on plain data.
 * TODO: switch to @kubelab/network's Ipam once its state can live in a model's plain-data state.
 */
import { K3S_NETWORK_READY } from '../k3s/agent';
import type { Model, Output, StepEnv } from '../kernel/model';
import { calendarMs } from '../objects/meta';

/** Compressed linux/amd64 sizes (bytes) of the images the lab knows, as registries report them (approximate). */
export const IMAGE_SIZES: Record<string, number> = {
  'docker.io/rancher/mirrored-pause:3.6': 301_000,
  'docker.io/library/nginx:latest': 72_000_000,
  'docker.io/library/httpd:2.4': 58_000_000,
  'docker.io/library/busybox:latest': 2_200_000,
  'docker.io/library/redis:7': 45_000_000,
  'docker.io/library/postgres:17': 160_000_000,
  'docker.io/hashicorp/http-echo:1.0': 3_300_000,
};
export const DEFAULT_IMAGE_SIZE = 50_000_000;
export const PAUSE_IMAGE = 'docker.io/rancher/mirrored-pause:3.6';

/** Docker's reference normalisation: `nginx` → docker.io/library/nginx:latest. */
export function normalizeImage(ref: string): string {
  let name = ref;
  let tag = '';
  const at = name.indexOf('@');
  if (at >= 0) return name.includes('/') ? name : `docker.io/library/${name}`;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const first = name.split('/')[0]!;
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) name = name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
  return `${name}:${tag || 'latest'}`;
}

export interface ContainerdConfig {
  node: string;
  podCIDR: string;
  /** The node's download bandwidth, bytes per second. */
  bandwidthBps: number;
  /** Images already in the content store at t=0 (normalised or not). */
  cachedImages: string[];
  /** Registry round trips (token, manifest list, manifest) × RTT, µs. */
  registryRoundTripUs: number;
  /** Decompress + unpack rate into the snapshotter, bytes per second. */
  unpackBps: number;
}

export const DEFAULT_CONTAINERD: Omit<ContainerdConfig, 'node' | 'podCIDR' | 'cachedImages'> = {
  bandwidthBps: 12_500_000, // 100 Mbit/s, a homelab's uplink (the seed gives none)
  registryRoundTripUs: 120_000,
  unpackBps: 80_000_000,
};

export interface Sandbox {
  id: string;
  pod: string;
  ip: string;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
}
export interface Container {
  id: string;
  sandboxId: string;
  name: string;
  image: string;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED';
  startedAtUs?: number;
  exitCode?: number;
  log: string[];
}

export interface ContainerdState {
  config: ContainerdConfig;
  images: Record<string, { size: number; pulledAtUs: number }>;
  sandboxes: Record<string, Sandbox>;
  containers: Record<string, Container>;
  /** host-local: address → sandbox, and the last address handed out (as an offset in the /24). */
  ipam: { used: Record<number, string>; lastReserved: number };
  /** kubelet's serial image puller: one pull at a time. */
  pullQueue: { reqId: string; from: string; image: string }[];
  pulling: { reqId: string; from: string; image: string; waiters: { reqId: string; from: string }[] } | null;
}

export const CRI_REQUEST = 'cri.request';
export const CRI_REPLY = 'cri.reply';

export type CriRequest =
  | { reqId: string; method: 'RunPodSandbox'; pod: { uid: string; name: string; namespace: string } }
  | { reqId: string; method: 'PullImage'; image: string }
  | { reqId: string; method: 'ImageStatus'; image: string }
  | { reqId: string; method: 'CreateContainer'; sandboxId: string; name: string; image: string }
  | { reqId: string; method: 'StartContainer'; containerId: string }
  | { reqId: string; method: 'StopContainer'; containerId: string; timeoutS: number }
  | { reqId: string; method: 'StopPodSandbox'; sandboxId: string }
  | { reqId: string; method: 'RemovePodSandbox'; sandboxId: string }
  | { reqId: string; method: 'ContainerLogs'; containerId: string };

export interface CriReply {
  reqId: string;
  method: CriRequest['method'];
  ok: boolean;
  error?: string;
  sandboxId?: string;
  ip?: string;
  imageRef?: string;
  cached?: boolean;
  present?: boolean;
  sizeBytes?: number;
  pullUs?: number;
  containerId?: string;
  exitCode?: number;
  log?: string[];
}

/** Sandbox setup: pause start plus the CNI chain (flannel → bridge → host-local → portmap), µs. */
export const SANDBOX_US = 180_000;
export const CREATE_CONTAINER_US = 25_000;
export const START_CONTAINER_US = 60_000;
/** How long nginx/httpd take to exit after SIGTERM (fast shutdown), µs. */
export const EXIT_ON_SIGTERM_US = 150_000;

export function pullDurationUs(c: ContainerdConfig, sizeBytes: number): number {
  return c.registryRoundTripUs * 3 + Math.round((sizeBytes / c.bandwidthBps) * 1e6) + Math.round((sizeBytes / c.unpackBps) * 1e6);
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}
function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** host-local allocation in the node's /24: .1 is cni0 (the gateway), pods from .2 to .254. */
export function allocateIp(s: ContainerdState, owner: string): string {
  // A joining node before flannel has its subnet: the flannel CNI plugin finds no subnet.env.
  if (!s.config.podCIDR) throw new Error("failed to load flannel 'subnet.env' file: open /run/flannel/subnet.env: no such file or directory. Check the flannel pod log for this node.");
  const [base, bits] = s.config.podCIDR.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const net = ipv4ToInt(base);
  for (let i = 1; i <= size; i++) {
    const off = ((s.ipam.lastReserved - 2 + i + (size - 3)) % (size - 3)) + 2; // cycles 2..size-2
    if (!(off in s.ipam.used)) {
      s.ipam.used[off] = owner;
      s.ipam.lastReserved = off;
      return intToIpv4(net + off);
    }
  }
  throw new Error(`failed to allocate for range 0: no IP addresses available in range set: ${intToIpv4(net + 1)}-${intToIpv4(net + size - 2)}`);
}

export function releaseIp(s: ContainerdState, ip: string): void {
  const [base] = s.config.podCIDR.split('/') as [string];
  delete s.ipam.used[ipv4ToInt(ip) - ipv4ToInt(base)];
}

/**
 * What a container writes at start (for `kubectl logs`): the official nginx image's entrypoint
 * (docker-entrypoint.sh and its /docker-entrypoint.d scripts, then nginx's error-log notices,
 * timestamped in nginx's format), httpd's two lines, else nothing. Representative output, not a
 * recording: nginx's version and OS lines are left out.
 */
export function startupLog(image: string, ip: string, startedMs: number): string[] {
  if (image.includes('/nginx:')) {
    const d = new Date(startedMs);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const ts = `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
    return [
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
      '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
      '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
      '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
      '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
      `${ts} [notice] 1#1: using the "epoll" event method`,
      `${ts} [notice] 1#1: start worker processes`,
    ];
  }
  if (image.includes('/httpd:')) return [`AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message`, "AH00094: Command line: 'httpd -D FOREGROUND'"];
  return [];
}

export function makeContainerd(config: ContainerdConfig, preexisting: { sandboxes?: Sandbox[]; containers?: Container[] } = {}): Model<ContainerdState> {
  // What the current step works on: set at the start of each step, read by the helpers below.
  let s!: ContainerdState;
  let env!: StepEnv;
  let outs: Output[] = [];
  const reply = (to: string, r: CriReply, afterUs = 0) => outs.push({ type: 'send', to, kind: CRI_REPLY, payload: r, afterUs });
  const newId = () => env.rng.kubeString(64).replace(/[^0-9a-f]/g, (ch: string) => (ch.charCodeAt(0) % 16).toString(16));
  const startPull = () => {
    if (s.pulling || s.pullQueue.length === 0) return;
    const next = s.pullQueue.shift()!;
    const size = IMAGE_SIZES[next.image] ?? DEFAULT_IMAGE_SIZE;
    s.pulling = { ...next, waiters: [] };
    const us = pullDurationUs(s.config, size);
    outs.push({ type: 'note', kind: 'containerd.pull-start', data: { image: next.image, sizeBytes: size, bandwidthBps: s.config.bandwidthBps, expectedUs: us } });
    outs.push({ type: 'timer', name: 'pull-done', afterUs: us, data: { image: next.image, size, us } });
  };
  return {
    type: 'containerd',
    init: () => {
      const s: ContainerdState = { config, images: {}, sandboxes: {}, containers: {}, ipam: { used: {}, lastReserved: 1 }, pullQueue: [], pulling: null };
      for (const i of [PAUSE_IMAGE, ...config.cachedImages]) {
        const ref = normalizeImage(i);
        s.images[ref] = { size: IMAGE_SIZES[ref] ?? DEFAULT_IMAGE_SIZE, pulledAtUs: 0 };
      }
      const [base] = config.podCIDR.split('/') as [string];
      for (const sb of preexisting.sandboxes ?? []) {
        s.sandboxes[sb.id] = structuredClone(sb);
        const off = ipv4ToInt(sb.ip) - ipv4ToInt(base);
        s.ipam.used[off] = sb.id;
        s.ipam.lastReserved = Math.max(s.ipam.lastReserved, off);
      }
      for (const c of preexisting.containers ?? []) s.containers[c.id] = structuredClone(c);
      return s;
    },
    step(s0, input, env0) {
      // The step's state, env and outputs, for the helpers made once per process above.
      s = s0;
      env = env0;
      const out: Output[] = (outs = []);
      if (input.type === 'timer' && input.name === 'pull-done') {
        const d = input.data as { image: string; size: number; us: number };
        const p = s.pulling!;
        s.pulling = null;
        s.images[d.image] = { size: d.size, pulledAtUs: env.now };
        out.push({ type: 'note', kind: 'containerd.pulled', data: { image: d.image, sizeBytes: d.size, pullUs: d.us } });
        for (const w of [{ reqId: p.reqId, from: p.from }, ...p.waiters]) reply(w.from, { reqId: w.reqId, method: 'PullImage', ok: true, imageRef: d.image, cached: false, sizeBytes: d.size, pullUs: d.us });
        // Queued requests for an image that just landed are answered from the store.
        s.pullQueue = s.pullQueue.filter((q) => {
          if (!s.images[q.image]) return true;
          reply(q.from, { reqId: q.reqId, method: 'PullImage', ok: true, imageRef: q.image, cached: true, sizeBytes: d.size, pullUs: 0 });
          return false;
        });
        startPull();
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name.startsWith('kill:')) {
        const c = s.containers[input.name.slice(5)];
        const d = input.data as { reqId: string; from: string };
        if (c && c.state === 'CONTAINER_RUNNING') {
          c.state = 'CONTAINER_EXITED';
          c.exitCode = 137;
          out.push({ type: 'note', kind: 'containerd.sigkill', data: { container: c.id, name: c.name } });
        }
        reply(d.from, { reqId: d.reqId, method: 'StopContainer', ok: true, containerId: c?.id, exitCode: c?.exitCode ?? 0, ...(c ? { sandboxId: c.sandboxId } : {}) });
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name.startsWith('exited:')) {
        const c = s.containers[input.name.slice(7)];
        const d = input.data as { reqId: string; from: string };
        if (c && c.state === 'CONTAINER_RUNNING') {
          c.state = 'CONTAINER_EXITED';
          c.exitCode = 0;
          c.log.push(...(c.image.includes('/nginx:') ? ['nginx: [notice] 1#1: signal 15 (SIGTERM) received, exiting', 'nginx: [notice] 1#1: exit'] : []));
        }
        out.push({ type: 'cancel-timer', name: `kill:${c?.id}` });
        reply(d.from, { reqId: d.reqId, method: 'StopContainer', ok: true, containerId: c?.id, exitCode: c?.exitCode ?? 0, ...(c ? { sandboxId: c.sandboxId } : {}) });
        return { state: s, outputs: out };
      }
      if (input.type === 'message' && input.kind === K3S_NETWORK_READY) {
        // flannel wrote /run/flannel/subnet.env: the node's /24, which host-local allocates from.
        s.config = { ...s.config, podCIDR: (input.payload as { podCIDR: string }).podCIDR };
        return { state: s, outputs: out };
      }
      if (input.type !== 'message' || input.kind !== CRI_REQUEST) return { state: s, outputs: out };
      const req = input.payload as CriRequest;
      const from = input.from;
      switch (req.method) {
        case 'RunPodSandbox': {
          const id = newId();
          let ip: string;
          try {
            ip = allocateIp(s, id);
          } catch (e) {
            reply(from, { reqId: req.reqId, method: req.method, ok: false, error: `failed to setup network for sandbox "${id}": plugin type="flannel" failed (add): ${(e as Error).message}` }, SANDBOX_US);
            break;
          }
          s.sandboxes[id] = { id, pod: `${req.pod.namespace}/${req.pod.name}`, ip, state: 'SANDBOX_READY' };
          out.push({ type: 'note', kind: 'containerd.sandbox', data: { sandboxId: id, pod: `${req.pod.namespace}/${req.pod.name}`, pause: PAUSE_IMAGE, cni: { plugin: 'flannel→bridge(cni0)→host-local', ip, gateway: intToIpv4(ipv4ToInt(s.config.podCIDR.split('/')[0]!) + 1), podCIDR: s.config.podCIDR } }, afterUs: SANDBOX_US });
          reply(from, { reqId: req.reqId, method: req.method, ok: true, sandboxId: id, ip }, SANDBOX_US);
          break;
        }
        case 'PullImage': {
          const ref = normalizeImage(req.image);
          const have = s.images[ref];
          if (have) {
            // Present already (imagePullPolicy Always): containerd still resolves the tag with the
            // registry (token, manifest list, manifest), then finds every layer in its content store.
            reply(from, { reqId: req.reqId, method: req.method, ok: true, imageRef: ref, cached: true, sizeBytes: have.size, pullUs: s.config.registryRoundTripUs }, s.config.registryRoundTripUs);
          } else if (s.pulling?.image === ref) {
            s.pulling.waiters.push({ reqId: req.reqId, from });
          } else {
            s.pullQueue.push({ reqId: req.reqId, from, image: ref });
            startPull();
          }
          break;
        }
        case 'ImageStatus': {
          const ref = normalizeImage(req.image);
          reply(from, { reqId: req.reqId, method: req.method, ok: true, present: !!s.images[ref], imageRef: ref, sizeBytes: s.images[ref]?.size }, 1_000);
          break;
        }
        case 'CreateContainer': {
          const sb = s.sandboxes[req.sandboxId];
          if (!sb) {
            reply(from, { reqId: req.reqId, method: req.method, ok: false, error: `sandbox ${req.sandboxId} not found` });
            break;
          }
          const id = newId();
          s.containers[id] = { id, sandboxId: sb.id, name: req.name, image: normalizeImage(req.image), state: 'CONTAINER_CREATED', log: [] };
          reply(from, { reqId: req.reqId, method: req.method, ok: true, containerId: id }, CREATE_CONTAINER_US);
          break;
        }
        case 'StartContainer': {
          const c = s.containers[req.containerId];
          if (!c) {
            reply(from, { reqId: req.reqId, method: req.method, ok: false, error: `container ${req.containerId} not found` });
            break;
          }
          c.state = 'CONTAINER_RUNNING';
          const startedAtUs = env.now + START_CONTAINER_US;
          c.startedAtUs = startedAtUs;
          c.log.push(...startupLog(c.image, s.sandboxes[c.sandboxId]?.ip ?? '', calendarMs(env.epochMs, startedAtUs)));
          reply(from, { reqId: req.reqId, method: req.method, ok: true, containerId: c.id }, START_CONTAINER_US);
          break;
        }
        case 'StopContainer': {
          const c = s.containers[req.containerId];
          if (!c || c.state !== 'CONTAINER_RUNNING') {
            reply(from, { reqId: req.reqId, method: req.method, ok: true, containerId: req.containerId, exitCode: c?.exitCode ?? 0, ...(c ? { sandboxId: c.sandboxId } : {}) });
            break;
          }
          // SIGTERM; nginx and httpd exit promptly on it (fast shutdown), others are killed at the timeout.
          out.push({ type: 'note', kind: 'containerd.sigterm', data: { container: c.id, name: c.name, timeoutS: req.timeoutS } });
          const handles = c.image.includes('/nginx:') || c.image.includes('/httpd:');
          if (handles && req.timeoutS > 0) out.push({ type: 'timer', name: `exited:${c.id}`, afterUs: Math.min(EXIT_ON_SIGTERM_US, req.timeoutS * 1_000_000), data: { reqId: req.reqId, from } });
          else out.push({ type: 'timer', name: `kill:${c.id}`, afterUs: req.timeoutS * 1_000_000, data: { reqId: req.reqId, from } });
          break;
        }
        case 'StopPodSandbox': {
          const sb = s.sandboxes[req.sandboxId];
          if (sb && sb.state === 'SANDBOX_READY') {
            sb.state = 'SANDBOX_NOTREADY';
            releaseIp(s, sb.ip);
            out.push({ type: 'note', kind: 'containerd.cni-del', data: { sandboxId: sb.id, ip: sb.ip } });
          }
          reply(from, { reqId: req.reqId, method: req.method, ok: true, sandboxId: req.sandboxId }, 40_000);
          break;
        }
        case 'RemovePodSandbox': {
          const sb = s.sandboxes[req.sandboxId];
          if (sb?.state === 'SANDBOX_READY') releaseIp(s, sb.ip);
          delete s.sandboxes[req.sandboxId];
          for (const id of Object.keys(s.containers).sort()) if (s.containers[id]!.sandboxId === req.sandboxId) delete s.containers[id];
          reply(from, { reqId: req.reqId, method: req.method, ok: true, sandboxId: req.sandboxId }, 10_000);
          break;
        }
        case 'ContainerLogs': {
          const c = s.containers[req.containerId];
          reply(from, c ? { reqId: req.reqId, method: req.method, ok: true, containerId: c.id, log: [...c.log] } : { reqId: req.reqId, method: req.method, ok: false, error: `container ${req.containerId} not found` });
          break;
        }
      }
      return { state: s, outputs: out };
    },
  };
}
