/**
 * `k3s agent` on a machine that joins the cluster (the seed's "Add a Worker Node": `curl -sfL
 * https://get.k3s.io | K3S_URL=https://10.89.97.201:6443 K3S_TOKEN=K10…::server:… sh -`). It
 * parses the token, fetches the server's CA bundle from the unauthenticated `/cacerts` and checks
 * it against the token's hash (retrying every 2 s on a mismatch), then — as user `node` with the
 * token's password — retrieves `/v1-k3s/config`, the CA bundles and its certificates, sending its
 * node name, node password (/etc/rancher/node/password, 16 random bytes, kept across restarts)
 * and IP with the two kubelet certificate requests. A failed retrieval is logged and retried with
 * wait.JitterUntil(5 s, jitter 1.0). With its certificates it starts the kubelet (which registers
 * the Node) and kube-proxy, and runs flannel: flannel waits for the Node's spec.podCIDR (node-ipam
 * in kube-controller-manager assigns it), writes its annotations to the Node through
 * nodes/status, and — with the subnet known and the CNI config in place — containerd's network
 * becomes ready, which the kubelet then reports as Ready. The agent talks to the supervisor through
 * its client-side load balancer on 127.0.0.1:6444, which is what its messages name.
 *
 * Upstream (k3s v1.33): pkg/agent/run.go (createProxyAndValidateToken: WithUser("node"), the 2 s
 * retry), pkg/agent/config/config.go (Get: JitterUntil 5 s/1.0 "Waiting to retrieve agent
 * configuration; server is not ready: %v"; get: ParseAndValidateToken, getConfig "failed to
 * retrieve configuration from server", client-ca.crt, server-ca.crt, getServingCert,
 * client-kubelet.crt, client-kube-proxy.crt, client-k3s-controller.crt; getNodeNamedCrt: the
 * k3s-Node-Name/-Password/-IP headers and the 403 text), pkg/agent/flannel/setup.go (flannel runs
 * with the kubelet's kubeconfig), flannel-io/flannel pkg/subnet/kube/kube.go (the node
 * annotations, PatchStatus), pkg/agent/loadbalancer (127.0.0.1:6444).
 * Leaves out: the install script, the websocket tunnel, the apiserver address list and load
 * balancing across servers, airgap images, --with-node-id, agent tokens distinct from the server
 * token; the k3s cloud controller's node initialization is folded into the kubelet's registration
 * (providerID, instance-type label, no uninitialized taint) and k3s's own node annotations into
 * flannel's patch.
 */
import { HTTP_RESPONSE, type HttpResponse } from '../apiserver/http';
import type { Certificate } from '../apiserver/authn/x509';
import { newConnection, onHandshake, openConnection, request, type ApiConnection } from '../client/api-connection';
import type { Model, Output, StepEnv } from '../kernel/model';
import type { KubeObject } from '../objects/meta';
import { NODE_PASSWORD_REJECTED } from './node-password';
import { PROGRAM } from './supervisor';
import { NO_CA_HASH_WARNING, parseToken, TokenError, validateCAHash, type TokenInfo } from './token';

/** What the kubelet gets from the agent to start with (its certificate). */
export const K3S_START_KUBELET = 'k3s.start-kubelet';
/** flannel has the node's subnet and wrote its CNI config: the container runtime's network is ready. */
export const K3S_NETWORK_READY = 'k3s.network-ready';

export interface K3sAgentConfig {
  node: string;
  nodeIP: string;
  /** K3S_URL as given, e.g. https://10.89.97.201:6443. */
  serverURL: string;
  token: string;
  /** The supervisor's process (the k3s server's apiserver). */
  server: string;
  serverName: string;
  kubelet: string;
  kubeProxy: string;
  containerd: string;
  userAgent: string;
  /** The VXLAN device's MAC address flannel announces. */
  vtepMAC: string;
  /** Time for containerd and the kubelet to start once the certificates are in place, µs. */
  startUs: number;
}

type Phase = 'cacerts' | 'config' | 'client-ca' | 'server-ca' | 'serving-cert' | 'client-cert' | 'proxy-cert' | 'controller-cert' | 'readyz' | 'starting' | 'flannel-wait' | 'flannel-patch' | 'running' | 'failed';

export interface K3sAgentState {
  api: ApiConnection;
  phase: Phase;
  inflight: number | null;
  token: TokenInfo | null;
  nodePassword: string;
  kubeletCert?: Certificate;
  /** flannel's connection, with the kubelet's certificate. */
  flannel?: ApiConnection;
  attempts: number;
  podCIDR?: string;
}

/** The agent's client-side load balancer, through which it reaches the supervisor. */
export const SUPERVISOR_LB_URL = 'https://127.0.0.1:6444';

