/**
 * The audit log: one audit.k8s.io/v1 Event per request at level Metadata, as kube-apiserver
 * writes it with `--audit-log-path` and a Metadata policy (`lab serve --audit-log FILE` writes
 * them as JSON lines). A watch logs ResponseStarted when its stream opens.
 *
 * Upstream: k8s.io/apiserver/pkg/apis/audit/v1/types.go (Event), pkg/audit/request.go
 * (NewEventFromRequest: requestURI, verb, user, impersonatedUser, sourceIPs, userAgent,
 * objectRef; LogResponseObject), endpoints/filters/audit.go (stages), authorization filter's
 * annotations "authorization.k8s.io/decision" and "authorization.k8s.io/reason".
 * Leaves out: policies other than Metadata (request/response bodies), the RequestReceived stage,
 * omitStages, batching.
 */
import { microTime } from '../objects/meta';
import type { UserInfo } from './authn/x509';

export const AUDIT_NOTE = 'apiserver.audit';

export interface AuditContext {
  requestURI: string;
  verb: string;
  user: UserInfo;
  impersonatedUser?: UserInfo;
  sourceIPs: string[];
  userAgent: string;
  objectRef?: { resource: string; namespace?: string; name?: string; apiGroup: string; apiVersion: string; subresource?: string };
  /** µs since the Unix epoch. */
  receivedUs: number;
  annotations: Record<string, string>;
}

const userJson = (u: UserInfo) => ({ username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) });

export function auditEvent(a: AuditContext, auditID: string, stage: 'ResponseStarted' | 'ResponseComplete', code: number, stageUs: number, body?: unknown): unknown {
  const st = body as { kind?: string; status?: string; message?: string; reason?: string } | undefined;
  const failure = code >= 300 && st?.kind === 'Status' ? { status: st.status, message: st.message, reason: st.reason } : {};
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID,
    stage,
    requestURI: a.requestURI,
    verb: a.verb,
    user: userJson(a.user),
    ...(a.impersonatedUser ? { impersonatedUser: userJson(a.impersonatedUser) } : {}),
    sourceIPs: a.sourceIPs,
    userAgent: a.userAgent,
    ...(a.objectRef ? { objectRef: a.objectRef } : {}),
    responseStatus: { metadata: {}, ...failure, code },
    requestReceivedTimestamp: microTime(a.receivedUs),
    stageTimestamp: microTime(Math.max(a.receivedUs, stageUs)),
    ...(Object.keys(a.annotations).length ? { annotations: a.annotations } : {}),
  };
}
