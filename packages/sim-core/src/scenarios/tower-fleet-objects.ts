/**
 * What etcd holds when the Tower Fleet story begins: the objects a k3s v1.33.5 cluster of three
 * nodes has after its first days — namespaces, the three Nodes, their Leases, the packaged
 * add-ons k3s installs (CoreDNS, local-path-provisioner, metrics-server, Traefik with its
 * ServiceLB DaemonSet, and the two completed helm-install Jobs), an nginx Deployment of 3 and the
 * seed's "api" pod on worker-2 (10.42.2.8, Example 3), the default RBAC roles the flows use.
 *
 * Chosen here where the seed is silent (assumptions, listed in docs/fidelity/scenarios.md):
 * 4 vCPU / 8 GiB per VM, Ubuntu 24.04.3 LTS, kernel 6.8.0-87-generic, containerd 2.1.4-k3s1, the
 * cluster installed three days before t=0, random suffixes and uids drawn from the seed.
 */
import { rfc3339, type KubeObject } from '../objects/meta';
import type { Rng } from '../kernel/rng';
import { microTime } from '../client/lease-renewer';
import { defaultDeployment, defaultPodSpec } from '../apiserver/defaults';
import { appliedByAddon } from './k3s-objectset';

export const K3S_VERSION = 'v1.33.5+k3s1';
export const EPOCH_MS = Date.UTC(2025, 10, 9, 12, 0, 0); // 2025-11-09T12:00:00Z, the seed's "Last Updated"
export const INSTALLED_MS = EPOCH_MS - 3 * 24 * 3600_000 - 2 * 3600_000 - 46 * 60_000; // 3d2h46m before t=0

export interface NodeSpec {
  name: string;
  ip: string;
  podCIDR: string;
  server: boolean;
  /** Seconds after install that the node joined. */
  joinedS: number;
}

export const TOWER_FLEET_NODES: NodeSpec[] = [
  { name: 'k3s-master', ip: '10.89.97.201', podCIDR: '10.42.0.0/24', server: true, joinedS: 0 },
  { name: 'k3s-worker-1', ip: '10.89.97.202', podCIDR: '10.42.1.0/24', server: false, joinedS: 412 },
  { name: 'k3s-worker-2', ip: '10.89.97.203', podCIDR: '10.42.2.0/24', server: false, joinedS: 498 },
];

const at = (msAfterInstall: number) => rfc3339(INSTALLED_MS + msAfterInstall);

function meta(rng: Rng, name: string, namespace: string | undefined, createdMs: number, extra: Record<string, unknown> = {}) {
  return { name, ...(namespace ? { namespace } : {}), uid: rng.uuid(), creationTimestamp: rfc3339(createdMs), ...extra };
}

function vtepMac(rng: Rng): string {
  const b = [0, 1, 2, 3, 4, 5].map(() => rng.int(0, 255));
  b[0] = (b[0]! & 0xfe) | 0x02; // locally administered unicast, as the kernel's random_ether_addr
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function nodeObject(rng: Rng, n: NodeSpec): KubeObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': 'k3s',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': 'k3s',
  };
  if (n.server) {
    labels['node-role.kubernetes.io/control-plane'] = 'true';
    labels['node-role.kubernetes.io/etcd'] = 'true';
    labels['node-role.kubernetes.io/master'] = 'true';
  }
  const created = INSTALLED_MS + n.joinedS * 1000;
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: rfc3339(EPOCH_MS - 31_000),
    lastTransitionTime: rfc3339(created + 11_000),
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...meta(rng, n.name, undefined, created),
      labels,
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': n.ip,
        'flannel.alpha.coreos.com/backend-data': JSON.stringify({ VNI: 1, VtepMAC: vtepMac(rng) }),
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': n.ip,
        'k3s.io/hostname': n.name,
        'k3s.io/internal-ip': n.ip,
        'k3s.io/node-args': JSON.stringify(n.server ? ['server', '--cluster-init'] : ['agent']),
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR], providerID: `k3s://${n.name}` },
    status: {
      capacity: { cpu: '4', 'ephemeral-storage': '81106868Ki', 'hugepages-2Mi': '0', memory: '8129880Ki', pods: '110' },
      allocatable: { cpu: '4', 'ephemeral-storage': '78900296738', 'hugepages-2Mi': '0', memory: '8129880Ki', pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: rng.uuid(),
        containerRuntimeVersion: 'containerd://2.1.4-k3s1',
        kernelVersion: '6.8.0-87-generic',
        kubeProxyVersion: K3S_VERSION,
        kubeletVersion: K3S_VERSION,
        machineID: rng.uuid().replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: 'Ubuntu 24.04.3 LTS',
        systemUUID: rng.uuid(),
      },
    },
  };
}

