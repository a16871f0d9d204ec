/**
 * What an authorizer decides on (k8s.io/apiserver/pkg/authorization/authorizer/interfaces.go
 * AttributesRecord) and the 403 text kube-apiserver writes when every authorizer says no
 * (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage).
 */
import type { UserInfo } from '../authn/x509';

export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** The request's fieldSelector, parsed (authorizers may scope list/watch by it). */
  fieldSelector?: { field: string; op: 'eq' | 'neq'; value: string }[];
}

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthzResult {
  decision: Decision;
  reason: string;
  authorizer: string;
}

export function forbiddenMessage(a: Attributes): string {
  const username = a.user.username;
  if (!a.isResourceRequest) return `User "${username}" cannot ${a.verb} path "${a.path}"`;
  let resource = a.resource;
  if (a.subresource) resource = `${resource}/${a.subresource}`;
  if (a.namespace) return `User "${username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" in the namespace "${a.namespace}"`;
  return `User "${username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" at the cluster scope`;
}
