/**
 * User impersonation (`kubectl --as=bob --as-group=devs`): the Impersonate-User,
 * Impersonate-Group, Impersonate-Uid and Impersonate-Extra-<key> headers. The requester must be
 * allowed the verb "impersonate" on each: users (name), groups (name), serviceaccounts (when the
 * user is system:serviceaccount:<ns>:<name>), uids and userextras/<key> in
 * authentication.k8s.io. Then the request runs as the impersonated user, who is also in
 * system:authenticated unless they are anonymous or the groups named system:(un)authenticated.
 *
 * Upstream: k8s.io/apiserver/pkg/endpoints/filters/impersonation.go (WithImpersonation,
 * buildImpersonationRequests), k8s.io/apiserver/pkg/authentication/serviceaccount/util.go
 * (MakeUsername/SplitUsername, the serviceaccount groups).
 * Groups, uids or extras without Impersonate-User are refused ("requested [...] without
 * impersonating a user"); kubectl itself never sends that.
 */
import type { UserInfo } from './authn/x509';
import type { Attributes } from './authz/attributes';

export type ImpersonationResult =
  | { kind: 'none' }
  | { kind: 'ok'; user: UserInfo; checks: Attributes[] }
  | { kind: 'bad-request'; message: string };

const SA_PREFIX = 'system:serviceaccount:';

function header(headers: Record<string, string>, name: string): string[] {
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase());
  if (!entry) return [];
  return entry[1].split(/,\s*/).filter((x) => x !== '');
}

/** Parses the headers and lists the authorization checks to make, in upstream's order. */
export function impersonation(requester: UserInfo, headers: Record<string, string>, path: string): ImpersonationResult {
  const users = header(headers, 'Impersonate-User');
  const groups = header(headers, 'Impersonate-Group');
  const uids = header(headers, 'Impersonate-Uid');
  const extras: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const m = /^impersonate-extra-(.+)$/i.exec(k);
    if (m) extras[decodeURIComponent(m[1]!).toLowerCase()] = v.split(/,\s*/);
  }
  if (users.length === 0 && groups.length === 0 && uids.length === 0 && Object.keys(extras).length === 0) return { kind: 'none' };
  // Go's %v of the []v1.ObjectReference asked for (Kind, Namespace, Name, UID, APIVersion, ResourceVersion, FieldPath).
  if (users.length === 0) return { kind: 'bad-request', message: `requested [${groups.map((g) => `{Group  ${g}    }`).join(' ')}] without impersonating a user` };
  const username = users[0]!;
  const base = (resource: string, name: string, apiGroup = '', namespace = ''): Attributes => ({
    user: requester,
    verb: 'impersonate',
    isResourceRequest: true,
    path,
    apiGroup,
    apiVersion: '',
    namespace,
    resource,
    subresource: '',
    name,
  });
  const checks: Attributes[] = [];
  let impersonatedGroups: string[] = [];
  if (username.startsWith(SA_PREFIX)) {
    const [ns, name] = username.slice(SA_PREFIX.length).split(':') as [string, string];
    checks.push(base('serviceaccounts', name, '', ns));
    if (groups.length === 0) impersonatedGroups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`];
  } else checks.push(base('users', username));
  for (const g of groups) checks.push(base('groups', g));
  for (const [k, vs] of Object.entries(extras)) for (const v of vs) checks.push({ ...base('userextras', v, 'authentication.k8s.io'), subresource: k });
  for (const u of uids) checks.push(base('uids', u, 'authentication.k8s.io'));
  impersonatedGroups = [...impersonatedGroups, ...groups];
  if (username !== 'system:anonymous' && !impersonatedGroups.some((g) => g === 'system:authenticated' || g === 'system:unauthenticated')) impersonatedGroups.push('system:authenticated');
  const user: UserInfo = { username, groups: impersonatedGroups, ...(uids[0] ? { uid: uids[0] } : {}), ...(Object.keys(extras).length ? { extra: extras } : {}) };
  return { kind: 'ok', user, checks };
}
