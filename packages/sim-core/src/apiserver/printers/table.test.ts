import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { hasPrinter, toTable } from './table';

// The column definitions of kubernetes v1.33.3 pkg/printers/internalversion/printers.go AddHandlers,
// as [name, type, priority] (Format is "name" on the Name column only).
const upstreamColumns: Record<string, [string, string, number][]> = {
  Pod: [['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
  Node: [['Name', 'string', 0], ['Status', 'string', 0], ['Roles', 'string', 0], ['Age', 'string', 0], ['Version', 'string', 0], ['Internal-IP', 'string', 1], ['External-IP', 'string', 1], ['OS-Image', 'string', 1], ['Kernel-Version', 'string', 1], ['Container-Runtime', 'string', 1]],
  Namespace: [['Name', 'string', 0], ['Status', 'string', 0], ['Age', 'string', 0]],
  Deployment: [['Name', 'string', 0], ['Ready', 'string', 0], ['Up-to-date', 'string', 0], ['Available', 'string', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
  ReplicaSet: [['Name', 'string', 0], ['Desired', 'integer', 0], ['Current', 'integer', 0], ['Ready', 'integer', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
  DaemonSet: [['Name', 'string', 0], ['Desired', 'integer', 0], ['Current', 'integer', 0], ['Ready', 'integer', 0], ['Up-to-date', 'integer', 0], ['Available', 'integer', 0], ['Node Selector', 'string', 0], ['Age', 'string', 0], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
  Service: [['Name', 'string', 0], ['Type', 'string', 0], ['Cluster-IP', 'string', 0], ['External-IP', 'string', 0], ['Port(s)', 'string', 0], ['Age', 'string', 0], ['Selector', 'string', 1]],
  Endpoints: [['Name', 'string', 0], ['Endpoints', 'string', 0], ['Age', 'string', 0]],
  EndpointSlice: [['Name', 'string', 0], ['AddressType', 'string', 0], ['Ports', 'string', 0], ['Endpoints', 'string', 0], ['Age', 'string', 0]],
  Event: [['Last Seen', 'string', 0], ['Type', 'string', 0], ['Reason', 'string', 0], ['Object', 'string', 0], ['Subobject', 'string', 1], ['Source', 'string', 1], ['Message', 'string', 0], ['First Seen', 'string', 1], ['Count', 'string', 1], ['Name', 'string', 1]],
  ServiceAccount: [['Name', 'string', 0], ['Secrets', 'string', 0], ['Age', 'string', 0]],
  Secret: [['Name', 'string', 0], ['Type', 'string', 0], ['Data', 'string', 0], ['Age', 'string', 0]],
  ConfigMap: [['Name', 'string', 0], ['Data', 'string', 0], ['Age', 'string', 0]],
  Lease: [['Name', 'string', 0], ['Holder', 'string', 0], ['Age', 'string', 0]],
  RoleBinding: [['Name', 'string', 0], ['Role', 'string', 0], ['Age', 'string', 0], ['Users', 'string', 1], ['Groups', 'string', 1], ['ServiceAccounts', 'string', 1]],
  ClusterRoleBinding: [['Name', 'string', 0], ['Role', 'string', 0], ['Age', 'string', 0], ['Users', 'string', 1], ['Groups', 'string', 1], ['ServiceAccounts', 'string', 1]],
};

const now = Date.parse('2025-11-09T12:00:00Z');
const bare = (kind: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default', creationTimestamp: '2025-11-09T11:00:00Z' } });

describe('toTable registry', () => {
  it.each(Object.entries(upstreamColumns))('%s: upstream column definitions; every cell filled (server prints wide)', (kind, cols) => {
    expect(hasPrinter(kind)).toBe(true);
    const t = toTable(kind, [bare(kind)], '42', now);
    expect(t.columnDefinitions.map((c) => [c.name, c.type, c.priority])).toEqual(cols);
    for (const c of t.columnDefinitions) {
      expect(c.format).toBe(c.name === 'Name' ? 'name' : '');
      expect(c.description.length).toBeGreaterThan(0);
    }
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]?.cells).toHaveLength(cols.length);
    expect(t.rows[0]?.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: bare(kind).metadata });
  });

  it('descriptions are the v1.33 SwaggerDoc strings', () => {
    const desc = (kind: string, col: string) => toTable(kind, [], '1', now).columnDefinitions.find((c) => c.name === col)?.description;
    expect(desc('Deployment', 'Ready')).toBe('Number of the pod with ready state');
    expect(desc('Service', 'Port(s)')).toMatch(/^The list of ports that are exposed by this service\. More info: https:\/\/kubernetes/);
    expect(desc('Pod', 'Nominated Node')).toMatch(/^nominatedNodeName is set only when this pod preempts other pods on the node/);
    expect(desc('Lease', 'Holder')).toMatch(/^holderIdentity contains the identity of the holder of a current lease\./);
    expect(desc('Event', 'Subobject')).toMatch(/^If referring to a piece of an object instead of an entire object/);
    expect(desc('ClusterRoleBinding', 'Users')).toBe('Users in the clusterRoleBinding');
  });

  it('Role and ClusterRole have no printer upstream: the default Name / Created At table', () => {
    for (const kind of ['Role', 'ClusterRole']) {
      expect(hasPrinter(kind)).toBe(false);
      const t = toTable(kind, [bare(kind)], '7', now);
      expect(t.columnDefinitions.map((c) => [c.name, c.type, c.format])).toEqual([['Name', 'string', 'name'], ['Created At', 'date', '']]);
      expect(t.rows[0]?.cells).toEqual(['x', '2025-11-09T11:00:00Z']);
    }
  });

  it('integer columns carry numbers, string columns strings', () => {
    const rs: KubeObject = { ...bare('ReplicaSet'), spec: { replicas: 3 }, status: { replicas: 3, readyReplicas: 2 } };
    expect(toTable('ReplicaSet', [rs], '1', now).rows[0]?.cells.slice(0, 5)).toEqual(['x', 3, 3, 2, '60m']);
  });
});
