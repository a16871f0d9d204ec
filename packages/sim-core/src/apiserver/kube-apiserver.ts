/**
 * kube-apiserver, thin but real: the TLS front door on 6443, then upstream's handler chain for
 * each request — request info, authentication (client certificate), authorization (Node, then
 * RBAC, as k3s's --authorization-mode=Node,RBAC), then the REST storage, which reads and writes
 * etcd under the keys kube-apiserver really uses (/registry/pods/<ns>/<name>, /registry/minions/…)
 * and answers with JSON or, when kubectl asks for it, a server-side-printed Table.
 *
 * Upstream: k8s.io/apiserver/pkg/server/config.go DefaultBuildHandlerChain (order of filters),
 * pkg/endpoints/filters/authentication.go and authorization.go, pkg/registry/generic/registry/
 * store.go (Create = Txn "create if mod_revision 0", GuaranteedUpdate = Txn "mod_revision == RV"),
 * pkg/storage/etcd3/store.go (resourceVersion = etcd mod_revision; RV cleared before storing).
 * Leaves out, for now (the control-plane issue deepens it): the watch cache (v1.33 serves
 * consistent lists from it after a revision check against etcd; here every list is an etcd range,
 * as with --watch-cache=false), validation and defaulting, admission, watch, field and label
 * selectors, discovery, protobuf, APF. Objects are stored as JSON, not protobuf.
 */
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output, StepEnv } from '../kernel/model';
import { calendarMs, rfc3339, type KubeObject } from '../objects/meta';
import { prefixEnd, type KeyValue } from '../etcd/mvcc';
import { KV_RANGE, KV_TXN, isEtcdReply, type EtcdReply, type EtcdRequest } from '../etcd/rpc';
import { authenticateX509, describeSubject, type Certificate, type UserInfo } from './authn/x509';
import { authenticateToken, issueToken, SA_AUDIENCES } from './authn/serviceaccount';
import { forbiddenMessage, type Attributes, type AuthzResult } from './authz/attributes';
import { authorizeNode } from './authz/node';
import { authorizePrivilegedGroups, PRIVILEGED_AUTHORIZER } from './authz/privileged-groups';
import { authorizeRBAC, type RbacData } from './authz/rbac';
import { HTTP_CANCEL, HTTP_REQUEST, HTTP_RESPONSE, HTTP_WATCH_EVENT, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_FINISHED, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, wantsTable, type ClientFinished, type ClientHello, type HttpCancel, type HttpRequest, type HttpResponse, type TcpSegment, type WatchEventMessage } from './http';
import { parseRequestInfo, type RequestInfo } from './request-info';
import { alreadyExists, badRequest, conflict, forbidden, methodNotSupported, notFound, notFoundPath, unauthorized, type Status } from './status';
import { apiVersionOf, findResource, listPrefix, objectKey, RESOURCES, type ResourceDef } from './storage/keys';
import { includeObjectOf, toTable } from './printers/table';
import { discovery } from './discovery';
import { openapiV3 } from './openapi';
import { openapiV2 } from './openapi-v2';
import { impersonation } from './impersonation';
import { review } from './reviews';
import { AUDIT_NOTE, auditEvent, type AuditContext } from './audit';
import { KUBELET_CONTAINER_LOGS, KUBELET_CONTAINER_LOGS_REPLY } from '../node/kubelet-server';
import { isSupervisorPath, isSupervisorReqId, newSupervisorState, onSupervisorEtcdReply, superviseRequest, type SupervisorConfig, type SupervisorHost, type SupervisorState } from '../k3s/supervisor';
import { base64ToBytes, decodeK8sProtobuf, ProtobufDecodeError, unknownJsonFields } from './protobuf/decode';
import { applyMutation, defaultPod, scaleOf, type Mutation } from './rmw';
import { stableStringify } from '../kernel/trace';
import { goTypeFor, mergePatchBodyError, negotiatePatchType } from './patch';
import { deletedResponse, deleteOptionsFrom, deleteStrategyFor, IMMORTAL_NAMESPACES, isDryRun, planDelete, planNamespaceDelete, shouldDeleteDuringUpdate, type DeleteOptions, type DeletePlan } from './delete';
import { defaultDeployment, defaultPodSpec, defaultReplicaSet, defaultStorageObject, prepareStorageObjectForCreate } from './defaults';
import { quantityDecodeError, validatePersistentVolume, validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from './validation/persistent-volume';
import { validateStorageClass, validateStorageClassUpdate } from './validation/storage';
import { validateResourceQuota } from './validation/resource-quota';
import { ADMISSION_INFORMERS, loadAdmissionCache, newAdmissionCaches, observeAdmissionWrite, quotasIn, storageClassesOf, type AdmissionCaches, type AdmissionInformer } from './admission/informers';
import { admitDefaultStorageClass } from './admission/default-storage-class';
import { admitStorageProtection } from './admission/storage-object-in-use-protection';
import { checkQuotaRequest, QUOTA_RETRIES } from './admission/resource-quota';
import { errorText, invalid, invalidStatus, notSupported, type FieldError } from './validation/field';
import { validateDeployment, validateReplicaSet } from './validation/apps';
import { validatePod } from './validation/core';
import { parseFieldSelector, parseLabelSelector, SelectorError, matchesFields, matchesLabels, type FieldRequirement, type Requirement } from './selectors';
import { appendEvent, bookmarkObject, newWatchCache, nextBookmarkUs, tooOld, watchEventFor, watcherMatches, watchTimeoutUs, type WatchCacheState, type WatchEvent, type WatchType, type Watcher } from './watch-cache';

export interface ApiServerConfig {
  /** Process id of the etcd member this server talks to. */
  etcd: string;
  clientCA: string;
  servingCert: Certificate;
  advertiseAddress: string;
  port: number;
  /** Key that signs and verifies ServiceAccount tokens (--service-account-key-file, here a lab HMAC key). */
  serviceAccountKey?: string;
  /** k3s's supervisor, served on the same port in front of kube-apiserver (k3s/supervisor.ts). */
  supervisor?: SupervisorConfig;
}

export const DEFAULT_SA_KEY = 'tower-fleet-service-account-key';

/** RetryGenerateName: attempts at a generated name before AlreadyExists is answered. */
const MAX_NAME_GENERATION_ATTEMPTS = 8;

interface Connection {
  client: string;
  established: boolean;
  sourceIP?: string;
  peerCert?: Certificate;
}

interface Selectors {
  labels: Requirement[];
  fields: FieldRequirement[];
}

/** A delete (or one item of a deletecollection, or an eviction) between its read and its write. */
interface DeletePending {
  op: 'delete-read' | 'delete-write';
  from: string;
  req: HttpRequest;
  info: RequestInfo;
  def: ResourceDef;
  user: UserInfo;
  auditID: string;
  key: string;
  name: string;
  options: DeleteOptions;
  action?: 'update' | 'delete' | 'update-then-delete';
  object?: KubeObject;
  eviction?: boolean;
  collection?: string;
}

type Pending =
  | { op: 'rbac-load'; resource: string }
  | { op: 'ns-load' }
  | { op: 'admission-load'; resource: AdmissionInformer }
  | { op: 'quota-write'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; body: KubeObject; key: string; quotas: KubeObject[]; retries: number; nameAttempts?: number }
  | DeletePending
  | { op: 'deletecollection-list'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; options: DeleteOptions; sel: Selectors }
  | { op: 'list' | 'get' | 'create' | 'update' | 'delete' | 'watch-init' | 'token'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; body?: KubeObject; key?: string; sel?: Selectors; nameAttempts?: number }
  | { op: 'rmw-read'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; key: string; mutation: Mutation; respondScale?: boolean }
  | { op: 'log-read' | 'log-wait'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; container: string }
  | { op: 'rmw-write'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; key: string; object: KubeObject; deleting: boolean; mutation: Mutation; respondScale?: boolean };

export interface ApiServerState {
  config: ApiServerConfig;
  /** Wall-clock time of the current step (ms since the Unix epoch): Table ages in watch events. */
  nowMs: number;
  /** Requests between their arrival and their response, for the audit log (by audit ID). */
  audit: Record<string, AuditContext>;
  /** Warnings for a request's response (by audit ID), sent in its Warning header. */
  warnings?: Record<string, string[]>;
  conns: Record<string, Connection>;
  pending: Record<string, Pending>;
  rbac: RbacData;
  /** RBAC kinds still being listed at start; requests wait until every informer has synced. */
  syncing: number;
  waiting: { from: string; req: HttpRequest }[];
  nextReq: number;
  watch: WatchCacheState;
  nextWatch: number;
  /** Trace contexts by object uid (volatile; the lab's stand-in for trace propagation). */
  traces: Record<string, TraceContext>;
  /** NamespaceLifecycle's namespace informer: phase by namespace name (listed at start, kept from writes). */
  namespacePhase?: Record<string, string>;
  /** DefaultStorageClass's and ResourceQuota's informers (listed at start, kept from writes): admission/informers.ts. */
  admission?: AdmissionCaches;
  /** deletecollection requests in flight: their items' deletes still running, the first error. */
  collections?: Record<string, { remaining: number; items: KubeObject[]; rev: string; error?: Status }>;
  /** k3s's supervisor handlers' requests between their etcd read and write (node passwords). */
  supervisor?: SupervisorState;
}

/** Costs of the handler chain, in microseconds. */
export const APISERVER_COSTS = { tlsHandshakeUs: 450, authnUs: 25, authzUs: 15, decodePerItemUs: 12, responseBaseUs: 150 };

const RBAC_KINDS: [keyof RbacData, string][] = [
  ['clusterRoles', 'clusterroles'],
  ['clusterRoleBindings', 'clusterrolebindings'],
  ['roles', 'roles'],
  ['roleBindings', 'rolebindings'],
];

/**
 * GET /version (k8s.io/apimachinery/pkg/version.Info) for k3s v1.33.5+k3s1. The build's commit,
 * date and Go version are left out rather than invented.
 */
export const VERSION_INFO = { major: '1', minor: '33', gitVersion: 'v1.33.5+k3s1', gitTreeState: 'clean', compiler: 'gc', platform: 'linux/amd64' };

const qualified = (d: ResourceDef): string => (d.group ? `${d.resource}.${d.group}` : d.resource);
const q = qualified;

function json(status: number, body: unknown, extra: Record<string, string> = {}): { status: number; headers: Record<string, string>; body: unknown } {
  return { status, headers: { 'Content-Type': 'application/json', ...extra }, body };
}

function decodeKv(kv: KeyValue): KubeObject {
  const o = JSON.parse(kv.value) as KubeObject;
  o.metadata.resourceVersion = String(kv.mod_revision);
  return o;
}

export function encodeForStorage(o: KubeObject): string {
  const copy = structuredClone(o);
  delete copy.metadata.resourceVersion;
  return JSON.stringify(copy);
}

export function makeKubeApiserver(config: ApiServerConfig): Model<ApiServerState> {
  return {
    type: 'kube-apiserver',
    init: () => ({ config, nowMs: 0, audit: {}, conns: {}, pending: {}, rbac: { clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [] }, syncing: RBAC_KINDS.length, waiting: [], nextReq: 0, watch: newWatchCache(0), nextWatch: 1, traces: {} }),
    step(s, input, env) {
      s.nowMs = calendarMs(env.epochMs, env.now);
      const out: Output[] = [];
      if (input.type === 'start') {
        // The RBAC authorizer's informers list their objects before the server serves.
        for (const [, resource] of RBAC_KINDS) {
          const def = RESOURCES.find((r) => r.resource === resource)!;
          const reqId = `apiserver-${s.nextReq++}`;
          s.pending[reqId] = { op: 'rbac-load', resource };
          const prefix = listPrefix(def, '');
          out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: prefix, range_end: prefixEnd(prefix) } }));
        }
        // NamespaceLifecycle admission's namespace informer lists them too.
        const nsDef = RESOURCES.find((r) => r.resource === 'namespaces')!;
        const nsReq = `apiserver-${s.nextReq++}`;
        s.pending[nsReq] = { op: 'ns-load' };
        s.syncing++;
        const nsPrefix = listPrefix(nsDef, '');
        out.push(etcdSend(s, { method: KV_RANGE, reqId: nsReq, request: { key: nsPrefix, range_end: prefixEnd(nsPrefix) } }));
        // DefaultStorageClass's and ResourceQuota's informers (admission/informers.ts) list theirs.
        s.admission = newAdmissionCaches();
        for (const resource of ADMISSION_INFORMERS) {
          const d = RESOURCES.find((r) => r.resource === resource)!;
          const id = `apiserver-${s.nextReq++}`;
          s.pending[id] = { op: 'admission-load', resource };
          s.syncing++;
          const prefix = listPrefix(d, '');
          out.push(etcdSend(s, { method: KV_RANGE, reqId: id, request: { key: prefix, range_end: prefixEnd(prefix) } }));
        }
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && onWatchTimer(s, input.name, env, out)) return { state: s, outputs: out };
      if (input.type !== 'message') return { state: s, outputs: out };
      const { kind, from } = input;
      if (kind === TCP_SYN) {
        const seg = input.payload as TcpSegment;
        s.conns[seg.conn] = { client: from, established: false, sourceIP: String(seg.src ?? '').replace(/:\d+$/, '') };
        out.push({ type: 'send', to: from, kind: TCP_SYN_ACK, payload: { conn: seg.conn, src: seg.dst, dst: seg.src, trace: seg.trace } });
      } else if (kind === TLS_CLIENT_HELLO) {
        const hello = input.payload as ClientHello;
        out.push({
          type: 'send',
          to: from,
          kind: TLS_SERVER_HELLO,
          afterUs: APISERVER_COSTS.tlsHandshakeUs,
          payload: {
            conn: hello.conn,
            version: 'TLSv1.3',
            cipherSuite: 'TLS_AES_128_GCM_SHA256',
            alpn: hello.alpn.includes('h2') ? 'h2' : 'http/1.1',
            certificate: s.config.servingCert,
            certificateRequest: { acceptableCAs: [s.config.clientCA] },
            trace: hello.trace,
          },
        });
      } else if (kind === TLS_CLIENT_FINISHED) {
        const fin = input.payload as ClientFinished;
        const c = s.conns[fin.conn];
        if (c) {
          c.established = true;
          c.peerCert = fin.certificate;
          out.push(
            ...narrate(fin.trace, 'apiserver.tls-established', {
              listener: `${s.config.advertiseAddress}:${s.config.port}`,
              version: 'TLSv1.3',
              cipherSuite: 'TLS_AES_128_GCM_SHA256',
              serverCertificate: { subject: `CN=${s.config.servingCert.subject.CN}`, issuer: s.config.servingCert.issuer.CN, dnsNames: s.config.servingCert.dnsNames, ipAddresses: s.config.servingCert.ipAddresses },
              clientCertificate: fin.certificate ? { subject: describeSubject(fin.certificate), issuer: fin.certificate.issuer.CN } : null,
            }),
          );
        }
      } else if (kind === HTTP_REQUEST) {
        const req = input.payload as HttpRequest;
        // k3s's router sees the request first: its own paths never reach kube-apiserver's chain.
        if (s.config.supervisor && isSupervisorPath(req.path)) superviseRequest((s.supervisor ??= newSupervisorState()), s.config.supervisor, supervisorHost(s, out), from, req, s.conns[req.conn]?.peerCert, env, out);
        else if (s.syncing > 0) s.waiting.push({ from, req });
        else handleRequest(s, from, req, env, out);
      } else if (kind === HTTP_CANCEL) {
        const c = input.payload as HttpCancel;
        for (const id of Object.keys(s.watch.watchers)) {
          const w = s.watch.watchers[id]!;
          if (w.conn === c.conn && w.stream === c.stream) delete s.watch.watchers[id];
        }
      } else if (kind === KUBELET_CONTAINER_LOGS_REPLY) {
        const r = input.payload as { reqId: string; ok: boolean; log?: string[]; error?: string };
        const p = s.pending[r.reqId];
        if (p && p.op === 'log-wait') {
          delete s.pending[r.reqId];
          if (r.ok) respond(s, out, p.from, p.req, { status: 200, headers: { 'Content-Type': 'text/plain' }, body: (r.log ?? []).map((l) => `${l}\n`).join('') }, p.auditID, APISERVER_COSTS.responseBaseUs);
          else respond(s, out, p.from, p.req, statusResponse(badRequest(r.error ?? 'unknown error')), p.auditID, APISERVER_COSTS.responseBaseUs);
        }
      } else if (isEtcdReply(kind)) {
        onEtcdReply(s, input.payload as EtcdReply, env, out);
      }
      return { state: s, outputs: out };
    },
  };
}