export function nodeLease(rng: Rng, n: NodeSpec, node: KubeObject): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...meta(rng, n.name, 'kube-node-lease', INSTALLED_MS + n.joinedS * 1000 + 2000),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: n.name, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: n.name, leaseDurationSeconds: 40, renewTime: microTime((EPOCH_MS - 7_400) * 1000 + 123_456) },
  };
}

export function leaderLease(rng: Rng, name: string, holder: string): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: meta(rng, name, 'kube-system', INSTALLED_MS + 9_000),
    spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: microTime((INSTALLED_MS + 9_000) * 1000), renewTime: microTime((EPOCH_MS - 1_200) * 1000), leaseTransitions: 0 },
  };
}

interface PodSpecIn {
  name: string;
  namespace: string;
  node: string;
  ip: string;
  hostIP: string;
  image: string;
  container: string;
  createdMs: number;
  labels: Record<string, string>;
  owner?: { kind: string; name: string; uid: string; apiVersion: string };
  completed?: boolean;
  restarts?: number;
  ports?: { containerPort: number; name?: string; protocol: string }[];
  requests?: Record<string, string>;
  serviceAccount?: string;
  priorityClassName?: string;
}

export function podObject(rng: Rng, p: PodSpecIn): KubeObject {
  const started = p.createdMs + 4_000;
  const t = (ms: number) => rfc3339(ms);
  const ready = !p.completed;
  const containerState = p.completed
    ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: t(started), finishedAt: t(started + 9_000), containerID: `containerd://${rng.uuid().replace(/-/g, '')}` } }
    : { running: { startedAt: t(started) } };
  const lastState = p.restarts ? { terminated: { exitCode: 1, reason: 'Error', startedAt: t(started - 30_000), finishedAt: t(started - 1_000), containerID: `containerd://${rng.uuid().replace(/-/g, '')}` } } : {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta(rng, p.name, p.namespace, p.createdMs),
      ...(p.owner ? { generateName: p.name.replace(/[a-z0-9]{5}$/, '') } : {}),
      labels: p.labels,
      ...(p.owner ? { ownerReferences: [{ ...p.owner, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      containers: [
        {
          name: p.container,
          image: p.image,
          imagePullPolicy: 'IfNotPresent',
          ...(p.ports ? { ports: p.ports } : {}),
          resources: p.requests ? { requests: p.requests } : {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [{ name: `kube-api-access-${rng.kubeString(5)}`, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName: p.node,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: p.priorityClassName ? 2000000000 : 0,
      ...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
      restartPolicy: p.completed ? 'OnFailure' : 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: p.serviceAccount ?? 'default',
      serviceAccountName: p.serviceAccount ?? 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
    },
    status: {
      phase: p.completed ? 'Succeeded' : 'Running',
      conditions: [
        { type: 'PodReadyToStartContainers', status: p.completed ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: t(started) },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t(p.createdMs + 1_000), ...(p.completed ? { reason: 'PodCompleted' } : {}) },
        { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t(started + 1_000), ...(p.completed ? { reason: 'PodCompleted' } : {}) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: t(started + 1_000), ...(p.completed ? { reason: 'PodCompleted' } : {}) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t(p.createdMs) },
      ],
      containerStatuses: [
        {
          name: p.container,
          image: p.image.includes('/') ? p.image : `docker.io/library/${p.image}`,
          imageID: `docker.io/library/${p.container}@sha256:${rng.uuid().replace(/-/g, '')}${rng.uuid().replace(/-/g, '')}`,
          containerID: `containerd://${rng.uuid().replace(/-/g, '')}${rng.uuid().replace(/-/g, '')}`,
          ready,
          restartCount: p.restarts ?? 0,
          started: ready,
          state: containerState,
          lastState,
        },
      ],
      hostIP: p.hostIP,
      hostIPs: [{ ip: p.hostIP }],
      podIP: p.ip,
      podIPs: [{ ip: p.ip }],
      qosClass: p.requests ? 'Burstable' : 'BestEffort',
      startTime: t(p.createdMs + 1_000),
    },
  };
}

export function namespaceObject(rng: Rng, name: string, createdMs: number): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { ...meta(rng, name, undefined, createdMs), labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

/** Default RBAC the flows exercise: upstream's bootstrap policy, the parts the lab uses so far. */
export function rbacObjects(rng: Rng): KubeObject[] {
  const created = INSTALLED_MS + 1_500;
  const role = (name: string, rules: unknown[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { ...meta(rng, name, undefined, created), annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    rules,
  });
  const binding = (name: string, roleName: string, subjects: unknown[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { ...meta(rng, name, undefined, created), annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects,
  });
  const readVerbs = ['get', 'list', 'watch'];
  const events = { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'update', 'patch'] };
  const viewRules = [
    { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'], verbs: readVerbs },
    { apiGroups: [''], resources: ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'], verbs: readVerbs },
    { apiGroups: [''], resources: ['namespaces'], verbs: readVerbs },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: readVerbs },
    { apiGroups: ['apps'], resources: ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status'], verbs: readVerbs },
  ];
  const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
  const editRules = [
    { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: readVerbs },
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
    { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: write },
    { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
    { apiGroups: [''], resources: ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'], verbs: write },
    { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], verbs: write },
  ];
  return [
    role('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    role('view', viewRules),
    role('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
    role('system:discovery', [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
    role('system:basic-user', [
      { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
    ]),
    // bootstrappolicy/policy.go: edit and admin are aggregated from aggregate-to-{view,edit,admin};
    // stored here as the aggregation leaves them, for the groups the lab serves (batch, autoscaling,
    // policy, networking and storage rules are left out with those groups).
    role('edit', [...editRules, ...viewRules]),
    role('admin', [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
      ...editRules,
      ...viewRules,
    ]),
    role('system:kube-scheduler', [
      events,
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resourceNames: ['kube-scheduler'], resources: ['leases'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['bindings', 'pods/binding'], verbs: ['create'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['replicationcontrollers', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps', 'extensions'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'], verbs: ['get', 'list', 'watch'] },
    ]),
    // plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: the manager's own identity lists and
    // watches everything and mints its controllers' tokens; the controllers write as their own
    // ServiceAccounts (k3s runs it with --use-service-account-credentials).
    role('system:kube-controller-manager', [
      events,
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resourceNames: ['kube-controller-manager'], resources: ['leases'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['configmaps', 'namespaces', 'secrets', 'serviceaccounts'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets', 'serviceaccounts'], verbs: ['update'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    ]),
    // bootstrappolicy/controller_policy.go
    role('system:controller:deployment-controller', [
      { apiGroups: ['extensions', 'apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'update'] },
      { apiGroups: ['extensions', 'apps'], resources: ['deployments/status'], verbs: ['update'] },
      { apiGroups: ['extensions', 'apps'], resources: ['deployments/finalizers'], verbs: ['update'] },
      { apiGroups: ['extensions', 'apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'update'] },
      events,
    ]),
    role('system:controller:replicaset-controller', [
      { apiGroups: ['apps', 'extensions'], resources: ['replicasets'], verbs: ['get', 'list', 'watch', 'update'] },
      { apiGroups: ['apps', 'extensions'], resources: ['replicasets/status'], verbs: ['update'] },
      { apiGroups: ['apps', 'extensions'], resources: ['replicasets/finalizers'], verbs: ['update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'patch', 'create', 'delete'] },
      events,
    ]),
    role('system:controller:generic-garbage-collector', [{ apiGroups: ['*'], resources: ['*'], verbs: ['delete', 'get', 'list', 'patch', 'update', 'watch'] }, events]),
    role('system:controller:node-controller', [
      { apiGroups: [''], resources: ['nodes'], verbs: ['delete', 'get', 'list', 'patch', 'update'] },
      { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['pods/status'], verbs: ['patch', 'update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'list'] },
      events,
    ]),
    role('system:controller:taint-eviction-controller', [
      { apiGroups: [''], resources: ['pods/status'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'list'] },
      events,
    ]),
    role('system:controller:service-account-controller', [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['create'] }, events]),
    role('system:controller:endpointslice-controller', [
      { apiGroups: [''], resources: ['nodes', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['services/finalizers'], verbs: ['update'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['create', 'delete', 'get', 'list', 'update'] },
      events,
    ]),
    role('system:controller:endpoint-controller', [
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['endpoints'], verbs: ['create', 'delete', 'get', 'list', 'update'] },
      { apiGroups: [''], resources: ['endpoints/restricted'], verbs: ['create'] },
      events,
    ]),
    binding('cluster-admin', 'cluster-admin', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]),
    binding('system:public-info-viewer', 'system:public-info-viewer', [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' },
    ]),
    binding('system:discovery', 'system:discovery', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]),
    binding('system:basic-user', 'system:basic-user', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]),
    binding('system:kube-scheduler', 'system:kube-scheduler', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-scheduler' }]),
    binding('system:kube-controller-manager', 'system:kube-controller-manager', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-controller-manager' }]),
    binding('system:controller:deployment-controller', 'system:controller:deployment-controller', [{ kind: 'ServiceAccount', name: 'deployment-controller', namespace: 'kube-system' }]),
    binding('system:controller:replicaset-controller', 'system:controller:replicaset-controller', [{ kind: 'ServiceAccount', name: 'replicaset-controller', namespace: 'kube-system' }]),
    ...['generic-garbage-collector', 'node-controller', 'taint-eviction-controller', 'endpointslice-controller', 'endpoint-controller', 'service-account-controller'].map((c) => binding(`system:controller:${c}`, `system:controller:${c}`, [{ kind: 'ServiceAccount', name: c, namespace: 'kube-system' }])),
  ];
}

/**
 * system:controller:namespace-controller and its binding (bootstrappolicy/controller_policy.go):
 * namespaces get/list/watch/delete, namespaces/finalize and namespaces/status update, and
 * get/list/delete/deletecollection of everything. Kept apart from rbacObjects so the objects
 * written before it keep their uids.
 */
export function namespaceControllerRbac(rng: Rng): KubeObject[] {
  const created = INSTALLED_MS + 1_500;
  const metadata = (name: string) => ({ ...meta(rng, name, undefined, created), annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } });
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata('system:controller:namespace-controller'),
      rules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['delete', 'get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['namespaces/finalize', 'namespaces/status'], verbs: ['update'] },
        { apiGroups: ['*'], resources: ['*'], verbs: ['delete', 'deletecollection', 'get', 'list'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata('system:controller:namespace-controller'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:controller:namespace-controller' },
      subjects: [{ kind: 'ServiceAccount', name: 'namespace-controller', namespace: 'kube-system' }],
    },
  ];
}

/**
 * Storage at install: k3s's default StorageClass `local-path` as its packaged manifest
 * manifests/local-storage.yaml declares it (provisioner rancher.io/local-path, reclaimPolicy
 * Delete, volumeBindingMode WaitForFirstConsumer, annotations defaultVolumeType "local" and
 * storageclass.kubernetes.io/is-default-class "true"), written by the deploy controller with the
 * objectset annotations (k3s-objectset.ts); the bootstrap roles of the PV controller and the
 * resource quota controller and the PVC/PV protection controllers with their bindings and
 * ServiceAccounts, and system:volume-scheduler
 * bound to the scheduler (bootstrappolicy/controller_policy.go and policy.go, verbs and resources
 * sorted as rbacv1helpers.NewRule stores them). Kept apart so the objects before keep their uids.
 */
export function storageBootstrapObjects(rng: Rng): KubeObject[] {
  const created = INSTALLED_MS + 1_500;
  const metadata = (name: string) => ({ ...meta(rng, name, undefined, created), annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } });
  const events = { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] };
  const role = (name: string, rules: unknown[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: metadata(name), rules });
  const binding = (name: string, subjects: unknown[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: metadata(name), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects });
  const sa = (name: string) => [{ kind: 'ServiceAccount', name, namespace: 'kube-system' }];
  const localPath = appliedByAddon(
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'local-path', annotations: { defaultVolumeType: 'local', 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    } as KubeObject,
    'local-storage',
  );
  localPath.metadata = { ...localPath.metadata, uid: rng.uuid(), creationTimestamp: rfc3339(INSTALLED_MS + 8_000) };
  return [
    role('system:controller:persistent-volume-binder', [
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumes/status'], verbs: ['update'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'update', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims/status'], verbs: ['update'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      events,
      { apiGroups: [''], resources: ['events'], verbs: ['watch'] },
      { apiGroups: [''], resources: ['services'], verbs: ['get'] },
    ]),
    role('system:controller:resourcequota-controller', [{ apiGroups: ['*'], resources: ['*'], verbs: ['list', 'watch'] }, { apiGroups: [''], resources: ['resourcequotas/status'], verbs: ['update'] }, events]),
    // Upstream grants update only; the lab's protection controllers remove their finalizer with a
    // merge patch (a PUT here does not delete an object it leaves without finalizers), hence patch.
    role('system:controller:pv-protection-controller', [{ apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'patch', 'update', 'watch'] }, events]),
    role('system:controller:pvc-protection-controller', [
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      events,
    ]),
    role('system:volume-scheduler', [
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
    ]),
    binding('system:controller:persistent-volume-binder', sa('persistent-volume-binder')),
    binding('system:controller:resourcequota-controller', sa('resourcequota-controller')),
    binding('system:controller:pv-protection-controller', sa('pv-protection-controller')),
    binding('system:controller:pvc-protection-controller', sa('pvc-protection-controller')),
    binding('system:volume-scheduler', [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-scheduler' }]),
    serviceAccountObject(rng, 'kube-system', 'persistent-volume-binder', INSTALLED_MS + 2_500),
    serviceAccountObject(rng, 'kube-system', 'resourcequota-controller', INSTALLED_MS + 2_500),
    serviceAccountObject(rng, 'kube-system', 'pv-protection-controller', INSTALLED_MS + 2_500),
    serviceAccountObject(rng, 'kube-system', 'pvc-protection-controller', INSTALLED_MS + 2_500),
    localPath,
  ];
}

export function serviceObject(rng: Rng, name: string, namespace: string, clusterIP: string, ports: { name?: string; port: number; targetPort: number | string; protocol: string }[], selector: Record<string, string> | undefined, createdMs: number, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...meta(rng, name, namespace, createdMs), labels },
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports,
      ...(selector ? { selector } : {}),
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

export { at as afterInstall };

/** A Deployment's pod template as kube-apiserver stores it (defaulted), for the bootstrap workloads. */
export interface WorkloadIn {
  name: string;
  namespace: string;
  /** Selector and template labels (without pod-template-hash). */
  labels: Record<string, string>;
  container: string;
  image: string;
  ports?: { containerPort: number; name?: string; protocol: string }[];
  requests?: Record<string, string>;
  serviceAccount?: string;
  priorityClassName?: string;
  replicas: number;
  createdMs: number;
}

export function workloadTemplate(w: WorkloadIn): any {
  const spec: any = {
    containers: [{ name: w.container, image: w.image, ...(w.ports ? { ports: w.ports } : {}), resources: w.requests ? { requests: w.requests } : {} }],
    ...(w.serviceAccount ? { serviceAccountName: w.serviceAccount, serviceAccount: w.serviceAccount } : {}),
    ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}),
  };
  defaultPodSpec(spec);
  return { metadata: { creationTimestamp: null, labels: { ...w.labels } }, spec };
}

/** The Deployment and its (only, revision 1) ReplicaSet, fully rolled out: what the pods' ownerReferences point at. */
export function deploymentAndReplicaSet(rng: Rng, w: WorkloadIn, hash: string, rsUid: string): [KubeObject, KubeObject] {
  const template = workloadTemplate(w);
  const d: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...meta(rng, w.name, w.namespace, w.createdMs), generation: 1, labels: { ...w.labels }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: { replicas: w.replicas, selector: { matchLabels: { ...w.labels } }, template },
    status: {},
  };
  defaultDeployment(d);
  const rsName = `${w.name}-${hash}`;
  const rsLabels = { ...w.labels, 'pod-template-hash': hash };
  const rsTemplate = structuredClone(template);
  rsTemplate.metadata.labels = rsLabels;
  const ready = rfc3339(w.createdMs + 6_000);
  d.status = {
    observedGeneration: 1,
    replicas: w.replicas,
    updatedReplicas: w.replicas,
    readyReplicas: w.replicas,
    availableReplicas: w.replicas,
    conditions: [
      { type: 'Available', status: 'True', lastUpdateTime: ready, lastTransitionTime: ready, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', lastUpdateTime: ready, lastTransitionTime: rfc3339(w.createdMs), reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` },
    ],
  };
  const maxSurge = Math.ceil((25 * w.replicas) / 100);
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: rsName,
      namespace: w.namespace,
      uid: rsUid,
      creationTimestamp: rfc3339(w.createdMs),
      generation: 1,
      labels: rsLabels,
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(w.replicas), 'deployment.kubernetes.io/max-replicas': String(w.replicas + maxSurge), 'deployment.kubernetes.io/revision': '1' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: w.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: w.replicas, selector: { matchLabels: rsLabels }, template: rsTemplate },
    status: { replicas: w.replicas, fullyLabeledReplicas: w.replicas, readyReplicas: w.replicas, availableReplicas: w.replicas, observedGeneration: 1 },
  };
  return [d, rs];
}

/** A ServiceAccount as the ServiceAccount controller (or an add-on's manifest) created it. */
export function serviceAccountObject(rng: Rng, namespace: string, name: string, createdMs: number): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(rng, name, namespace, createdMs) };
}

/** A DaemonSet as the DaemonSet controller leaves it with one ready pod per node (status as `kubectl get ds` reads it). */
export function daemonSetObject(d: { name: string; uid: string; namespace: string; createdMs: number; labels: Record<string, string>; image: string; container: string; nodes: number }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: d.name, namespace: d.namespace, uid: d.uid, creationTimestamp: rfc3339(d.createdMs), generation: 1, labels: { 'objectset.rio.cattle.io/hash': 'svclb', ...d.labels }, annotations: { 'deprecated.daemonset.template.generation': '1' } },
    spec: {
      selector: { matchLabels: { app: d.labels['app']! } },
      template: {
        metadata: { labels: { ...d.labels } },
        spec: {
          containers: [{ name: d.container, image: d.image, ports: [{ containerPort: 80, hostPort: 80, name: d.container, protocol: 'TCP' }], resources: {}, securityContext: { capabilities: { add: ['NET_ADMIN'] } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          serviceAccount: 'svclb',
          serviceAccountName: 'svclb',
          terminationGracePeriodSeconds: 30,
          tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }, { key: 'CriticalAddonsOnly', operator: 'Exists' }],
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
    },
    status: { currentNumberScheduled: d.nodes, desiredNumberScheduled: d.nodes, numberAvailable: d.nodes, numberMisscheduled: 0, numberReady: d.nodes, observedGeneration: 1, updatedNumberScheduled: d.nodes },
  };
}
