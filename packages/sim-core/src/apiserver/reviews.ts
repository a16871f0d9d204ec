/**
 * The create-only review resources, answered at once and never stored:
 *  - SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`): who the request's user is;
 *  - SelfSubjectAccessReview (authorization.k8s.io/v1, `kubectl auth can-i`): would the
 *    authorizers allow this user that verb on that resource;
 *  - SubjectAccessReview / LocalSubjectAccessReview: the same for a named user.
 *
 * Upstream: pkg/registry/authentication/selfsubjectreview/rest.go (Create: status.userInfo from
 * the request's user), pkg/registry/authorization/selfsubjectaccessreview/rest.go,
 * subjectaccessreview/rest.go, localsubjectaccessreview/rest.go, util/helpers.go
 * (ResourceAttributesFrom, NonResourceAttributesFrom, AuthorizationAttributesFrom).
 * Leaves out: SelfSubjectRulesReview (`can-i --list`) and TokenReview answer 405 here;
 * fieldSelector/labelSelector inside resourceAttributes.
 */
import type { UserInfo } from './authn/x509';
import type { Attributes, AuthzResult } from './authz/attributes';

export type Review = { status: number; body: unknown };

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

function attributesFrom(user: UserInfo, spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: { path?: string; verb?: string } }): Attributes {
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    return { user, verb: r.verb ?? '', isResourceRequest: true, path: '', apiGroup: r.group ?? '', apiVersion: r.version ?? '', namespace: r.namespace ?? '', resource: r.resource ?? '', subresource: r.subresource ?? '', name: r.name ?? '' };
  }
  const n = spec.nonResourceAttributes ?? {};
  return { user, verb: n.verb ?? '', isResourceRequest: false, path: n.path ?? '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '' };
}

const userInfoJson = (u: UserInfo) => ({ username: u.username, ...(u.uid ? { uid: u.uid } : {}), groups: u.groups, ...(u.extra ? { extra: u.extra } : {}) });

/**
 * Answers a review. `resource` is the review's resource name; `authorize` is the server's
 * authorizer chain; `invalid` builds the 422 for a spec that names neither kind of attributes.
 */
export function review(resource: string, apiVersion: string, kind: string, namespace: string, body: any, user: UserInfo, authorize: (a: Attributes) => AuthzResult): Review | undefined {
  const meta = { creationTimestamp: null };
  switch (resource) {
    case 'selfsubjectreviews':
      return { status: 201, body: { kind, apiVersion, metadata: meta, status: { userInfo: userInfoJson(user) } } };
    case 'selfsubjectaccessreviews':
    case 'subjectaccessreviews':
    case 'localsubjectaccessreviews': {
      const spec = body?.spec ?? {};
      if (!spec.resourceAttributes && !spec.nonResourceAttributes) return undefined;
      const who: UserInfo = resource === 'selfsubjectaccessreviews' ? user : { username: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
      if (resource === 'localsubjectaccessreviews' && spec.resourceAttributes) spec.resourceAttributes.namespace = namespace;
      const d = authorize(attributesFrom(who, spec));
      const status = { allowed: d.decision === 'allow', ...(d.decision === 'deny' ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}) };
      return { status: 201, body: { kind, apiVersion, metadata: { ...meta, ...(namespace ? { namespace } : {}) }, spec, status } };
    }
    default:
      return undefined;
  }
}
