/**
 * The RBAC authorizer: walks the ClusterRoleBindings, then the RoleBindings of the request's
 * namespace, and allows the request as soon as one rule of a role bound to the user matches.
 * The reason text is upstream's ("RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of
 * ClusterRole \"cluster-admin\" to Group \"system:masters\""). A request no rule allows gets no
 * opinion (reason ""), which ends in 403 when no other authorizer allows it.
 *
 * Upstream: plugin/pkg/auth/authorizer/rbac/rbac.go (Authorize, RuleAllows),
 * pkg/registry/rbac/validation/rule.go (VisitRulesFor, appliesToUser, describers),
 * pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches, ResourceMatches,
 * ResourceNameMatches, NonResourceURLMatches).
 * Differs: upstream visits bindings in informer-cache order (unspecified); we visit them sorted
 * by name so the "allowed by" reason is deterministic. Aggregated ClusterRoles are taken as stored.
 */
import type { UserInfo } from '../authn/x509';
import type { Attributes, AuthzResult } from './attributes';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface Role {
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
}

export interface Binding {
  metadata: { name: string; namespace?: string };
  subjects?: Subject[];
  roleRef: RoleRef;
}

export interface RbacData {
  clusterRoles: Role[];
  clusterRoleBindings: Binding[];
  roles: Role[];
  roleBindings: Binding[];
}

const has = (xs: string[] | undefined, x: string) => !!xs && xs.includes(x);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

export function resourceMatches(rule: PolicyRule, combinedRequestedResource: string, requestedSubresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*') return true;
    if (r === combinedRequestedResource) return true;
    if (requestedSubresource === '') continue;
    if (r.length === requestedSubresource.length + 2 && r.startsWith('*/') && r.endsWith(requestedSubresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return rule.resourceNames.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*') return true;
    if (u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.isResourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

const SA_PREFIX = 'system:serviceaccount:';

export function appliesToUser(user: UserInfo, s: Subject, namespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return user.username === s.name;
    case 'Group':
      return has(user.groups, s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || namespace;
      if (!ns) return false;
      return user.username === `${SA_PREFIX}${ns}:${s.name}`;
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} "${s.name}/${s.namespace || bindingNamespace}"`;
  return `${s.kind} "${s.name}"`;
}

const byName = (a: { metadata: { name: string; namespace?: string } }, b: { metadata: { name: string; namespace?: string } }) =>
  (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);

function rulesOf(data: RbacData, ref: RoleRef, bindingNamespace: string): PolicyRule[] | undefined {
  if (ref.kind === 'ClusterRole') return data.clusterRoles.find((r) => r.metadata.name === ref.name)?.rules ?? undefined;
  return data.roles.find((r) => r.metadata.name === ref.name && r.metadata.namespace === bindingNamespace)?.rules ?? undefined;
}

export function authorizeRBAC(data: RbacData, a: Attributes): AuthzResult {
  for (const b of [...data.clusterRoleBindings].sort(byName)) {
    const subj = (b.subjects ?? []).find((s) => appliesToUser(a.user, s, ''));
    if (!subj) continue;
    const rules = rulesOf(data, b.roleRef, '') ?? [];
    if (rules.some((r) => ruleAllows(a, r))) {
      return { decision: 'allow', authorizer: 'RBAC', reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(subj, '')}` };
    }
  }
  if (a.namespace) {
    for (const b of data.roleBindings.filter((x) => x.metadata.namespace === a.namespace).sort(byName)) {
      const subj = (b.subjects ?? []).find((s) => appliesToUser(a.user, s, a.namespace));
      if (!subj) continue;
      const rules = rulesOf(data, b.roleRef, a.namespace) ?? [];
      if (rules.some((r) => ruleAllows(a, r))) {
        return {
          decision: 'allow',
          authorizer: 'RBAC',
          reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${b.metadata.namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${describeSubject(subj, a.namespace)}`,
        };
      }
    }
  }
  return { decision: 'no-opinion', authorizer: 'RBAC', reason: '' };
}
