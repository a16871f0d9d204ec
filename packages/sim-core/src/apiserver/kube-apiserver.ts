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
import { forbiddenMessage, type Attributes, type AuthzResult } from './authz/attributes';
import { authorizeNode } from './authz/node';
import { authorizePrivilegedGroups, PRIVILEGED_AUTHORIZER } from './authz/privileged-groups';
import { authorizeRBAC, type RbacData } from './authz/rbac';
import { HTTP_REQUEST, HTTP_RESPONSE, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_FINISHED, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, wantsTable, type ClientFinished, type ClientHello, type HttpRequest, type HttpResponse, type TcpSegment } from './http';
import { parseRequestInfo, type RequestInfo } from './request-info';
import { alreadyExists, badRequest, conflict, forbidden, notFound, notFoundPath, unauthorized, type Status } from './status';
import { apiVersionOf, findResource, listPrefix, objectKey, RESOURCES, type ResourceDef } from './storage/keys';
import { toTable } from './printers/table';

export interface ApiServerConfig {
  /** Process id of the etcd member this server talks to. */
  etcd: string;
  clientCA: string;
  servingCert: Certificate;
  advertiseAddress: string;
  port: number;
}

interface Connection {
  client: string;
  established: boolean;
  peerCert?: Certificate;
}

type Pending =
  | { op: 'rbac-load'; resource: string }
  | { op: 'list' | 'get' | 'create' | 'update' | 'delete'; from: string; req: HttpRequest; info: RequestInfo; def: ResourceDef; user: UserInfo; auditID: string; body?: KubeObject; key?: string };

export interface ApiServerState {
  config: ApiServerConfig;
  conns: Record<string, Connection>;
  pending: Record<string, Pending>;
  rbac: RbacData;
  /** RBAC kinds still being listed at start; requests wait until every informer has synced. */
  syncing: number;
  waiting: { from: string; req: HttpRequest }[];
  nextReq: number;
}

/** Costs of the handler chain, in microseconds. */
export const APISERVER_COSTS = { tlsHandshakeUs: 450, authnUs: 25, authzUs: 15, decodePerItemUs: 12, responseBaseUs: 150 };

const RBAC_KINDS: [keyof RbacData, string][] = [
  ['clusterRoles', 'clusterroles'],
  ['clusterRoleBindings', 'clusterrolebindings'],
  ['roles', 'roles'],
  ['roleBindings', 'rolebindings'],
];

