/**
 * The Node authorizer, for kubelets (user "system:node:<name>" in group "system:nodes"):
 * its own node Lease in kube-node-lease (authorizeLease); with AuthorizeNodeWithSelectors (beta,
 * on by default since v1.32) pods — list/watch only with the fieldSelector spec.nodeName=<node>,
 * create/delete (mirror pods), status update/patch, eviction — and nodes — its own Node object,
 * create/update/patch and status (NodeRestriction narrows them); events through the static node
 * rules. Reasons in upstream's words.
 *
 * Upstream (v1.33): plugin/pkg/auth/authorizer/node/node_authorizer.go (Authorize, authorizeLease,
 * authorizePod, authorizeNode), plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go NodeRules.
 * Leaves out: the graph (secrets, configmaps, PVCs, service-account tokens and single pod gets a
 * node may read through its pods: `get` of a pod is allowed here without the graph check), the
 * NodeRestriction admission plugin.
 */
import type { Attributes, AuthzResult } from './attributes';

const NODE_PREFIX = 'system:node:';

export function authorizeNode(a: Attributes): AuthzResult {
  const isNode = a.user.username.startsWith(NODE_PREFIX) && a.user.groups.includes('system:nodes');
  if (!isNode) return { decision: 'no-opinion', authorizer: 'Node', reason: '' };
  const nodeName = a.user.username.slice(NODE_PREFIX.length);
  if (a.isResourceRequest && a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return { decision: 'no-opinion', authorizer: 'Node', reason: `can only get, create, update, patch, or delete a node lease` };
    if (a.namespace !== 'kube-node-lease') return { decision: 'no-opinion', authorizer: 'Node', reason: `can only access leases in the kube-node-lease namespace` };
    // No name on a create (the authorizer cannot see it): NodeRestriction admission checks it then.
    if (a.verb !== 'create' && a.name !== nodeName) return { decision: 'no-opinion', authorizer: 'Node', reason: `can only access node lease with the same name as the requesting node` };
    return { decision: 'allow', authorizer: 'Node', reason: `Node: node "${nodeName}" may ${a.verb} its own lease` };
  }
  const allow = (what: string): AuthzResult => ({ decision: 'allow', authorizer: 'Node', reason: `Node: node "${nodeName}" may ${a.verb} ${what}` });
  const deny = (reason: string): AuthzResult => ({ decision: 'no-opinion', authorizer: 'Node', reason });
  if (a.isResourceRequest && a.apiGroup === '' && a.resource === 'pods') {
    if (a.subresource === '') {
      if (a.verb === 'get') return allow(`pod ${a.namespace}/${a.name}`);
      if (a.verb === 'list' || a.verb === 'watch') {
        if ((a.fieldSelector ?? []).some((r) => r.field === 'spec.nodeName' && r.op === 'eq' && r.value === nodeName)) return allow(`pods with spec.nodeName=${nodeName}`);
        if (a.name) return allow(`pod ${a.namespace}/${a.name}`);
        return deny('can only list/watch pods with spec.nodeName field selector');
      }
      if (a.verb === 'create' || a.verb === 'delete') return allow('mirror pods');
    } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return allow(`the status of pod ${a.namespace}/${a.name}`);
    else if (a.subresource === 'eviction' && a.verb === 'create') return allow('evictions');
    return deny('');
  }
  if (a.isResourceRequest && a.apiGroup === '' && a.resource === 'nodes') {
    if (a.subresource === '') {
      if (['create', 'update', 'patch'].includes(a.verb)) return allow('its Node object');
      if (['get', 'list', 'watch'].includes(a.verb)) {
        if (a.name === nodeName) return allow('its own Node object');
        if (a.name === '') return deny(`node '${nodeName}' cannot read all nodes, only its own Node object`);
        return deny(`node '${nodeName}' cannot read '${a.name}', only its own Node object`);
      }
    } else if (a.subresource === 'status' && (a.verb === 'update' || a.verb === 'patch')) return allow('its Node status');
    return deny('');
  }
  // NodeRules (the static part): events.
  if (a.isResourceRequest && (a.apiGroup === '' || a.apiGroup === 'events.k8s.io') && a.resource === 'events' && ['create', 'update', 'patch'].includes(a.verb)) return allow('events');
  return deny('');
}
