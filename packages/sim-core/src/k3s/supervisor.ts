/**
 * The k3s supervisor: the HTTP handlers k3s serves on port 6443 in front of kube-apiserver, which
 * is how a new node joins. Unauthenticated: `/cacerts` (the server CA bundle, text/plain — the
 * bytes the join token's K10 hash covers) and `/ping` ("pong"). Behind the cluster's
 * authenticator (basic auth with the node token's credentials — user `node`, group `k3s:agent`,
 * or `server`, group `k3s:server` — or a node's client certificate): `/v1-k3s/config`,
 * `/v1-k3s/readyz`, `/v1-k3s/apiservers`, the CA bundles (`client-ca.crt`, `server-ca.crt`) and
 * the certificates the agent's components run with, signed on request: `serving-kubelet.crt`
 * (CN=<node>), `client-kubelet.crt` (CN=system:node:<node>, O=system:nodes) — both only after the
 * node password check (node-password.ts) — `client-kube-proxy.crt` (CN=system:kube-proxy),
 * `client-k3s-controller.crt` (CN=system:k3s-controller). Every other path goes on to
 * kube-apiserver.
 *
 * The routes are gorilla/mux routers chained by NotFoundHandler, and a router's middleware runs
 * only for a route it matches: `/v1-k3s/config` asks for k3s:agent, system:nodes or
 * system:bootstrappers, so the token's own `server` user gets 403 there — which is why the agent
 * sends the token's password as user `node` (clientaccess.WithUser("node")). A request whose
 * credentials fail gets 401 "not authorized"; one with none, or without the role, 403 "forbidden".
 *
 * Upstream (k3s v1.33): pkg/server/handlers/router.go (NewHandler), handlers.go (CACerts, Ping,
 * ServingKubeletCert, ClientKubeletCert, ClientKubeProxyCert, ClientControllerCert, File, Config,
 * Readyz, APIServers), pkg/server/auth/auth.go (doAuth/HasRole), pkg/nodepassword/validate.go,
 * pkg/daemons/control/deps/deps.go (genUsers: users "node" k3s:agent and "server" k3s:server,
 * the same password unless an agent token is set).
 * Leaves out: the server-only endpoints (`/v1-k3s/server-bootstrap`, `/v1-k3s/token`,
 * `/v1-k3s/encrypt/*`, `/v1-k3s/cert/cacerts`) and the `/v1-k3s/connect` websocket tunnel (the
 * lab's apiserver reaches kubelets directly), bootstrap tokens, CSRs (the agent takes the shared
 * key, as legacy clients do), MaxInFlight limits. The certificates are the lab's structured
 * Certificate objects (subject, issuer, SANs), sent with the CA bundle: the lab holds no CA keys,
 * so it signs nothing.
 */
import { HTTP_RESPONSE, type HttpRequest, type HttpResponse } from '../apiserver/http';
import { authenticateX509, type Certificate, type UserInfo } from '../apiserver/authn/x509';
import { objectKey, RESOURCES } from '../apiserver/storage/keys';
import type { KeyValue } from '../etcd/mvcc';
import { KV_RANGE, KV_TXN, type EtcdReply, type EtcdRequest } from '../etcd/rpc';
import type { Output, StepEnv } from '../kernel/model';
import { rfc3339, type KubeObject } from '../objects/meta';
import { createHash, hashOfSecret, nodePasswordSecret, nodePasswordSecretName, verifyHash } from './node-password';

export const PROGRAM = 'k3s';
const PREFIX = `/v1-${PROGRAM}`;

export interface SupervisorConfig {
  /** The server CA bundle (PEM), what /cacerts and server-ca.crt serve. */
  serverCA: string;
  serverCAName: string;
  /** The client CA bundle (PEM), what client-ca.crt serves. */
  clientCA: string;
  clientCAName: string;
  /** Passwords of the passwd file's users: `server` (k3s:server) and `node` (k3s:agent). */
  passwords: { server: string; node: string };
  /** What /v1-k3s/config answers (config.Control as JSON, the fields agents read). */
  control: Record<string, unknown>;
  /** What /v1-k3s/apiservers answers. */
  apiservers: string[];
  /** Certificate validity, calendar ms. */
  notBefore: string;
  notAfter: string;
}