const qualified = (d: ResourceDef): string => (d.group ? `${d.resource}.${d.group}` : d.resource);

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
    init: () => ({ config, conns: {}, pending: {}, rbac: { clusterRoles: [], clusterRoleBindings: [], roles: [], roleBindings: [] }, syncing: RBAC_KINDS.length, waiting: [], nextReq: 0 }),
    step(s, input, env) {
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
        return { state: s, outputs: out };
      }
      if (input.type !== 'message') return { state: s, outputs: out };
      const { kind, from } = input;
      if (kind === TCP_SYN) {
        const seg = input.payload as TcpSegment;
        s.conns[seg.conn] = { client: from, established: false };
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
        if (s.syncing > 0) s.waiting.push({ from, req });
        else handleRequest(s, from, req, env, out);
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

function respond(out: Output[], to: string, req: HttpRequest, r: { status: number; headers: Record<string, string>; body: unknown }, auditID: string, afterUs: number, extra: unknown = undefined): void {
  const payload: HttpResponse = { conn: req.conn, stream: req.stream, status: r.status, headers: { ...r.headers, 'Audit-Id': auditID }, body: r.body, trace: req.trace };
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
  const authn = authenticateX509(conn?.peerCert, s.config.clientCA, nowMs);
  if (!authn.ok) {
    respond(out, from, req, statusResponse(unauthorized()), auditID, APISERVER_COSTS.authnUs);
    out.push({ type: 'note', kind: 'apiserver.authn-failed', data: { auditID, error: authn.error } });
    return;
  }
  out.push(...narrate(req.trace, 'apiserver.authenticated', { auditID, authenticator: authn.method, detail: authn.detail, user: authn.user }, APISERVER_COSTS.authnUs));
  const attrs: Attributes = { user: authn.user, verb: info.verb, isResourceRequest: info.isResourceRequest, path: info.path, apiGroup: info.apiGroup, apiVersion: info.apiVersion, namespace: info.namespace, resource: info.resource, subresource: info.subresource, name: info.name };
  const decision = authorize(s, attrs);
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
    const st = info.isResourceRequest ? forbidden(q, info.name, forbiddenMessage(attrs)) : { ...forbidden('', '', ''), message: `forbidden: ${forbiddenMessage(attrs)}`, details: {} };
    respond(out, from, req, statusResponse(st), auditID, chainUs);
    return;
  }
  if (!info.isResourceRequest) {
    if (info.path === '/healthz' || info.path === '/livez' || info.path === '/readyz') respond(out, from, req, { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'ok' }, auditID, chainUs);
    else if (info.path === '/version') respond(out, from, req, json(200, { major: '1', minor: '33', gitVersion: 'v1.33.5+k3s1', platform: 'linux/amd64' }), auditID, chainUs);
    else respond(out, from, req, statusResponse(notFoundPath()), auditID, chainUs);
    return;
  }
  const def = findResource(info.apiGroup, info.apiVersion, info.resource);
  if (!def || (def.namespaced === false && info.namespace)) {
    respond(out, from, req, statusResponse(notFoundPath()), auditID, chainUs);
    return;
  }
  const reqId = `${auditID}/${s.nextReq++}`;
  const trace = req.trace;
  switch (info.verb) {
    case 'list': {
      const prefix = listPrefix(def, info.namespace);
      s.pending[reqId] = { op: 'list', from, req, info, def, user: authn.user, auditID };
      out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key: prefix, range_end: prefixEnd(prefix) }, trace }, chainUs));
      return;
    }
    case 'get': {
      const key = objectKey(def, info.namespace, info.name);
      s.pending[reqId] = { op: 'get', from, req, info, def, user: authn.user, auditID, key };
      out.push(etcdSend(s, { method: KV_RANGE, reqId, request: { key }, trace }, chainUs));
      return;
    }
    case 'create':
    case 'update': {
      const body = req.body as KubeObject | undefined;
      if (!body || typeof body !== 'object' || !body.metadata) {
        respond(out, from, req, statusResponse(badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf')), auditID, chainUs);
        return;
      }
      const obj = structuredClone(body);
      obj.apiVersion = apiVersionOf(def);
      obj.kind = def.kind;
      if (def.namespaced) obj.metadata.namespace = info.namespace;
      const name = info.verb === 'update' ? info.name : obj.metadata.name;
      if (!name) {
        respond(out, from, req, statusResponse({ ...badRequest('name or generateName is required'), code: 422, reason: 'Invalid' } as Status), auditID, chainUs);
        return;
      }
      obj.metadata.name = name;
      const key = objectKey(def, info.namespace, name);
      if (info.verb === 'create') {
        obj.metadata.uid = env.rng.uuid();
        obj.metadata.creationTimestamp = rfc3339(nowMs);
        s.pending[reqId] = { op: 'create', from, req, info, def, user: authn.user, auditID, body: obj, key };
        out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key, target: 'MOD', result: 'EQUAL', mod_revision: 0 }], success: [{ request_put: { key, value: encodeForStorage(obj) } }], failure: [{ request_range: { key } }] }, trace }, chainUs));
      } else {
        const rv = Number(obj.metadata.resourceVersion ?? 0);
        s.pending[reqId] = { op: 'update', from, req, info, def, user: authn.user, auditID, body: obj, key };
        const compare = rv > 0 ? [{ key, target: 'MOD' as const, result: 'EQUAL' as const, mod_revision: rv }] : [{ key, target: 'MOD' as const, result: 'GREATER' as const, mod_revision: 0 }];
        out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare, success: [{ request_put: { key, value: encodeForStorage(obj) } }], failure: [{ request_range: { key } }] }, trace }, chainUs));
      }
      return;
    }
    case 'delete': {
      const key = objectKey(def, info.namespace, info.name);
      s.pending[reqId] = { op: 'delete', from, req, info, def, user: authn.user, auditID, key };
      out.push(etcdSend(s, { method: KV_TXN, reqId, request: { compare: [{ key, target: 'MOD', result: 'GREATER', mod_revision: 0 }], success: [{ request_range: { key } }, { request_delete_range: { key } }], failure: [] }, trace }, chainUs));
      return;
    }
    default:
      respond(out, from, req, statusResponse({ ...badRequest(`verb ${info.verb} is not supported yet`), code: 405, reason: 'MethodNotAllowed' } as Status), auditID, chainUs);
  }
}