function etcdSend(s: ApiServerState, req: EtcdRequest & { trace?: TraceContext }, afterUs = 0): Output {
  return { type: 'send', to: s.config.etcd, kind: req.method, payload: req, afterUs };
}

function respond(s: ApiServerState, out: Output[], to: string, req: HttpRequest, r: { status: number; headers: Record<string, string>; body: unknown }, auditID: string, afterUs: number, extra: unknown = undefined): void {
  const a = s.audit[auditID];
  if (a) {
    // The audit backend's event for this request (level Metadata), as --audit-log-path writes it.
    delete s.audit[auditID];
    const watchStart = (r.body as { kind?: string } | undefined)?.kind === 'WatchStream';
    out.push({ type: 'note', kind: AUDIT_NOTE, data: auditEvent(a, auditID, watchStart ? 'ResponseStarted' : 'ResponseComplete', r.status, s.nowMs * 1000 + afterUs, r.body) });
  }
  // Warnings collected for the request (k8s.io/apiserver/pkg/warning): `299 - "text"` each, in one Warning header.
  const warnings = s.warnings?.[auditID];
  if (warnings) delete s.warnings![auditID];
  const headers = { ...r.headers, 'Audit-Id': auditID, ...(warnings ? { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {}) };
  const payload: HttpResponse = { conn: req.conn, stream: req.stream, status: r.status, headers, body: r.body, trace: req.trace };
  out.push({ type: 'send', to, kind: HTTP_RESPONSE, payload, afterUs });
  out.push(...narrate(req.trace, 'apiserver.responded', { status: r.status, contentType: r.headers['Content-Type'], auditID, ...(extra as object) }, afterUs));
}

function statusResponse(st: Status) {
  return json(st.code, st);
}

function handleRequest(s: ApiServerState, from: string, req: HttpRequest, env: StepEnv, out: Output[]): void {
  const auditID = env.rng.uuid();
  const conn = s.conns[req.conn];
  // Filter chain, in DefaultBuildHandlerChain's order: request info → authentication → authorization → handler.
  const info = parseRequestInfo(req.method, req.path);
  const nowMs = calendarMs(env.epochMs, env.now);
  s.audit[auditID] = { requestURI: req.path, verb: info.verb, user: { username: 'system:anonymous', groups: ['system:unauthenticated'] }, sourceIPs: [s.conns[req.conn]?.sourceIP ?? ''], userAgent: req.headers['User-Agent'] ?? '', receivedUs: nowMs * 1000, ...(info.isResourceRequest ? { objectRef: { resource: info.resource, ...(info.namespace ? { namespace: info.namespace } : {}), ...(info.name ? { name: info.name } : {}), apiGroup: info.apiGroup, apiVersion: info.apiVersion, ...(info.subresource ? { subresource: info.subresource } : {}) } } : {}), annotations: {} };
  // The union authenticator: client certificate, then ServiceAccount bearer token, else anonymous.
  const bearer = /^Bearer (.+)$/.exec(req.headers['Authorization'] ?? req.headers['authorization'] ?? '')?.[1];
  const authn = conn?.peerCert || !bearer ? authenticateX509(conn?.peerCert, s.config.clientCA, nowMs) : authenticateToken(bearer, s.config.serviceAccountKey ?? DEFAULT_SA_KEY, nowMs);
  if (!authn.ok) {
    respond(s, out, from, req, statusResponse(unauthorized()), auditID, APISERVER_COSTS.authnUs);
    out.push({ type: 'note', kind: 'apiserver.authn-failed', data: { auditID, error: authn.error } });
    return;
  }
  out.push(...narrate(req.trace, 'apiserver.authenticated', { auditID, authenticator: authn.method, detail: authn.detail, user: authn.user }, APISERVER_COSTS.authnUs));
  s.audit[auditID]!.user = authn.user;
  // Impersonation (kubectl --as/--as-group): the requester must be allowed to impersonate each
  // identity; then the rest of the chain sees the impersonated user.
  let user = authn.user;
  const imp = impersonation(authn.user, req.headers, info.path);
  if (imp.kind === 'bad-request') {
    respond(s, out, from, req, statusResponse(badRequest(imp.message)), auditID, APISERVER_COSTS.authnUs);
    return;
  }
  if (imp.kind === 'ok') {
    for (const check of imp.checks) {
      const d = authorize(s, check);
      if (d.decision !== 'allow') {
        const q = check.apiGroup ? `${check.resource}.${check.apiGroup}` : check.resource;
        respond(s, out, from, req, statusResponse(forbidden(q, check.name, forbiddenMessage(check) + (d.reason ? `: ${d.reason}` : ''))), auditID, APISERVER_COSTS.authnUs + APISERVER_COSTS.authzUs);
        out.push({ type: 'note', kind: 'apiserver.request', data: { auditID, user: authn.user.username, verb: 'impersonate', path: req.path, decision: d.decision, reason: d.reason } });
        return;
      }
    }
    user = imp.user;
    s.audit[auditID]!.impersonatedUser = imp.user;
    out.push(...narrate(req.trace, 'apiserver.impersonated', { auditID, requester: authn.user.username, as: imp.user }, APISERVER_COSTS.authnUs));
  }
  const attrs: Attributes = { user, verb: info.verb, isResourceRequest: info.isResourceRequest, path: info.path, apiGroup: info.apiGroup, apiVersion: info.apiVersion, namespace: info.namespace, resource: info.resource, subresource: info.subresource, name: info.name, fieldSelector: attributeFieldSelector(req.path) };
  const decision = authorize(s, attrs);
  s.audit[auditID]!.annotations = { 'authorization.k8s.io/decision': decision.decision === 'allow' ? 'allow' : 'forbid', 'authorization.k8s.io/reason': decision.reason };
  const chainUs = APISERVER_COSTS.authnUs + APISERVER_COSTS.authzUs;
  // For a superuser the chain stops before RBAC; show the learner what RBAC alone would have decided.
  const rbacAlone = decision.authorizer === PRIVILEGED_AUTHORIZER ? authorizeRBAC(s.rbac, attrs) : undefined;
  out.push(
    ...narrate(
      req.trace,
      'apiserver.authorized',
      {
        auditID,
        verb: info.verb,
        resource: info.resource,
        apiGroup: info.apiGroup,
        namespace: info.namespace,
        decision: decision.decision,
        authorizer: decision.authorizer,
        reason: decision.reason,
        ...(rbacAlone
          ? {
              note: 'the user is in system:masters: kube-apiserver\'s superuser authorizer allows the request before Node or RBAC are asked',
              rbacAlone: { decision: rbacAlone.decision, reason: rbacAlone.reason },
            }
          : {}),
      },
      chainUs,
    ),
  );
  out.push({ type: 'note', kind: 'apiserver.request', data: { auditID, user: authn.user.username, verb: info.verb, path: req.path, decision: decision.decision, reason: decision.reason } });
  if (decision.decision !== 'allow') {
    const def = info.isResourceRequest ? findResource(info.apiGroup, info.apiVersion, info.resource) : undefined;
    const q = def ? qualified(def) : info.apiGroup ? `${info.resource}.${info.apiGroup}` : info.resource;
    // responsewriters.Forbidden: the authorizers' reasons follow the message after ": ".
    const msg = forbiddenMessage(attrs) + (decision.reason ? `: ${decision.reason}` : '');
    const st = info.isResourceRequest ? forbidden(q, info.name, msg) : { ...forbidden('', '', ''), message: `forbidden: ${msg}`, details: {} };
    respond(s, out, from, req, statusResponse(st), auditID, chainUs);
    return;
  }
  if (!info.isResourceRequest) {
    if (info.path === '/healthz' || info.path === '/livez' || info.path === '/readyz') respond(s, out, from, req, { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'ok' }, auditID, chainUs);
    else if (info.path === '/version') respond(s, out, from, req, json(200, VERSION_INFO), auditID, chainUs);
    else {
      const d = req.method === 'GET' ? (discovery(info.path, req.headers['Accept'], `${s.config.advertiseAddress}:${s.config.port}`) ?? openapiV3(info.path) ?? openapiV2(info.path, req.headers['Accept'], req.headers['If-None-Match'])) : undefined;
      respond(s, out, from, req, d ?? statusResponse(notFoundPath()), auditID, chainUs);
    }
    return;
  }
  const def = findResource(info.apiGroup, info.apiVersion, info.resource);
  if (!def || (def.namespaced === false && info.namespace)) {
    respond(s, out, from, req, statusResponse(notFoundPath()), auditID, chainUs);
    return;
  }
  // The request body's media type (the negotiated serializer): JSON arrives parsed, protobuf as
  // base64 bytes (kubectl 1.32+ typed clients), anything else is refused as upstream does.
  const raw = req.body as { $base64?: string; $raw?: string; contentType?: string } | undefined;
  let fromProtobuf = false;
  if (raw && typeof raw === 'object' && (raw.$base64 !== undefined || raw.$raw !== undefined)) {
    const ct = (raw.contentType ?? '').split(';')[0]!.trim();
    let decoded: unknown;
    if (ct === 'application/vnd.kubernetes.protobuf' && raw.$base64 !== undefined) {
      try {
        decoded = decodeK8sProtobuf(base64ToBytes(raw.$base64));
      } catch (e) {
        if (!(e instanceof ProtobufDecodeError)) throw e;
        respond(s, out, from, req, statusResponse(badRequest(e.message)), auditID, chainUs);
        return;
      }
    } else if (raw.$raw !== undefined && (ct === 'application/json' || ct === '' || ct.endsWith('+json'))) {
      respond(s, out, from, req, statusResponse(badRequest(`couldn't get version/kind; json parse error: ${raw.$raw.length === 0 ? 'unexpected end of JSON input' : 'invalid JSON'}`)), auditID, chainUs);
      return;
    } else {
      respond(s, out, from, req, statusResponse({ ...badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`), code: 415, reason: 'UnsupportedMediaType' } as Status), auditID, chainUs);
      return;
    }
    req = { ...req, body: decoded };
    fromProtobuf = true;
  }
  if (def.virtual) {
    // Reviews (whoami, can-i): answered from the request's user and the authorizers, never stored.
    const r = info.verb === 'create' ? review(def.resource, apiVersionOf(def), def.kind, info.namespace, req.body, user, (a) => authorize(s, a)) : undefined;
    if (info.verb !== 'create') respond(s, out, from, req, statusResponse(methodNotSupported(qualified(def), info.verb)), auditID, chainUs);
    else if (!r) respond(s, out, from, req, statusResponse({ ...badRequest(`${def.kind}.${def.group} "" is invalid: spec: Invalid value: "{}": exactly one of nonResourceAttributes or resourceAttributes must be specified`), code: 422, reason: 'Invalid' } as Status), auditID, chainUs);
    else respond(s, out, from, req, json(r.status, r.body), auditID, chainUs);
    return;
  }
  const reqId = `${auditID}/${s.nextReq++}`;
  const trace = req.trace;
  const query = new URLSearchParams(req.path.split('?')[1] ?? '');
  let sel: Selectors;
  try {
    sel = { labels: parseLabelSelector(query.get('labelSelector') ?? ''), fields: parseFieldSelector(query.get('fieldSelector') ?? '', def.kind) };
  } catch (e) {
    if (!(e instanceof SelectorError)) throw e;
    respond(s, out, from, req, statusResponse(badRequest(e.message)), auditID, chainUs);
    return;
  }
  const base = { from, req, info, def, user, auditID };
  const rmw = (key: string, mutation: Mutation, respondScale = false) => {
    s.pending[reqId] = { op: 'rmw-read', ...base, key, mutation, respondScale };
    out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key }, trace }, chainUs));
  };
  const sub = info.subresource;
  if (sub && !['status', 'binding', 'scale', 'token', 'eviction', 'log', 'finalize'].includes(sub)) {
    respond(s, out, from, req, statusResponse(notFoundPath()), auditID, chainUs);
    return;
  }
  switch (info.verb) {
    case 'list': {
      const prefix = listPrefix(def, info.namespace);
      const limit = Number(query.get('limit') ?? 0);
      s.pending[reqId] = { op: 'list', ...base, sel };
      out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: prefix, range_end: prefixEnd(prefix), ...(limit > 0 && sel.labels.length === 0 && sel.fields.length === 0 ? { limit } : {}) }, trace }, chainUs));
      return;
    }
    case 'watch': {
      const rvText = query.get('resourceVersion') ?? '';
      const rv = Number(rvText || 0);
      if (!/^\d*$/.test(rvText)) {
        respond(s, out, from, req, statusResponse(badRequest(`invalid resource version: ${rvText}`)), auditID, chainUs);
        return;
      }
      if (rv > 0) {
        startWatch(s, base, sel, rv, out, chainUs, env);
        return;
      }
      // resourceVersion unset or 0: the current state as ADDED events first, then changes.
      const prefix = listPrefix(def, info.namespace);
      s.pending[reqId] = { op: 'watch-init', ...base, sel };
      out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: prefix, range_end: prefixEnd(prefix) }, trace }, chainUs));
      return;
    }
    case 'get': {
      const key = objectKey(def, info.namespace, info.name);
      if (sub === 'log' && def.resource === 'pods') {
        // pods/log (pkg/registry/core/pod/rest/log.go): read the pod, then stream from its kubelet.
        s.pending[reqId] = { op: 'log-read', ...base, container: query.get('container') ?? '' };
        out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key }, trace }, chainUs));
        return;
      }
      if (sub === 'scale') {
        s.pending[reqId] = { op: 'get', ...base, key, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: '$scale' } } };
      } else s.pending[reqId] = { op: 'get', ...base, key };
      out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key }, trace }, chainUs));
      return;
    }
    case 'patch': {
      // handlers/patch.go: the Content-Type names the patch type (patch.ts negotiatePatchType).
      const goType = goTypeFor(apiVersionOf(def), def.kind);
      const pt = negotiatePatchType(req.headers['Content-Type'] ?? req.headers['content-type'], goType !== undefined);
      if (!pt.ok) {
        respond(s, out, from, req, statusResponse(pt.status), auditID, chainUs);
        return;
      }
      if (sub && sub !== 'status' && sub !== 'scale') {
        respond(s, out, from, req, statusResponse(methodNotSupported(`${q(def)}/${sub}`, 'patch')), auditID, chainUs);
        return;
      }
      const key = objectKey(def, info.namespace, info.name);
      const patch = req.body;
      if (pt.type === 'merge-patch') {
        // RFC 7386 (rmw.ts mergePatch); a body that is not an object is refused before the read here.
        const bad = mergePatchBodyError(patch);
        if (bad) {
          respond(s, out, from, req, statusResponse(bad), auditID, chainUs);
          return;
        }
        if (sub === 'scale') rmw(key, { kind: 'scale', patch }, true);
        else if (sub === 'status') rmw(key, { kind: 'merge-patch', patch, statusOf: def.kind });
        else rmw(key, { kind: 'merge-patch', patch });
        return;
      }
      // Strategic merge patch (the kind's Go struct tags) or RFC 6902 JSON patch: rmw.ts → patch.ts.
      const kind = pt.type === 'strategic-merge-patch' ? 'strategic-merge-patch' : 'json-patch';
      rmw(key, { kind, patch, ...(goType ? { goType } : {}), ...(sub === 'status' || sub === 'scale' ? { subresource: sub } : {}), qualified: q(def), objectKind: def.kind, group: def.group }, sub === 'scale');
      return;
    }
    case 'create':
    case 'update': {
      const body = req.body as KubeObject | undefined;
      if (!body || typeof body !== 'object' || !body.metadata) {
        respond(s, out, from, req, statusResponse(badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf')), auditID, chainUs);
        return;
      }
      // NamespaceLifecycle admission: nothing new in a namespace that is being terminated.
      if (info.verb === 'create' && info.namespace && s.namespacePhase?.[info.namespace] === 'Terminating') {
        const who = body.metadata.name || (body.metadata.generateName as string | undefined) || 'Unknown';
        const st = forbidden(q(def), who, `unable to create new content in namespace ${info.namespace} because it is being terminated`);
        st.details = { ...st.details, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${info.namespace} is being terminated`, field: 'metadata.namespace' }] };
        respond(s, out, from, req, statusResponse(st), auditID, chainUs);
        return;
      }
      if (sub === 'finalize' && info.verb === 'update' && def.resource === 'namespaces') {
        // namespaces/finalize: the namespace controller hands back spec.finalizers without "kubernetes".
        rmw(objectKey(def, '', info.name), { kind: 'namespace-finalize', finalizers: ((body as { spec?: { finalizers?: string[] } }).spec?.finalizers ?? []).map(String), ...(body.metadata.resourceVersion ? { resourceVersion: String(body.metadata.resourceVersion) } : {}) });
        return;
      }
      if (sub === 'token' && info.verb === 'create' && def.resource === 'serviceaccounts') {
        // TokenRequest (pkg/registry/core/serviceaccount/storage/token.go): read the ServiceAccount, sign a token for it.
        const spec = (body as { spec?: { expirationSeconds?: number; audiences?: string[] } }).spec ?? {};
        if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
          respond(s, out, from, req, statusResponse(invalidStatus('TokenRequest', 'authentication.k8s.io', info.name, [invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes')])), auditID, chainUs);
          return;
        }
        s.pending[reqId] = { op: 'token', ...base, body, key: objectKey(def, info.namespace, info.name) };
        out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: objectKey(def, info.namespace, info.name) }, trace }, chainUs));
        return;
      }
      if (sub === 'eviction' && info.verb === 'create' && def.resource === 'pods') {
        // pods/eviction (pkg/registry/core/pod/storage/eviction.go): no PodDisruptionBudget can
        // block it here (the lab has none), so it is the store's delete with the Eviction's
        // deleteOptions, answered 201 Success.
        const parsed = deleteOptionsFrom((body as { deleteOptions?: unknown }).deleteOptions ?? {}, new URLSearchParams());
        startDelete(s, { ...base, key: objectKey(def, info.namespace, info.name), name: info.name, options: parsed.ok ? parsed.options : {}, eviction: true }, reqId, out, chainUs);
        return;
      }
      if (sub && sub !== 'binding' && sub !== 'status' && sub !== 'scale') {
        respond(s, out, from, req, statusResponse(methodNotSupported(`${q(def)}/${sub}`, info.verb)), auditID, chainUs);
        return;
      }
      if (sub === 'binding' && info.verb === 'create' && def.resource === 'pods') {
        const target = (body as { target?: { name?: string } }).target?.name;
        if (!target) {
          respond(s, out, from, req, statusResponse({ ...badRequest('target.name: Required value'), code: 422, reason: 'Invalid' } as Status), auditID, chainUs);
          return;
        }
        rmw(objectKey(def, info.namespace, info.name || body.metadata.name), { kind: 'binding', node: target });
        return;
      }
      if (sub === 'status' && info.verb === 'update') {
        // An update carries the resourceVersion it read: a stale one is a 409 Conflict (store.go
        // GuaranteedUpdate with the object's resourceVersion as precondition), never a silent overwrite.
        const rv = body.metadata?.resourceVersion;
        rmw(objectKey(def, info.namespace, info.name), { kind: 'status', status: body.status ?? {}, ...(rv ? { resourceVersion: String(rv) } : {}), ...(def.group === 'apps' && body.metadata?.annotations ? { annotations: body.metadata.annotations as Record<string, string> } : {}) });
        return;
      }
      if (sub === 'scale' && info.verb === 'update') {
        rmw(objectKey(def, info.namespace, info.name), { kind: 'scale', replicas: (body as { spec?: { replicas?: number } }).spec?.replicas ?? -1 }, true);
        return;
      }
      if (sub) {
        respond(s, out, from, req, statusResponse(methodNotSupported(sub === 'binding' ? 'pods/binding' : `${q(def)}/${sub}`, info.verb)), auditID, chainUs);
        return;
      }
      // fieldValidation (endpoints/handlers/create.go, update.go; rest.go fieldValidation): Strict
      // (what kubectl create -f / apply send) refuses fields the kind does not have with a 400 in
      // the strict JSON decoder's words; Warn (the default when the parameter is absent) drops them
      // and says so in a Warning header, one `unknown field "path"` each; Ignore drops them
      // silently. Protobuf bodies cannot carry unknown fields.
      const fieldValidation = query.get('fieldValidation') ?? '';
      if (!['', 'Ignore', 'Warn', 'Strict'].includes(fieldValidation)) {
        respond(s, out, from, req, statusResponse(invalidStatus(info.verb === 'create' ? 'CreateOptions' : 'UpdateOptions', 'meta.k8s.io', '', [notSupported('fieldValidation', fieldValidation, ['', 'Ignore', 'Strict', 'Warn'])])), auditID, chainUs);
        return;
      }
      const unknown = fromProtobuf ? undefined : unknownJsonFields(apiVersionOf(def), def.kind, body);
      if (fieldValidation === 'Strict' && unknown && unknown.length > 0) {
        respond(s, out, from, req, statusResponse(badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`)), auditID, chainUs);
        return;
      }
      const obj = structuredClone(body);
      // A quantity that does not parse is the JSON decoder's error, a 400 before anything else.
      const decodeErr = quantityDecodeError(def.kind, def.version, obj);
      if (decodeErr) {
        respond(s, out, from, req, statusResponse(badRequest(decodeErr)), auditID, chainUs);
        return;
      }
      if (unknown && unknown.length > 0) {
        unknownJsonFields(apiVersionOf(def), def.kind, obj, { prune: true });
        if (fieldValidation !== 'Ignore') (s.warnings ??= {})[auditID] = unknown.map((f) => `unknown field "${f}"`);
      }
      obj.apiVersion = apiVersionOf(def);
      obj.kind = def.kind;
      if (def.namespaced) obj.metadata.namespace = info.namespace;
      let name = info.verb === 'update' ? info.name : obj.metadata.name;
      if (!name && info.verb === 'create' && obj.metadata.generateName) {
        // generateName + 5 random characters (names.SimpleNameGenerator, utilrand.String(5)).
        name = `${obj.metadata.generateName}${env.rng.kubeString(5)}`;
      }
      if (!name) {
        respond(s, out, from, req, statusResponse({ ...badRequest('name or generateName is required'), code: 422, reason: 'Invalid' } as Status), auditID, chainUs);
        return;
      }
      obj.metadata.name = name;
      const key = objectKey(def, info.namespace, name);
      // Defaulting, then validation (registry strategy PrepareForCreate/Validate); a 422 leaves the store untouched.
      defaultObject(def.kind, obj);
      // DefaultStorageClass admission (mutating, creates only): a classless claim gets the default class.
      if (info.verb === 'create' && def.kind === 'PersistentVolumeClaim') admitDefaultStorageClass(obj, storageClassesOf(s.admission));
      // StorageObjectInUseProtection admission (mutating, creates only): the protection finalizers.
      if (info.verb === 'create') admitStorageProtection(def.kind, obj);
      const errs = validateObject(def.kind, obj);
      if (errs.length > 0) {
        out.push(...narrate(trace, 'apiserver.validated', { kind: def.kind, name, valid: false, errors: errs.map(errorText) }, chainUs));
        respond(s, out, from, req, statusResponse(invalidStatus(def.kind, def.group, name, errs)), auditID, chainUs);
        return;
      }
      if (info.verb === 'create') {
        obj.metadata.uid = env.rng.uuid();
        obj.metadata.creationTimestamp = rfc3339(nowMs);
        if (def.kind === 'Pod') defaultPod(obj);
        if (def.kind === 'Namespace') prepareNamespaceForCreate(obj);
        prepareStorageObjectForCreate(def.kind, obj, nowMs);
        if (obj.spec !== undefined && (def.group === 'apps' || def.kind === 'Pod')) obj.metadata.generation = 1;
        // Trace context rides beside the object (like a traceparent header), never inside it: a
        // traced request's object, or one owned by a traced object, carries the owner's trace.
        const t = trace ?? inheritedTrace(s, obj);
        if (t) s.traces[obj.metadata.uid!] = t;
        out.push(...narrate(trace, 'apiserver.validated', { kind: def.kind, name, valid: true, defaulted: defaultedFields(def.kind, body, obj) }, chainUs));
        // ResourceQuota admission (validating): charge the namespace's quotas first, then the create.
        createWithQuota(s, { ...base, body: obj, key, ...(!body.metadata.name && body.metadata.generateName ? { nameAttempts: 1 } : {}) }, reqId, nowMs, out, chainUs, QUOTA_RETRIES);
      } else {
        const rv = Number(obj.metadata.resourceVersion ?? 0);
        s.pending[reqId] = { op: 'update', ...base, body: obj, key };
        const compare = rv > 0 ? [{ key, target: 'MOD' as const, result: 'EQUAL' as const, mod_revision: rv }] : [{ key, target: 'MOD' as const, result: 'GREATER' as const, mod_revision: 0 }];
        out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare, success: [{ request_put: { key, value: encodeForStorage(obj) } }], failure: [{ request_range: { key } }] }, trace }, chainUs));
      }
      return;
    }
    case 'delete':
    case 'deletecollection': {
      if (sub) {
        respond(s, out, from, req, statusResponse(methodNotSupported(`${q(def)}/${sub}`, info.verb)), auditID, chainUs);
        return;
      }
      // NamespaceLifecycle admission: the immortal namespaces are never deleted.
      if (def.resource === 'namespaces' && IMMORTAL_NAMESPACES.includes(info.name)) {
        respond(s, out, from, req, statusResponse(forbidden('namespaces', info.name, 'this namespace may not be deleted')), auditID, chainUs);
        return;
      }
      // DeleteOptions: from the body when there is one, otherwise from the query.
      const parsed = deleteOptionsFrom(req.body, query);
      if (!parsed.ok) {
        respond(s, out, from, req, statusResponse(badRequest(parsed.message)), auditID, chainUs);
        return;
      }
      if (info.verb === 'deletecollection') {
        if (!def.verbs.includes('deletecollection')) {
          respond(s, out, from, req, statusResponse(methodNotSupported(q(def), 'deletecollection')), auditID, chainUs);
          return;
        }
        const prefix = listPrefix(def, info.namespace);
        s.pending[reqId] = { op: 'deletecollection-list', ...base, options: parsed.options, sel };
        out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: prefix, range_end: prefixEnd(prefix) }, trace }, chainUs));
        return;
      }
      startDelete(s, { ...base, key: objectKey(def, info.namespace, info.name), name: info.name, options: parsed.options }, reqId, out, chainUs);
      return;
    }
    default:
      respond(s, out, from, req, statusResponse({ ...badRequest(`verb ${info.verb} is not supported yet`), code: 405, reason: 'MethodNotAllowed' } as Status), auditID, chainUs);
  }
}

/** Store.Delete begins with a read of the object. */
function startDelete(s: ApiServerState, p: Omit<DeletePending, 'op'>, reqId: string, out: Output[], afterUs: number): void {
  s.pending[reqId] = { op: 'delete-read', ...p };
  out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: p.key }, trace: p.req.trace }, afterUs));
}

function startWatch(s: ApiServerState, p: { from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; auditID: string }, sel: Selectors, rv: number, out: Output[], afterUs: number, env: StepEnv): void {
  const q = new URLSearchParams(p.req.path.split('?')[1] ?? '');
  const timeoutText = q.get('timeoutSeconds');
  const timeoutUs = watchTimeoutUs(timeoutText !== null && /^-?\d+$/.test(timeoutText) ? Number(timeoutText) : undefined, () => env.rng.float());
  const bookmarks = q.get('allowWatchBookmarks') === 'true';
  const w: Watcher = {
    id: `w${String(s.nextWatch++).padStart(6, '0')}`,
    client: p.from,
    conn: p.req.conn,
    stream: p.req.stream,
    resource: `${p.def.group}/${p.def.resource}`,
    namespace: p.info.namespace,
    kind: p.def.kind,
    labels: sel.labels,
    fields: sel.fields,
    table: wantsTable(p.req.headers['Accept']),
    startRv: rv,
    deadlineUs: env.now + afterUs + timeoutUs,
    ...(bookmarks ? { bookmarks: true } : {}),
  };
  out.push({ type: 'send', to: p.from, kind: HTTP_RESPONSE, afterUs, payload: { conn: p.req.conn, stream: p.req.stream, status: 200, headers: { 'Content-Type': 'application/json', 'Audit-Id': p.auditID, 'Transfer-Encoding': 'chunked' }, body: { kind: 'WatchStream' }, trace: p.req.trace } satisfies HttpResponse });
  if (rv < s.watch.floor) {
    sendWatchEvent(s, w, 'ERROR' as WatchType, tooOld(rv, s.watch.floor) as unknown as KubeObject, out, afterUs);
    return;
  }
  for (const e of s.watch.events) {
    if (e.rv <= rv) continue;
    const we = watchEventFor(w, e);
    if (we) sendWatchEvent(s, w, we.type, we.object, out, afterUs);
  }
  s.watch.watchers[w.id] = w;
  out.push({ type: 'timer', name: `watch-deadline:${w.id}`, afterUs: w.deadlineUs! - env.now });
  if (w.bookmarks) {
    const next = nextBookmarkUs(env.now + afterUs, w.deadlineUs);
    if (next !== undefined) out.push({ type: 'timer', name: `watch-bookmark:${w.id}`, afterUs: next - env.now });
  }
}

/**
 * The watch timers: at the deadline the server ends the stream (the client sees it close); a
 * bookmark timer sends the resource's last resourceVersion if it is past the watch's start, and
 * sets the next one.
 */
function onWatchTimer(s: ApiServerState, name: string, env: StepEnv, out: Output[]): boolean {
  const m = /^watch-(deadline|bookmark):(.+)$/.exec(name);
  if (!m) return false;
  const w = s.watch.watchers[m[2]!];
  if (!w) return true;
  if (m[1] === 'deadline') {
    delete s.watch.watchers[w.id];
    out.push({ type: 'send', to: w.client, kind: HTTP_CANCEL, payload: { conn: w.conn, stream: w.stream } satisfies HttpCancel });
    return true;
  }
  const rv = s.watch.lastRv?.[w.resource] ?? s.watch.floor;
  if (rv > (w.startRv ?? 0)) {
    const [group, resource] = w.resource.split('/') as [string, string];
    const def = RESOURCES.find((d) => d.group === group && d.resource === resource);
    const apiVersion = def ? apiVersionOf(def) : 'v1';
    out.push({ type: 'send', to: w.client, kind: HTTP_WATCH_EVENT, payload: { conn: w.conn, stream: w.stream, event: { type: 'BOOKMARK', object: bookmarkObject(apiVersion, w.kind, rv) } } satisfies WatchEventMessage });
  }
  const next = nextBookmarkUs(env.now, w.deadlineUs);
  if (next !== undefined && next > env.now) out.push({ type: 'timer', name: `watch-bookmark:${w.id}`, afterUs: next - env.now });
  return true;
}

function sendWatchEvent(s: ApiServerState, w: Watcher, type: WatchType | 'ERROR', object: KubeObject, out: Output[], afterUs = 0): void {
  const obj = w.table && type !== 'ERROR' ? toTable(w.kind, [object], object.metadata.resourceVersion ?? '', s.nowMs) : object;
  const trace = type !== 'ERROR' && object.metadata?.uid ? s.traces[object.metadata.uid] : undefined;
  const payload: WatchEventMessage = { conn: w.conn, stream: w.stream, event: { type, object: obj }, ...(trace ? { trace } : {}) };
  out.push({ type: 'send', to: w.client, kind: HTTP_WATCH_EVENT, payload, afterUs });
}

/** authorizer.Attributes.GetFieldSelector: the request's field requirements (unparseable ones are left out). */
function attributeFieldSelector(path: string): Attributes['fieldSelector'] {
  const fs = new URLSearchParams(path.split('?')[1] ?? '').get('fieldSelector');
  if (!fs) return [];
  const out: NonNullable<Attributes['fieldSelector']> = [];
  for (const part of fs.split(',')) {
    const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(part.trim());
    if (m) out.push({ field: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]! });
  }
  return out;
}

/** The trace of the first traced controller owner, if any. */
function inheritedTrace(s: ApiServerState, obj: KubeObject): TraceContext | undefined {
  for (const r of obj.metadata.ownerReferences ?? []) {
    const t = s.traces[r.uid];
    if (t) return t;
  }
  return undefined;
}

/**
 * SetDefaults_Namespace (the kubernetes.io/metadata.name label) and the namespace strategy's
 * PrepareForCreate (pkg/registry/core/namespace/strategy.go): phase Active, and the "kubernetes"
 * finalizer that the namespace controller removes once the namespace is empty.
 */
function prepareNamespaceForCreate(obj: KubeObject): void {
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  const fins = ((obj.spec?.finalizers as string[] | undefined) ?? []).slice();
  if (!fins.includes('kubernetes')) fins.push('kubernetes');
  obj.spec = { ...(obj.spec ?? {}), finalizers: fins };
  obj.status = { phase: 'Active' };
}

function defaultObject(kind: string, obj: KubeObject): void {
  if (kind === 'Deployment') defaultDeployment(obj);
  else if (kind === 'ReplicaSet') defaultReplicaSet(obj);
  else if (kind === 'Pod' && obj.spec) defaultPodSpec(obj.spec);
  else defaultStorageObject(kind, obj);
}

function validateObject(kind: string, obj: KubeObject, old?: KubeObject): FieldError[] {
  if (kind === 'Deployment') return validateDeployment(obj);
  if (kind === 'ReplicaSet') return validateReplicaSet(obj);
  if (kind === 'Pod') return validatePod(obj);
  // An update (here: a patch, whose object as it was is known) adds the kind's update rules.
  if (kind === 'PersistentVolumeClaim') return [...validatePersistentVolumeClaim(obj), ...(old ? validatePersistentVolumeClaimUpdate(obj, old) : [])];
  if (kind === 'PersistentVolume') return validatePersistentVolume(obj);
  if (kind === 'StorageClass') return [...validateStorageClass(obj), ...(old ? validateStorageClassUpdate(obj, old) : [])];
  if (kind === 'ResourceQuota') return validateResourceQuota(obj);
  return [];
}

/** The resources whose usage the resource quota controller here counts, so admission charges them (quota/evaluators.ts). */
const QUOTA_TRACKED = ['pods', 'persistentvolumeclaims', 'services'];

/**
 * ResourceQuota admission, then the store's create: a refusal is the 403 in the plugin's words;
 * quotas whose usage changes are written first in one Txn that compares each one's revision (a
 * changed quota is read back and the check runs again, up to `retries` times).
 */
function createWithQuota(s: ApiServerState, p: { from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; body: KubeObject; key: string; nameAttempts?: number }, reqId: string, nowMs: number, out: Output[], afterUs: number, retries: number, charged = false): void {
  const obj = p.body;
  const decision = !charged && QUOTA_TRACKED.includes(p.def.resource) && !p.def.group ? checkQuotaRequest(quotasIn(s.admission, p.info.namespace), p.def.resource, obj, nowMs) : { ok: true as const, updated: [] as KubeObject[] };
  if (!decision.ok) {
    respond(s, out, p.from, p.req, statusResponse(forbidden(qualified(p.def), obj.metadata.name, decision.message)), p.auditID, afterUs);
    return;
  }
  if (decision.updated.length > 0) {
    const quotaDef = RESOURCES.find((r) => r.resource === 'resourcequotas')!;
    const keys = decision.updated.map((q) => objectKey(quotaDef, q.metadata.namespace, q.metadata.name));
    s.pending[reqId] = { op: 'quota-write', ...p, quotas: decision.updated, retries };
    out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: keys.map((k, i) => ({ key: k, target: 'MOD' as const, result: 'EQUAL' as const, mod_revision: Number(decision.updated[i]!.metadata.resourceVersion ?? 0) })), success: keys.map((k, i) => ({ request_put: { key: k, value: encodeForStorage(decision.updated[i]!) } })), failure: keys.map((k) => ({ request_range: { key: k } })) }, trace: p.req.trace }, afterUs));
    return;
  }
  s.pending[reqId] = { op: 'create', ...p };
  out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key: p.key, target: 'MOD', result: 'EQUAL', mod_revision: 0 }], success: [{ request_put: { key: p.key, value: encodeForStorage(obj) } }], failure: [{ request_range: { key: p.key } }] }, trace: p.req.trace }, afterUs));
}

/** The spec fields defaulting added, for the learner (dotted paths). */
function defaultedFields(kind: string, before: KubeObject, after: KubeObject): string[] {
  if (kind !== 'Deployment' && kind !== 'ReplicaSet' && kind !== 'Pod') return [];
  const outp: string[] = [];
  const walk = (a: any, b: any, path: string) => {
    if (b === null || typeof b !== 'object' || Array.isArray(b)) {
      if (a === undefined) outp.push(path);
      return;
    }
    for (const k of Object.keys(b)) walk(a?.[k], b[k], path ? `${path}.${k}` : k);
  };
  walk(before.spec, after.spec, 'spec');
  return outp;
}

/** Log a committed write and tell every matching watcher (in watcher order). */
/** What the supervisor's handlers need of the server around them: its etcd, its watch cache. */
function supervisorHost(s: ApiServerState, out: Output[]): SupervisorHost {
  return { etcd: s.config.etcd, published: (obj, rv) => publish(s, RESOURCES.find((r) => r.resource === 'secrets')!, 'ADDED', obj, rv, out) };
}

function publish(s: ApiServerState, def: ResourceDef, type: WatchType, object: KubeObject, rv: number, out: Output[]): void {
  observeAdmissionWrite(s.admission, def.resource, type, object);
  if (def.resource === 'namespaces' && s.namespacePhase) {
    if (type === 'DELETED') delete s.namespacePhase[object.metadata.name];
    else s.namespacePhase[object.metadata.name] = String(object.status?.phase ?? 'Active');
  }
  const e: WatchEvent = { rv, type, resource: `${def.group}/${def.resource}`, namespace: object.metadata.namespace ?? '', kind: def.kind, object };
  appendEvent(s.watch, e);
  for (const id of Object.keys(s.watch.watchers).sort()) {
    const w = s.watch.watchers[id]!;
    const we = watchEventFor(w, e);
    if (we) sendWatchEvent(s, w, we.type, we.object, out, APISERVER_COSTS.responseBaseUs);
  }
}

function authorize(s: ApiServerState, a: Attributes): AuthzResult {
  const su = authorizePrivilegedGroups(a);
  if (su.decision === 'allow') return su;
  const node = authorizeNode(a);
  if (node.decision === 'allow') return node;
  const rbac = authorizeRBAC(s.rbac, a);
  if (rbac.decision === 'allow') return rbac;
  return { decision: 'no-opinion', authorizer: 'RBAC', reason: node.reason || rbac.reason };
}

function onEtcdReply(s: ApiServerState, r: EtcdReply, env: StepEnv, out: Output[]): void {
  if (isSupervisorReqId(r.reqId)) {
    if (s.supervisor && s.config.supervisor) onSupervisorEtcdReply(s.supervisor, s.config.supervisor, supervisorHost(s, out), r, env, out);
    return;
  }
  const p = s.pending[r.reqId];
  if (!p) return;
  delete s.pending[r.reqId];
  if (p.op === 'rbac-load') {
    const field = RBAC_KINDS.find(([, res]) => res === p.resource)![0];
    s.rbac[field] = ((r.response?.kvs ?? []) as KeyValue[]).map((kv) => JSON.parse(kv.value));
    s.syncing--;
    s.watch.floor = Math.max(s.watch.floor, r.header?.revision ?? 0);
    serveWhenSynced(s, env, out);
    return;
  }
  if (p.op === 'admission-load') {
    loadAdmissionCache((s.admission ??= newAdmissionCaches()), p.resource, ((r.response?.kvs ?? []) as KeyValue[]).map(decodeKv));
    s.syncing--;
    s.watch.floor = Math.max(s.watch.floor, r.header?.revision ?? 0);
    serveWhenSynced(s, env, out);
    return;
  }
  if (p.op === 'ns-load') {
    s.namespacePhase = {};
    for (const kv of (r.response?.kvs ?? []) as KeyValue[]) {
      const ns = JSON.parse(kv.value) as KubeObject;
      s.namespacePhase[ns.metadata.name] = String(ns.status?.phase ?? 'Active');
    }
    s.syncing--;
    s.watch.floor = Math.max(s.watch.floor, r.header?.revision ?? 0);
    serveWhenSynced(s, env, out);
    return;
  }
  onEtcdReplyForRequest(s, p, r, env, out);
}

/** Once every informer has listed, the server serves the requests that waited. */
function serveWhenSynced(s: ApiServerState, env: StepEnv, out: Output[]): void {
  if (s.syncing !== 0) return;
  out.push({ type: 'note', kind: 'apiserver.ready', data: { rbac: { clusterRoles: s.rbac.clusterRoles.length, clusterRoleBindings: s.rbac.clusterRoleBindings.length, roles: s.rbac.roles.length, roleBindings: s.rbac.roleBindings.length } } });
  const waiting = s.waiting;
  s.waiting = [];
  for (const w of waiting) handleRequest(s, w.from, w.req, env, out);
}

function onEtcdReplyForRequest(s: ApiServerState, p: Exclude<Pending, { op: 'rbac-load' } | { op: 'ns-load' } | { op: 'admission-load' }>, r: EtcdReply, env: StepEnv, out: Output[]): void {
  const nowMs = calendarMs(env.epochMs, env.now);
  const q = qualified(p.def);
  if (r.error) {
    respond(s, out, p.from, p.req, json(500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: r.error, reason: 'InternalError', code: 500 }), p.auditID, APISERVER_COSTS.responseBaseUs);
    return;
  }
  const rev = String(r.header?.revision ?? 0);
  switch (p.op) {
    case 'list': {
      const sel = p.sel ?? { labels: [], fields: [] };
      const items = ((r.response?.kvs ?? []) as KeyValue[]).map(decodeKv).filter((o) => matchesLabels(sel.labels, o.metadata.labels) && matchesFields(sel.fields, p.def.kind, o));
      const cost = APISERVER_COSTS.responseBaseUs + items.length * APISERVER_COSTS.decodePerItemUs;
      const list = { kind: p.def.listKind, apiVersion: apiVersionOf(p.def), metadata: { resourceVersion: rev }, items };
      if (wantsTable(p.req.headers['Accept'])) {
        const table = toTable(p.def.kind, items, rev, nowMs, includeObjectOf(p.req.path));
        respond(s, out, p.from, p.req, json(200, table, { 'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io' }), p.auditID, cost, { read: `${items.length} ${p.def.kind} objects (${p.def.listKind} at revision ${rev})`, podList: list, table: { rows: table.rows.length, columns: table.columnDefinitions.map((c) => c.name) } });
      } else {
        respond(s, out, p.from, p.req, json(200, list), p.auditID, cost, { read: `${items.length} ${p.def.kind} objects`, items: items.length });
      }
      return;
    }
    case 'log-read': {
      const kv = (r.response?.kvs ?? [])[0] as KeyValue | undefined;
      if (!kv) {
        respond(s, out, p.from, p.req, statusResponse(notFound(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const pod = decodeKv(kv);
      const names = ((pod.spec?.containers ?? []) as { name: string }[]).map((c) => c.name);
      let container = p.container;
      if (!container) {
        if (names.length !== 1) {
          respond(s, out, p.from, p.req, statusResponse(badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`)), p.auditID, APISERVER_COSTS.responseBaseUs);
          return;
        }
        container = names[0]!;
      }
      if (!names.includes(container)) {
        respond(s, out, p.from, p.req, statusResponse(badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      if (!pod.spec?.nodeName) {
        respond(s, out, p.from, p.req, statusResponse(badRequest(`pod ${pod.metadata.name} does not have a host assigned`)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      s.pending[r.reqId] = { ...p, op: 'log-wait', container };
      out.push({ type: 'send', to: `${pod.spec.nodeName}/kubelet`, kind: KUBELET_CONTAINER_LOGS, payload: { reqId: r.reqId, namespace: pod.metadata.namespace, pod: pod.metadata.name, container } });
      return;
    }
    case 'get': {
      const kv = (r.response?.kvs ?? [])[0] as KeyValue | undefined;
      if (!kv) respond(s, out, p.from, p.req, statusResponse(notFound(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
      else if (p.body?.kind === 'Scale') respond(s, out, p.from, p.req, json(200, scaleOf(decodeKv(kv))), p.auditID, APISERVER_COSTS.responseBaseUs);
      else if (wantsTable(p.req.headers['Accept'])) {
        // `kubectl get pod x`: a one-row Table, as a list would print it.
        const o = decodeKv(kv);
        respond(s, out, p.from, p.req, json(200, toTable(p.def.kind, [o], o.metadata.resourceVersion ?? '', nowMs, includeObjectOf(p.req.path)), { 'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io' }), p.auditID, APISERVER_COSTS.responseBaseUs);
      } else respond(s, out, p.from, p.req, json(200, decodeKv(kv)), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
    case 'watch-init': {
      const sel = p.sel ?? { labels: [], fields: [] };
      const items = ((r.response?.kvs ?? []) as KeyValue[]).map(decodeKv);
      const w = { from: p.from, req: p.req, info: p.info, def: p.def, auditID: p.auditID };
      const before = out.length;
      startWatch(s, w, sel, Number(rev), out, APISERVER_COSTS.responseBaseUs, env);
      // startWatch sent the 200 and any events after `rev`; the current objects go first, as ADDED.
      const watcher = Object.values(s.watch.watchers).find((x) => x.conn === p.req.conn && x.stream === p.req.stream);
      if (watcher) {
        const added: Output[] = [];
        for (const o of items) if (matchesLabels(sel.labels, o.metadata.labels) && matchesFields(sel.fields, p.def.kind, o)) sendWatchEvent(s, watcher, 'ADDED', o, added, APISERVER_COSTS.responseBaseUs);
        out.splice(before + 1, 0, ...added);
      }
      return;
    }
    case 'token': {
      const kv = (r.response?.kvs ?? [])[0] as KeyValue | undefined;
      if (!kv) {
        respond(s, out, p.from, p.req, statusResponse(notFound(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const sa = decodeKv(kv);
      const spec = (p.body as { spec?: { expirationSeconds?: number; audiences?: string[] } } | undefined)?.spec ?? {};
      const exp = spec.expirationSeconds ?? 3600;
      const iatS = Math.floor(nowMs / 1000);
      const token = issueToken(s.config.serviceAccountKey ?? DEFAULT_SA_KEY, { namespace: sa.metadata.namespace!, name: sa.metadata.name, uid: sa.metadata.uid! }, iatS, exp, env.rng.uuid());
      respond(s, out, p.from, p.req, json(201, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: sa.metadata.name, namespace: sa.metadata.namespace, creationTimestamp: null }, spec: { audiences: spec.audiences?.length ? spec.audiences : SA_AUDIENCES, expirationSeconds: exp, boundObjectRef: null }, status: { token, expirationTimestamp: rfc3339((iatS + exp) * 1000) } }), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
    case 'rmw-read':
    case 'rmw-write': {
      if (p.op === 'rmw-write' && r.response?.succeeded) {
        const obj = structuredClone(p.object);
        obj.metadata.resourceVersion = rev;
        publish(s, p.def, p.deleting ? 'DELETED' : 'MODIFIED', obj, Number(rev), out);
        if (p.info.subresource === 'binding' || p.info.subresource === 'eviction') respond(s, out, p.from, p.req, json(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }), p.auditID, APISERVER_COSTS.responseBaseUs);
        else respond(s, out, p.from, p.req, json(200, p.respondScale ? scaleOf(obj) : p.deleting ? deletedResponse(p.def.group, p.def.resource, obj) : obj), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      // The read, or a write whose compare failed: GuaranteedUpdate retries with the object the
      // failed Txn read back (store.go: "retry with the latest object"), unless the client asked
      // for a precondition on resourceVersion, which then is the 409 Conflict.
      const kv = (p.op === 'rmw-read' ? (r.response?.kvs ?? [])[0] : r.response?.responses?.[0]?.response_range?.kvs?.[0]) as KeyValue | undefined;
      if (!kv) {
        respond(s, out, p.from, p.req, statusResponse(notFound(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const current = decodeKv(kv);
      const m = applyMutation(current, p.mutation, nowMs);
      if (!m.ok) {
        // A mutation that knows upstream's whole Status (a patch's errors) gives it; the rest are worded here.
        const st = m.status ?? (m.code === 409 ? conflict(p.mutation.kind === 'binding' ? 'pods/binding' : q, p.info.name, m.message) : ({ ...badRequest(`${p.def.kind}${p.def.group ? '.' + p.def.group : ''} "${p.info.name}" is invalid: ${m.message}`), code: m.code, reason: m.code === 422 ? 'Invalid' : 'BadRequest' } as Status));
        respond(s, out, p.from, p.req, statusResponse(st), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const precondition = p.mutation.kind === 'status' ? p.mutation.resourceVersion : p.mutation.kind === 'merge-patch' ? (p.mutation.patch as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion : undefined;
      if (precondition && Number(precondition) !== kv.mod_revision) {
        respond(s, out, p.from, p.req, statusResponse(conflict(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const reqId = `${p.auditID}/${s.nextReq++}`;
      const deleting = m.delete === true || shouldDeleteDuringUpdate(current, m.object, p.def.resource === 'namespaces');
      const obj = m.object;
      if (!deleting && (p.mutation.kind === 'merge-patch' || p.mutation.kind === 'strategic-merge-patch' || p.mutation.kind === 'json-patch') && !p.info.subresource) {
        // handlers/patch.go: the patched JSON is decoded into the typed object (defaulting) and
        // the update strategy validates it; an invalid result is a 422 and nothing is written.
        defaultObject(p.def.kind, obj);
        const errs = validateObject(p.def.kind, obj, current);
        if (errs.length > 0) {
          respond(s, out, p.from, p.req, statusResponse(invalidStatus(p.def.kind, p.def.group, p.info.name, errs)), p.auditID, APISERVER_COSTS.responseBaseUs);
          return;
        }
      }
      if (!deleting && p.mutation.kind !== 'status' && JSON.stringify(obj.spec) !== JSON.stringify(current.spec) && obj.metadata.generation !== undefined) obj.metadata.generation = Number(obj.metadata.generation) + 1;
      if (!deleting && (p.mutation.kind === 'merge-patch' || p.mutation.kind === 'strategic-merge-patch' || p.mutation.kind === 'json-patch') && stableStringify(obj) === stableStringify(current)) {
        // GuaranteedUpdate: a patch that changes nothing is not written (no new resourceVersion, no event).
        respond(s, out, p.from, p.req, json(200, p.respondScale ? scaleOf(current) : current), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      s.pending[reqId] = { op: 'rmw-write', from: p.from, req: p.req, info: p.info, def: p.def, user: p.user, auditID: p.auditID, key: p.key, object: obj, deleting, mutation: p.mutation, ...(p.respondScale ? { respondScale: true } : {}) };
      const success = deleting ? [{ request_delete_range: { key: p.key } }] : [{ request_put: { key: p.key, value: encodeForStorage(obj) } }];
      out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key: p.key, target: 'MOD', result: 'EQUAL', mod_revision: kv.mod_revision }], success, failure: [{ request_range: { key: p.key } }] }, trace: p.req.trace }));
      return;
    }
    case 'quota-write': {
      // ResourceQuota admission's status writes: on success the quotas' new usage is published and
      // the create goes on; a quota changed meanwhile is read back and the request checked again.
      const quotaDef = RESOURCES.find((d) => d.resource === 'resourcequotas')!;
      const next = `${p.auditID}/${s.nextReq++}`;
      const base = { from: p.from, req: p.req, info: p.info, def: p.def, user: p.user, auditID: p.auditID, body: p.body, key: p.key, ...(p.nameAttempts !== undefined ? { nameAttempts: p.nameAttempts } : {}) };
      if (r.response?.succeeded) {
        for (const q of p.quotas) publish(s, quotaDef, 'MODIFIED', { ...q, metadata: { ...q.metadata, resourceVersion: rev } }, Number(rev), out);
        createWithQuota(s, base, next, nowMs, out, APISERVER_COSTS.responseBaseUs, 0, true);
        return;
      }
      p.quotas.forEach((q, i) => {
        // The quota as it is now, or gone (then it is no longer checked).
        const kv = r.response?.responses?.[i]?.response_range?.kvs?.[0] as KeyValue | undefined;
        observeAdmissionWrite(s.admission, 'resourcequotas', kv ? 'MODIFIED' : 'DELETED', kv ? decodeKv(kv) : q);
      });
      if (p.retries > 0) createWithQuota(s, base, next, nowMs, out, APISERVER_COSTS.responseBaseUs, p.retries - 1);
      else respond(s, out, p.from, p.req, statusResponse(conflict('resourcequotas', p.quotas[0]!.metadata.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
    case 'create':
    case 'update': {
      const name = p.body!.metadata.name;
      if (!r.response?.succeeded) {
        const exists = (r.response?.responses?.[0]?.response_range?.kvs ?? []).length > 0;
        if (p.op === 'create' && exists && p.nameAttempts !== undefined && p.nameAttempts < MAX_NAME_GENERATION_ATTEMPTS) {
          // RetryGenerateName (on by default since v1.31, store.go createWithGenerateNameRetry): a
          // generated name that is taken is generated again, with a new uid, up to 8 attempts in all.
          const body = structuredClone(p.body!);
          body.metadata.name = `${body.metadata.generateName}${env.rng.kubeString(5)}`;
          body.metadata.uid = env.rng.uuid();
          const t = s.traces[p.body!.metadata.uid!];
          if (t) s.traces[body.metadata.uid] = t;
          const key = objectKey(p.def, p.info.namespace, body.metadata.name);
          const reqId = `${p.auditID}/${s.nextReq++}`;
          s.pending[reqId] = { ...p, body, key, nameAttempts: p.nameAttempts + 1 };
          out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key, target: 'MOD', result: 'EQUAL', mod_revision: 0 }], success: [{ request_put: { key, value: encodeForStorage(body) } }], failure: [{ request_range: { key } }] }, trace: p.req.trace }));
          return;
        }
        const st = p.op === 'create' ? alreadyExists(q, name) : exists ? conflict(q, name) : notFound(q, name);
        respond(s, out, p.from, p.req, statusResponse(st), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const obj = structuredClone(p.body!);
      obj.metadata.resourceVersion = rev;
      updateRbacCache(s, p.def, obj);
      publish(s, p.def, p.op === 'create' ? 'ADDED' : 'MODIFIED', obj, Number(rev), out);
      respond(s, out, p.from, p.req, json(p.op === 'create' ? 201 : 200, obj), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
    case 'delete-read':
    case 'delete-write': {
      if (p.op === 'delete-write' && r.response?.succeeded) {
        const obj = structuredClone(p.object!);
        if (p.action === 'delete') {
          // The DELETED event carries the deletion's revision; the answer, the object as it was.
          publish(s, p.def, 'DELETED', { ...obj, metadata: { ...obj.metadata, resourceVersion: rev } }, Number(rev), out);
          removeFromRbacCache(s, p.def, obj);
          finishDelete(s, p, 200, deletedResponse(p.def.group, p.def.resource, obj), out);
          return;
        }
        obj.metadata.resourceVersion = rev;
        updateRbacCache(s, p.def, obj);
        publish(s, p.def, 'MODIFIED', obj, Number(rev), out);
        if (p.action === 'update-then-delete') {
          // A graceful delete with no grace left: the update is written, then the object removed.
          const reqId = `${p.auditID}/${s.nextReq++}`;
          s.pending[reqId] = { ...p, op: 'delete-write', action: 'delete', object: obj };
          out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key: p.key, target: 'MOD', result: 'EQUAL', mod_revision: Number(rev) }], success: [{ request_delete_range: { key: p.key } }], failure: [{ request_range: { key: p.key } }] }, trace: p.req.trace }));
          return;
        }
        // The object stays (finalizers, or a grace period): 200 with it, or 202 when the client
        // asked for orphanDependents=false (handlers/delete.go).
        finishDelete(s, p, p.options.orphanDependents === false ? 202 : 200, obj, out);
        return;
      }
      // The read, or a write whose compare failed: plan again on the object as it is now.
      const kv = (p.op === 'delete-read' ? (r.response?.kvs ?? [])[0] : r.response?.responses?.[0]?.response_range?.kvs?.[0]) as KeyValue | undefined;
      if (!kv) {
        finishDelete(s, p, 404, notFound(q, p.name), out);
        return;
      }
      planAndWrite(s, p, kv, nowMs, out);
      return;
    }
    case 'deletecollection-list': {
      // DeleteCollection: list, then the store's Delete for each item (in key order here, where
      // upstream's workers run them concurrently); the answer is the list as it was read.
      const items = ((r.response?.kvs ?? []) as KeyValue[]).filter((kv) => {
        const o = decodeKv(kv);
        return matchesLabels(p.sel.labels, o.metadata.labels) && matchesFields(p.sel.fields, p.def.kind, o);
      });
      const listed = items.map(decodeKv);
      if (items.length === 0) {
        respond(s, out, p.from, p.req, json(200, { kind: p.def.listKind, apiVersion: apiVersionOf(p.def), metadata: { resourceVersion: rev }, items: [] }), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const id = `${p.auditID}/collection`;
      (s.collections ??= {})[id] = { remaining: items.length, items: listed, rev };
      for (const kv of items) {
        const o = decodeKv(kv);
        planAndWrite(s, { op: 'delete-read', from: p.from, req: p.req, info: p.info, def: p.def, user: p.user, auditID: p.auditID, key: kv.key, name: o.metadata.name, options: p.options, collection: id }, kv, nowMs, out);
      }
      return;
    }
  }
}

/** Plan the store's delete on the object as read and write it with a compare on its revision. */
function planAndWrite(s: ApiServerState, p: DeletePending, kv: KeyValue, nowMs: number, out: Output[]): void {
  const current = decodeKv(kv);
  const plan: DeletePlan = p.def.resource === 'namespaces' ? planNamespaceDelete(current, p.options, nowMs) : planDelete(current, p.options, deleteStrategyFor(p.def.group, p.def.resource), nowMs);
  if (!plan.ok) {
    const st = plan.invalid ? invalidStatus('DeleteOptions', 'meta.k8s.io', '', plan.invalid) : conflict(plan.qualified, current.metadata.name, plan.message);
    finishDelete(s, p, st.code, st, out);
    return;
  }
  if (plan.action === 'none' || plan.action === 'unchanged') {
    // A graceful deletion already under way, an object already marked, or a namespace still
    // finalizing: nothing to write.
    finishDelete(s, p, 200, plan.action === 'unchanged' || p.def.resource === 'namespaces' ? current : deletedResponse(p.def.group, p.def.resource, current), out);
    return;
  }
  if (isDryRun(p.options)) {
    finishDelete(s, p, 200, plan.action === 'delete' ? deletedResponse(p.def.group, p.def.resource, current) : plan.object, out);
    return;
  }
  const reqId = `${p.auditID}/${s.nextReq++}`;
  const action = plan.action;
  s.pending[reqId] = { ...p, op: 'delete-write', action, object: action === 'delete' ? current : plan.object };
  const success = action === 'delete' ? [{ request_delete_range: { key: p.key } }] : [{ request_put: { key: p.key, value: encodeForStorage(plan.object) } }];
  out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key: p.key, target: 'MOD', result: 'EQUAL', mod_revision: kv.mod_revision }], success, failure: [{ request_range: { key: p.key } }] }, trace: p.req.trace }));
}

/** Answer a delete: eviction's 201 Success, one item of a deletecollection, or the response itself. */
function finishDelete(s: ApiServerState, p: DeletePending, status: number, body: unknown, out: Output[]): void {
  if (p.collection) {
    const c = s.collections?.[p.collection];
    if (!c) return;
    if (status >= 300 && status !== 404 && !c.error) c.error = body as Status;
    if (--c.remaining > 0) return;
    delete s.collections![p.collection];
    if (c.error) respond(s, out, p.from, p.req, statusResponse(c.error), p.auditID, APISERVER_COSTS.responseBaseUs);
    else respond(s, out, p.from, p.req, json(200, { kind: p.def.listKind, apiVersion: apiVersionOf(p.def), metadata: { resourceVersion: c.rev }, items: c.items }), p.auditID, APISERVER_COSTS.responseBaseUs + c.items.length * APISERVER_COSTS.decodePerItemUs);
    return;
  }
  if (p.eviction && status < 300) {
    respond(s, out, p.from, p.req, json(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }), p.auditID, APISERVER_COSTS.responseBaseUs);
    return;
  }
  respond(s, out, p.from, p.req, json(status, body), p.auditID, APISERVER_COSTS.responseBaseUs);
}

function removeFromRbacCache(s: ApiServerState, def: ResourceDef, obj: KubeObject): void {
  const entry = RBAC_KINDS.find(([, res]) => res === def.resource);
  if (!entry) return;
  const list = s.rbac[entry[0]] as any[];
  const i = list.findIndex((x) => x.metadata.name === obj.metadata.name && x.metadata.namespace === obj.metadata.namespace);
  if (i >= 0) list.splice(i, 1);
}

function updateRbacCache(s: ApiServerState, def: ResourceDef, obj: KubeObject): void {
  const entry = RBAC_KINDS.find(([, res]) => res === def.resource);
  if (!entry) return;
  const list = s.rbac[entry[0]] as any[];
  const i = list.findIndex((x) => x.metadata.name === obj.metadata.name && x.metadata.namespace === obj.metadata.namespace);
  if (i >= 0) list[i] = obj;
  else list.push(obj);
}