interface PendingCert {
  from: string;
  req: HttpRequest;
  node: string;
  password: string;
  kind: 'serving' | 'client';
  nodeIPs: string[];
  step: 'read' | 'create';
  secret?: KubeObject;
}

export interface SupervisorState {
  pending: Record<string, PendingCert>;
  next: number;
}

export const newSupervisorState = (): SupervisorState => ({ pending: {}, next: 1 });

const REQ_PREFIX = 'k3s-supervisor-';
export const isSupervisorReqId = (id: string): boolean => id.startsWith(REQ_PREFIX);

const AGENT_ROUTES = ['serving-kubelet.crt', 'client-kubelet.crt', 'client-kube-proxy.crt', `client-${PROGRAM}-controller.crt`, 'client-ca.crt', 'server-ca.crt', 'apiservers', 'config', 'readyz'].map((r) => `${PREFIX}/${r}`);

/** Whether the supervisor's router matches the path (everything else is kube-apiserver's). */
export function isSupervisorPath(rawPath: string): boolean {
  const path = rawPath.split('?')[0]!;
  return path === '/cacerts' || path === '/ping' || AGENT_ROUTES.includes(path);
}

function header(req: HttpRequest, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** The union authenticator as doAuth calls it: basic auth (the passwd file), then the client certificate. */
function authenticate(cfg: SupervisorConfig, req: HttpRequest, peerCert: Certificate | undefined, nowMs: number): { user?: UserInfo; error?: string } {
  const auth = header(req, 'Authorization');
  const basic = auth ? /^Basic (.+)$/i.exec(auth)?.[1] : undefined;
  if (basic !== undefined) {
    const decoded = decodeBase64Text(basic);
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const pass = colon < 0 ? '' : decoded.slice(colon + 1);
    if (user === 'server' && pass === cfg.passwords.server) return { user: { username: 'server', groups: [`${PROGRAM}:server`, 'system:authenticated'] } };
    if (user === 'node' && pass === cfg.passwords.node) return { user: { username: 'node', groups: [`${PROGRAM}:agent`, 'system:authenticated'] } };
    return { error: 'invalid username/password combination' };
  }
  if (peerCert) {
    const r = authenticateX509(peerCert, cfg.clientCAName, nowMs, false);
    if (r.ok) return { user: r.user };
    return { error: r.error };
  }
  return {};
}

function decodeBase64Text(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return '';
  }
}

export interface SupervisorHost {
  etcd: string;
  /** The apiserver's watch cache learns of an object the supervisor wrote. */
  published(secret: KubeObject, rv: number): void;
}

function reply(out: Output[], to: string, req: HttpRequest, status: number, contentType: string, body: unknown, afterUs = 0): void {
  const payload: HttpResponse = { conn: req.conn, stream: req.stream, status, headers: { 'Content-Type': contentType }, body, trace: req.trace };
  out.push({ type: 'send', to, kind: HTTP_RESPONSE, payload, afterUs });
}

/** util.SendError: the status and the error's text. */
function sendError(out: Output[], to: string, req: HttpRequest, status: number, message: string): void {
  reply(out, to, req, status, 'text/plain; charset=utf-8', message);
  out.push({ type: 'note', kind: 'k3s.supervisor-error', data: { path: req.path, status, error: message } });
}

/** Time to sign one certificate (ECDSA P-256), µs. */
const SIGN_US = 900;