/** The union authorizer in upstream's order: system:masters superuser, then Node, then RBAC (k3s: --authorization-mode=Node,RBAC). */
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
  const p = s.pending[r.reqId];
  if (!p) return;
  delete s.pending[r.reqId];
  if (p.op === 'rbac-load') {
    const field = RBAC_KINDS.find(([, res]) => res === p.resource)![0];
    s.rbac[field] = ((r.response?.kvs ?? []) as KeyValue[]).map((kv) => JSON.parse(kv.value));
    s.syncing--;
    if (s.syncing === 0) {
      out.push({ type: 'note', kind: 'apiserver.ready', data: { rbac: { clusterRoles: s.rbac.clusterRoles.length, clusterRoleBindings: s.rbac.clusterRoleBindings.length, roles: s.rbac.roles.length, roleBindings: s.rbac.roleBindings.length } } });
      const waiting = s.waiting;
      s.waiting = [];
      for (const w of waiting) handleRequest(s, w.from, w.req, env, out);
    }
    return;
  }
  const nowMs = calendarMs(env.epochMs, env.now);
  const q = qualified(p.def);
  if (r.error) {
    respond(out, p.from, p.req, json(500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: r.error, reason: 'InternalError', code: 500 }), p.auditID, APISERVER_COSTS.responseBaseUs);
    return;
  }
  const rev = String(r.header?.revision ?? 0);
  switch (p.op) {
    case 'list': {
      const items = ((r.response?.kvs ?? []) as KeyValue[]).map(decodeKv);
      const cost = APISERVER_COSTS.responseBaseUs + items.length * APISERVER_COSTS.decodePerItemUs;
      const list = { kind: p.def.listKind, apiVersion: apiVersionOf(p.def), metadata: { resourceVersion: rev }, items };
      if (wantsTable(p.req.headers['Accept'])) {
        const table = toTable(p.def.kind, items, rev, nowMs);
        respond(out, p.from, p.req, json(200, table, { 'Content-Type': 'application/json;as=Table;v=v1;g=meta.k8s.io' }), p.auditID, cost, { read: `${items.length} ${p.def.kind} objects (${p.def.listKind} at revision ${rev})`, podList: list, table: { rows: table.rows.length, columns: table.columnDefinitions.map((c) => c.name) } });
      } else {
        respond(out, p.from, p.req, json(200, list), p.auditID, cost, { read: `${items.length} ${p.def.kind} objects`, items: items.length });
      }
      return;
    }
    case 'get': {
      const kv = (r.response?.kvs ?? [])[0] as KeyValue | undefined;
      if (!kv) respond(out, p.from, p.req, statusResponse(notFound(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
      else respond(out, p.from, p.req, json(200, decodeKv(kv)), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
    case 'create':
    case 'update': {
      const name = p.body!.metadata.name;
      if (!r.response?.succeeded) {
        const exists = (r.response?.responses?.[0]?.response_range?.kvs ?? []).length > 0;
        const st = p.op === 'create' ? alreadyExists(q, name) : exists ? conflict(q, name) : notFound(q, name);
        respond(out, p.from, p.req, statusResponse(st), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const obj = structuredClone(p.body!);
      obj.metadata.resourceVersion = rev;
      updateRbacCache(s, p.def, obj);
      respond(out, p.from, p.req, json(p.op === 'create' ? 201 : 200, obj), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
    case 'delete': {
      if (!r.response?.succeeded) {
        respond(out, p.from, p.req, statusResponse(notFound(q, p.info.name)), p.auditID, APISERVER_COSTS.responseBaseUs);
        return;
      }
      const kv = r.response.responses[0]?.response_range?.kvs?.[0] as KeyValue;
      respond(out, p.from, p.req, json(200, decodeKv(kv)), p.auditID, APISERVER_COSTS.responseBaseUs);
      return;
    }
  }
}

function updateRbacCache(s: ApiServerState, def: ResourceDef, obj: KubeObject): void {
  const entry = RBAC_KINDS.find(([, res]) => res === def.resource);
  if (!entry) return;
  const list = s.rbac[entry[0]] as any[];
  const i = list.findIndex((x) => x.metadata.name === obj.metadata.name && x.metadata.namespace === obj.metadata.namespace);
  if (i >= 0) list[i] = obj;
  else list.push(obj);
}
