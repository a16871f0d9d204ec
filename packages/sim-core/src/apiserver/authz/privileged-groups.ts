/**
 * The superuser authorizer kube-apiserver puts in front of every configured mode: a user in the
 * group system:masters is allowed everything, with no reason text, before Node or RBAC are asked.
 * That is why the k3s admin kubeconfig (O=system:masters) can do anything even with every RBAC
 * binding deleted.
 *
 * Upstream: pkg/kubeapiserver/authorizer/reload.go newForConfig ("Add SystemPrivilegedGroup as an
 * authorizing group", named system-privileged-group.authorizer.kubernetes.io),
 * k8s.io/apiserver/pkg/authorization/authorizerfactory/builtin.go privilegedGroupAuthorizer.
 */
import type { Attributes, AuthzResult } from './attributes';

export const SYSTEM_PRIVILEGED_GROUP = 'system:masters';
export const PRIVILEGED_AUTHORIZER = 'system-privileged-group.authorizer.kubernetes.io';

export function authorizePrivilegedGroups(a: Attributes): AuthzResult {
  if (a.user.groups.includes(SYSTEM_PRIVILEGED_GROUP)) return { decision: 'allow', authorizer: PRIVILEGED_AUTHORIZER, reason: '' };
  return { decision: 'no-opinion', authorizer: PRIVILEGED_AUTHORIZER, reason: '' };
}