function signed(cfg: SupervisorConfig, cert: Omit<Certificate, 'issuer' | 'serial' | 'notBefore' | 'notAfter'>, issuer: string, env: StepEnv): Certificate {
  return { ...cert, issuer: { CN: issuer }, serial: Array.from({ length: 16 }, () => env.rng.int(0, 15).toString(16)).join(''), notBefore: cfg.notBefore, notAfter: cfg.notAfter };
}

/** Serve one request the supervisor's router matched. */
export function superviseRequest(st: SupervisorState, cfg: SupervisorConfig, host: SupervisorHost, from: string, req: HttpRequest, peerCert: Certificate | undefined, env: StepEnv, out: Output[]): void {
  const path = req.path.split('?')[0]!;
  const nowMs = env.epochMs + Math.floor(env.now / 1000);
  out.push({ type: 'note', kind: 'k3s.supervisor-request', data: { method: req.method, path, from } });
  if (path === '/cacerts') return reply(out, from, req, 200, 'text/plain', cfg.serverCA);
  if (path === '/ping') return reply(out, from, req, 200, 'text/plain', 'pong');
  const a = authenticate(cfg, req, peerCert, nowMs);
  if (a.error) return sendError(out, from, req, 401, 'not authorized');
  const roles = [`${PROGRAM}:agent`, 'system:nodes', 'system:bootstrappers'];
  if (!a.user || !a.user.groups.some((g) => roles.includes(g))) return sendError(out, from, req, 403, 'forbidden');
  const route = path.slice(PREFIX.length + 1);
  switch (route) {
    case 'config':
      return reply(out, from, req, 200, 'application/json', cfg.control);
    case 'readyz':
      return reply(out, from, req, 200, 'text/plain', 'ok');
    case 'apiservers':
      return reply(out, from, req, 200, 'application/json', cfg.apiservers);
    case 'client-ca.crt':
      return reply(out, from, req, 200, 'text/plain', cfg.clientCA);
    case 'server-ca.crt':
      return reply(out, from, req, 200, 'text/plain', cfg.serverCA);
    case 'client-kube-proxy.crt':
      return reply(out, from, req, 200, 'text/plain', { certificate: signed(cfg, { subject: { CN: 'system:kube-proxy' }, extKeyUsage: ['clientAuth'] }, cfg.clientCAName, env), caBundle: cfg.clientCA }, SIGN_US);
    case `client-${PROGRAM}-controller.crt`:
      return reply(out, from, req, 200, 'text/plain', { certificate: signed(cfg, { subject: { CN: `system:${PROGRAM}-controller` }, extKeyUsage: ['clientAuth'] }, cfg.clientCAName, env), caBundle: cfg.clientCA }, SIGN_US);
    case 'serving-kubelet.crt':
    case 'client-kubelet.crt': {
      // GetNodeAuthValidator: the node's name and password from the headers.
      const nodeName = header(req, `${PROGRAM}-Node-Name`);
      if (!nodeName) return sendError(out, from, req, 400, 'node name not set');
      const password = header(req, `${PROGRAM}-Node-Password`);
      if (!password) return sendError(out, from, req, 400, 'node password not set');
      const node = nodeName.toLowerCase();
      if (a.user.username.startsWith('system:node:') && a.user.username.slice('system:node:'.length) !== node) return sendError(out, from, req, 400, 'header node name does not match auth node name');
      const nodeIPs = (header(req, `${PROGRAM}-Node-IP`) ?? '').split(',').filter(Boolean);
      const reqId = `${REQ_PREFIX}${st.next++}`;
      st.pending[reqId] = { from, req, node, password, kind: route === 'serving-kubelet.crt' ? 'serving' : 'client', nodeIPs, step: 'read' };
      out.push(etcdSend(host.etcd, { method: KV_RANGE, reqId, request: { key: secretKey(node) } }));
      return;
    }
  }
  sendError(out, from, req, 404, '404 page not found');
}

const SECRETS = RESOURCES.find((r) => r.resource === 'secrets')!;
const secretKey = (node: string) => objectKey(SECRETS, 'kube-system', nodePasswordSecretName(node));

