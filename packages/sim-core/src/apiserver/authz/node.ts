/**
 * The Node authorizer's rule for node Leases: a kubelet (user "system:node:<name>" in group
 * "system:nodes") may get, create, update, patch and delete the Lease named after its own node in
 * kube-node-lease; everything else about nodes goes on to RBAC here.
 *
 * Upstream: plugin/pkg/auth/authorizer/node/node_authorizer.go (authorizeLease).
 * Leaves out: the graph of pods/secrets/configmaps a node may read (the control-plane issue adds it).
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
    if (a.name !== nodeName) return { decision: 'no-opinion', authorizer: 'Node', reason: `can only access node lease with the same name as the requesting node` };
    return { decision: 'allow', authorizer: 'Node', reason: `Node: node "${nodeName}" may ${a.verb} its own lease` };
  }
  return { decision: 'no-opinion', authorizer: 'Node', reason: '' };
}