const ORDER: Phase[] = ['config', 'client-ca', 'server-ca', 'serving-cert', 'client-cert', 'proxy-cert', 'controller-cert', 'readyz'];
const PATHS: Partial<Record<Phase, string>> = {
  config: `/v1-${PROGRAM}/config`,
  'client-ca': `/v1-${PROGRAM}/client-ca.crt`,
  'server-ca': `/v1-${PROGRAM}/server-ca.crt`,
  'serving-cert': `/v1-${PROGRAM}/serving-kubelet.crt`,
  'client-cert': `/v1-${PROGRAM}/client-kubelet.crt`,
  'proxy-cert': `/v1-${PROGRAM}/client-kube-proxy.crt`,
  'controller-cert': `/v1-${PROGRAM}/client-${PROGRAM}-controller.crt`,
  readyz: `/v1-${PROGRAM}/readyz`,
};

function base64Text(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)));
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export function makeK3sAgent(config: K3sAgentConfig): Model<K3sAgentState> {
  const ua = config.userAgent;
  const log = (level: 'info' | 'warn' | 'error', msg: string): Output => ({ type: 'note', kind: 'k3s.agent-log', data: { node: config.node, level, msg } });
  return {
    type: 'k3s-agent',
    init: (persisted, env) => ({
      api: newConnection(config.server, config.serverName, `${env.self}:6444`),
      phase: 'cacerts',
      inflight: null,
      token: null,
      nodePassword: String(persisted.get('node-password') ?? ''),
      attempts: 0,
    }),
    step(s, input, env) {
      const out: Output[] = [];
      const send = (path: string, withCreds: boolean, nodeHeaders = false) => {
        const headers: Record<string, string> = {};
        if (withCreds && s.token?.password !== undefined) headers['Authorization'] = `Basic ${base64Text(`node:${s.token.password}`)}`;
        if (nodeHeaders) {
          headers[`${PROGRAM}-Node-Name`] = config.node;
          headers[`${PROGRAM}-Node-Password`] = s.nodePassword;
          headers[`${PROGRAM}-Node-IP`] = config.nodeIP;
        }
        const r = request(s.api, 'GET', path, undefined, ua, undefined, headers);
        s.inflight = r.stream;
        out.push(r.output);
      };
      const step = (phase: Phase) => {
        s.phase = phase;
        if (phase === 'cacerts') return send('/cacerts', false);
        send(PATHS[phase]!, true, phase === 'serving-cert' || phase === 'client-cert');
      };
      if (input.type === 'start') {
        out.push(log('info', `Starting k3s agent ${ua.replace(/^k3s\//, '').split(' ')[0]}`));
        try {
          s.token = parseToken(config.token);
        } catch (e) {
          if (!(e instanceof TokenError)) throw e;
          s.phase = 'failed';
          out.push(log('error', e.message));
          return { state: s, outputs: out };
        }
        if (!s.token.caHash) out.push(log('warn', NO_CA_HASH_WARNING));
        if (!s.nodePassword) {
          // ensureNodePassword: 16 random bytes, hex, written to /etc/rancher/node/password.
          s.nodePassword = Array.from({ length: 32 }, () => env.rng.int(0, 15).toString(16)).join('');
          out.push({ type: 'persist', key: 'node-password', value: s.nodePassword });
        }
        out.push(openConnection(s.api));
        return { state: s, outputs: out };
      }
      // Two connections (the supervisor's, flannel's): a handshake message goes to its own.
      const conn = input.type === 'message' ? (input.payload as { conn?: string } | undefined)?.conn : undefined;
      if (s.flannel && conn === s.flannel.conn) {
        const fh = onHandshake(s.flannel, input);
        if (fh.handled) {
          out.push(...fh.outputs);
          if (fh.established) flannelPoll();
          return { state: s, outputs: out };
        }
      } else {
        const hs = onHandshake(s.api, input);
        if (hs.handled) {
          out.push(...hs.outputs);
          if (hs.established) step('cacerts');
          return { state: s, outputs: out };
        }
      }
      if (input.type === 'timer') {
        if (input.name === 'retry') {
          if (s.phase === 'cacerts') step('cacerts');
          else step('config');
        } else if (input.name === 'started') {
          // containerd and the kubelet are up: the kubelet registers the node; flannel waits for its subnet.
          out.push({ type: 'send', to: config.kubelet, kind: K3S_START_KUBELET, payload: { cert: s.kubeletCert } });
          out.push({ type: 'send', to: config.kubeProxy, kind: K3S_START_KUBELET, payload: {} });
          s.phase = 'flannel-wait';
          s.flannel = newConnection(config.server, config.serverName, `${env.self}:flannel`, s.kubeletCert);
          out.push(openConnection(s.flannel));
        } else if (input.name === 'flannel-poll') flannelPoll();
        return { state: s, outputs: out };
      }
      if (input.type !== 'message' || input.kind !== HTTP_RESPONSE) return { state: s, outputs: out };
      const res = input.payload as HttpResponse;
      if (s.flannel && res.conn === s.flannel.conn) {
        onFlannel(res);
        return { state: s, outputs: out };
      }
      if (res.conn !== s.api.conn || res.stream !== s.inflight) return { state: s, outputs: out };
      s.inflight = null;
      const url = s.phase === 'cacerts' ? `${SUPERVISOR_LB_URL}/cacerts` : `${SUPERVISOR_LB_URL}${PATHS[s.phase]}`;
      if (s.phase === 'cacerts') {
        if (res.status !== 200) {
          out.push(log('error', `failed to get CA certs: ${url}: ${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trim()));
          out.push({ type: 'timer', name: 'retry', afterUs: 2_000_000 });
          return { state: s, outputs: out };
        }
        const err = validateCAHash(s.token!, String(res.body));
        if (err) {
          // createProxyAndValidateToken logs the error and tries again in 2 s.
          out.push(log('error', err));
          out.push({ type: 'note', kind: 'k3s.join-step', data: { node: config.node, step: 'validate-ca', ok: false, error: err } });
          out.push({ type: 'timer', name: 'retry', afterUs: 2_000_000 });
          return { state: s, outputs: out };
        }
        out.push({ type: 'note', kind: 'k3s.join-step', data: { node: config.node, step: 'validate-ca', ok: true, url, caHash: s.token!.caHash || null } });
        step('config');
        return { state: s, outputs: out };
      }
      if (res.status !== 200) {
        s.attempts++;
        const why = res.status === 403 && (s.phase === 'serving-cert' || s.phase === 'client-cert') ? NODE_PASSWORD_REJECTED : `${url}: ${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trim();
        const msg = s.phase === 'config' ? `failed to retrieve configuration from server: ${why}` : why;
        out.push(log('info', `Waiting to retrieve agent configuration; server is not ready: ${msg}`));
        out.push({ type: 'note', kind: 'k3s.join-step', data: { node: config.node, step: s.phase, ok: false, status: res.status, error: msg } });
        // wait.JitterUntil(5 s, jitter 1.0): the next try 5–10 s later, the whole retrieval again.
        out.push({ type: 'timer', name: 'retry', afterUs: 5_000_000 + Math.floor(env.rng.float() * 5_000_000) });
        return { state: s, outputs: out };
      }
      if (s.phase === 'client-cert') s.kubeletCert = (res.body as { certificate: Certificate }).certificate;
      out.push({ type: 'note', kind: 'k3s.join-step', data: { node: config.node, step: s.phase, ok: true, url, ...(s.phase === 'client-cert' || s.phase === 'serving-cert' ? { certificate: (res.body as { certificate: Certificate }).certificate.subject } : {}) } });
      const next = ORDER[ORDER.indexOf(s.phase) + 1];
      if (next) step(next);
      else {
        s.phase = 'starting';
        out.push(log('info', 'Running kubelet with the client certificate from the server'));
        out.push({ type: 'timer', name: 'started', afterUs: config.startUs });
      }
      return { state: s, outputs: out };

      function flannelPoll() {
        const r = request(s.flannel!, 'GET', `/api/v1/nodes/${config.node}`, undefined, ua);
        s.inflight = r.stream;
        out.push(r.output);
      }
      function onFlannel(res: HttpResponse) {
        if (s.phase === 'flannel-wait') {
          const podCIDR = res.status === 200 ? ((res.body as KubeObject).spec?.podCIDR as string | undefined) : undefined;
          if (!podCIDR) {
            out.push({ type: 'timer', name: 'flannel-poll', afterUs: 1_000_000 });
            return;
          }
          s.phase = 'flannel-patch';
          s.podCIDR = podCIDR;
          out.push({ type: 'note', kind: 'k3s.join-step', data: { node: config.node, step: 'flannel-subnet', ok: true, podCIDR } });
          const annotations = {
            'flannel.alpha.coreos.com/backend-data': JSON.stringify({ VNI: 1, VtepMAC: config.vtepMAC }),
            'flannel.alpha.coreos.com/backend-type': 'vxlan',
            'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
            'flannel.alpha.coreos.com/public-ip': config.nodeIP,
            'k3s.io/hostname': config.node,
            'k3s.io/internal-ip': config.nodeIP,
            'k3s.io/node-args': JSON.stringify(['agent']),
          };
          const r = request(s.flannel!, 'PATCH', `/api/v1/nodes/${config.node}/status`, { metadata: { annotations } }, ua);
          s.inflight = r.stream;
          out.push(r.output);
          return;
        }
        if (s.phase === 'flannel-patch') {
          s.phase = 'running';
          out.push({ type: 'note', kind: 'k3s.join-step', data: { node: config.node, step: 'flannel-annotated', ok: res.status === 200 } });
          // subnet.env written, the CNI config in place: containerd's CNI network is ready.
          out.push({ type: 'send', to: config.containerd, kind: K3S_NETWORK_READY, payload: { podCIDR: s.podCIDR } });
          out.push({ type: 'send', to: config.kubelet, kind: K3S_NETWORK_READY, payload: { podCIDR: s.podCIDR } });
        }
      }
    },
  };
}

export type { StepEnv };