function etcdSend(etcd: string, req: EtcdRequest, afterUs = 0): Output {
  return { type: 'send', to: etcd, kind: req.method, payload: req, afterUs };
}

/** Ensure: verify the node's password against its Secret, or create the Secret; then sign. */
export function onSupervisorEtcdReply(st: SupervisorState, cfg: SupervisorConfig, host: SupervisorHost, r: EtcdReply, env: StepEnv, out: Output[]): void {
  const p = st.pending[r.reqId];
  if (!p) return;
  delete st.pending[r.reqId];
  if (r.error) return sendError(out, p.from, p.req, 500, r.error);
  const nowMs = env.epochMs + Math.floor(env.now / 1000);
  let kv: KeyValue | undefined;
  if (p.step === 'read') kv = ((r.response?.kvs ?? []) as KeyValue[])[0];
  else if (!r.response?.succeeded) kv = ((r.response?.responses?.[0]?.response_range?.kvs ?? []) as KeyValue[])[0];
  else {
    // Created: the watch cache sees it as kube-apiserver's own write.
    const secret = { ...p.secret!, metadata: { ...p.secret!.metadata, resourceVersion: String(r.header?.revision ?? 0) } };
    host.published(secret, Number(r.header?.revision ?? 0));
    out.push({ type: 'note', kind: 'k3s.node-password-created', data: { node: p.node, secret: `kube-system/${nodePasswordSecretName(p.node)}` } });
    return sign(cfg, p, env, out);
  }
  if (kv) {
    // verifyHash: the Secret exists; the password must match the hash it holds.
    const secret = JSON.parse(kv.value) as KubeObject;
    const hash = hashOfSecret(secret as { data?: Record<string, string> });
    const err = hash === undefined ? `unable to locate hash data for node secret '${nodePasswordSecretName(p.node)}'` : verifyHash(hash, p.password);
    if (err) return sendError(out, p.from, p.req, 403, `unable to verify hash for node '${p.node}': ${err}`);
    out.push({ type: 'note', kind: 'k3s.node-password-verified', data: { node: p.node } });
    return sign(cfg, p, env, out);
  }
  // No Secret yet: hash the password (scrypt, a fresh salt) and create it, immutable.
  const salt = Uint8Array.from({ length: 8 }, () => env.rng.int(0, 255));
  const secret = nodePasswordSecret(p.node, createHash(p.password, salt), env.rng.uuid(), rfc3339(nowMs)) as unknown as KubeObject;
  const reqId = `${REQ_PREFIX}${st.next++}`;
  st.pending[reqId] = { ...p, step: 'create', secret };
  const key = secretKey(p.node);
  out.push(etcdSend(host.etcd, { method: KV_TXN, reqId, request: { compare: [{ key, target: 'MOD', result: 'EQUAL', mod_revision: 0 }], success: [{ request_put: { key, value: JSON.stringify(secret) } }], failure: [{ request_range: { key } }] } }));
}

function sign(cfg: SupervisorConfig, p: PendingCert, env: StepEnv, out: Output[]): void {
  const cert =
    p.kind === 'serving'
      ? signed(cfg, { subject: { CN: p.node }, extKeyUsage: ['serverAuth'], dnsNames: [p.node, 'localhost'], ipAddresses: ['127.0.0.1', ...p.nodeIPs] }, cfg.serverCAName, env)
      : signed(cfg, { subject: { CN: `system:node:${p.node}`, O: ['system:nodes'] }, extKeyUsage: ['clientAuth'] }, cfg.clientCAName, env);
  out.push({ type: 'note', kind: 'k3s.certificate-signed', data: { node: p.node, kind: p.kind, subject: cert.subject, issuer: cert.issuer.CN } });
  reply(out, p.from, p.req, 200, 'text/plain', { certificate: cert, caBundle: p.kind === 'serving' ? cfg.serverCA : cfg.clientCA }, SIGN_US);
}
