/**
 * Tower Fleet, the seed's cluster ("Our Cluster Layout"): k3s-master 10.89.97.201 runs the
 * control plane — kube-apiserver on 6443, embedded etcd on 2379/2380 (one member, started with
 * --cluster-init), kube-scheduler, kube-controller-manager — and, like both workers
 * (k3s-worker-1 10.89.97.202, k3s-worker-2 10.89.97.203), kubelet on 10250, kube-proxy and
 * containerd. Pods get 10.42.0.0/16 split into a /24 per node; services 10.43.0.0/16. The
 * learner's laptop (10.89.97.10, an address the seed does not give) runs kubectl with the k3s
 * admin kubeconfig. Nodes share one LAN: <1 ms between them, as the seed says.
 */
import { makeKubeApiserver, encodeForStorage } from '../apiserver/kube-apiserver';
import type { Certificate } from '../apiserver/authn/x509';
import { objectKey, resourceForKind } from '../apiserver/storage/keys';
import { k3sKubeconfig } from '../client/kubeconfig';
import { makeKubectl } from '../client/kubectl';
import { etcdServer, walKey } from '../etcd/etcd-server';
import { KV_PUT, type EtcdRequest } from '../etcd/rpc';
import { Kernel } from '../kernel/kernel';
import { seconds } from '../kernel/time';
import { makeIdleAgent } from '../node/placeholder-agent';
import { makeKubeControllerManager } from '../controllers/kube-controller-manager';
import { makeKubeScheduler } from '../controllers/kube-scheduler';
import { DEFAULT_CONTAINERD, makeContainerd, normalizeImage, startupLog } from '../node/containerd';
import { makeKubelet } from '../node/kubelet-pods';
import { parseRfc3339, rfc3339, type KubeObject } from '../objects/meta';
import { registerScenario, type BuiltScenario, type Topology } from './scenario';
import { EPOCH_MS, INSTALLED_MS, K3S_VERSION, TOWER_FLEET_NODES, daemonSetObject, deploymentAndReplicaSet, leaderLease, serviceAccountObject, namespaceObject, nodeLease, nodeObject, podObject, namespaceControllerRbac, rbacObjects, serviceObject, storageBootstrapObjects, workloadTemplate, type WorkloadIn } from './tower-fleet-objects';
import { computeHash } from '../controllers/hash';
import { makeK3sAgent } from '../k3s/agent';
import type { SupervisorConfig } from '../k3s/supervisor';
import type { MachineInfo } from '../node/register-node';
import { CLIENT_CA_PEM, NODE_PASSWORDS, SERVER_CA_PEM, SERVER_TOKEN_PASSWORD } from './tower-fleet-pki';
import { nodePasswordSecret } from '../k3s/node-password';

/** The controllers kube-controller-manager runs here, each writing as kube-system/<name>. */
export const CONTROLLER_SERVICE_ACCOUNTS = ['deployment-controller', 'replicaset-controller', 'generic-garbage-collector', 'node-controller', 'taint-eviction-controller', 'endpointslice-controller', 'endpoint-controller', 'service-account-controller'];

export const LAPTOP = { name: 'laptop', ip: '10.89.97.10' };
const CA_TS = Math.floor(INSTALLED_MS / 1000);
export const CLIENT_CA = `k3s-client-ca@${CA_TS}`;
export const SERVER_CA = `k3s-server-ca@${CA_TS}`;

function clientCert(cn: string, o: string[], serial: string): Certificate {
  return { subject: { CN: cn, O: o }, issuer: { CN: CLIENT_CA }, serial, notBefore: rfc3339(INSTALLED_MS - 60_000), notAfter: rfc3339(INSTALLED_MS + 365 * 24 * 3600_000), extKeyUsage: ['clientAuth'] };
}

export const ADMIN_CERT = clientCert('system:admin', ['system:masters'], '4a1f9c2e7d3b5a60');

export const SERVING_CERT: Certificate = {
  subject: { CN: 'k3s', O: ['k3s'] },
  issuer: { CN: SERVER_CA },
  serial: '2c5e8b1d9f0a4736',
  notBefore: rfc3339(INSTALLED_MS - 60_000),
  notAfter: rfc3339(INSTALLED_MS + 365 * 24 * 3600_000),
  extKeyUsage: ['serverAuth'],
  dnsNames: ['k3s-master', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost'],
  ipAddresses: ['10.43.0.1', '10.89.97.201', '127.0.0.1', '::1'],
};

export const KUBECONFIG_PATH = '~/.kube/config';

function bootstrapObjects(k: Kernel, opts: { workloads: boolean }): KubeObject[] {
  const rng = k.rng.stream('scenario:tower-fleet');
  const objs: KubeObject[] = [];
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) objs.push(namespaceObject(rng, ns, INSTALLED_MS + 1_000));
  objs.push(...rbacObjects(rng));
  // ServiceAccounts: `default` in every namespace, the controllers' own (kube-controller-manager
  // --use-service-account-credentials), the add-ons'.
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) objs.push(serviceAccountObject(rng, ns, 'default', INSTALLED_MS + 1_600));
  for (const sa of CONTROLLER_SERVICE_ACCOUNTS) objs.push(serviceAccountObject(rng, 'kube-system', sa, INSTALLED_MS + 2_500));
  for (const sa of ['coredns', 'local-path-provisioner-service-account', 'metrics-server', 'traefik', 'helm-traefik', 'helm-traefik-crd']) objs.push(serviceAccountObject(rng, 'kube-system', sa, INSTALLED_MS + 8_000));
  const nodes = TOWER_FLEET_NODES.map((n) => nodeObject(rng, n));
  objs.push(...nodes);
  TOWER_FLEET_NODES.forEach((n, i) => objs.push(nodeLease(rng, n, nodes[i]!)));
  objs.push(leaderLease(rng, 'kube-scheduler', `k3s-master_${rng.uuid()}`));
  objs.push(leaderLease(rng, 'kube-controller-manager', `k3s-master_${rng.uuid()}`));
  objs.push(serviceObject(rng, 'kubernetes', 'default', '10.43.0.1', [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }], undefined, INSTALLED_MS + 2_000, { component: 'apiserver', provider: 'kubernetes' }));
  objs.push(serviceObject(rng, 'kube-dns', 'kube-system', '10.43.0.10', [{ name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' }], { 'k8s-app': 'kube-dns' }, INSTALLED_MS + 8_000, { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' }));

  // Pods: the k3s packaged add-ons, then the learner's workloads. Deployment-owned pods come with
  // their Deployment and ReplicaSet, the ReplicaSet named by the pod-template-hash of the template.
  const [master, w1, w2] = TOWER_FLEET_NODES as [typeof TOWER_FLEET_NODES[0], typeof TOWER_FLEET_NODES[0], typeof TOWER_FLEET_NODES[0]];
  const owner = (kind: string, name: string) => ({ apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, name, uid: rng.uuid() });
  const pod = (base: string, suffix: string) => `${base}-${suffix}`;
  const sys = INSTALLED_MS + 9_000;
  const nginxCreated = EPOCH_MS - 2 * 24 * 3600_000 - 5 * 3600_000;
  const apiCreated = EPOCH_MS - 26 * 3600_000 - 12 * 60_000;
  const workloads: WorkloadIn[] = [
    { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, container: 'coredns', image: 'rancher/mirrored-coredns-coredns:1.12.3', ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }], requests: { cpu: '100m', memory: '70Mi' }, serviceAccount: 'coredns', priorityClassName: 'system-cluster-critical', replicas: 1, createdMs: sys },
    { name: 'local-path-provisioner', namespace: 'kube-system', labels: { app: 'local-path-provisioner' }, container: 'local-path-provisioner', image: 'rancher/local-path-provisioner:v0.0.31', serviceAccount: 'local-path-provisioner-service-account', priorityClassName: 'system-node-critical', replicas: 1, createdMs: sys },
    { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' }, container: 'metrics-server', image: 'rancher/mirrored-metrics-server:v0.8.0', requests: { cpu: '100m', memory: '70Mi' }, serviceAccount: 'metrics-server', priorityClassName: 'system-node-critical', replicas: 1, createdMs: sys },
    { name: 'traefik', namespace: 'kube-system', labels: { 'app.kubernetes.io/instance': 'traefik-kube-system', 'app.kubernetes.io/name': 'traefik' }, container: 'traefik', image: 'rancher/mirrored-library-traefik:3.3.6', ports: [{ containerPort: 8000, name: 'web', protocol: 'TCP' }, { containerPort: 8443, name: 'websecure', protocol: 'TCP' }], serviceAccount: 'traefik', priorityClassName: 'system-cluster-critical', replicas: 1, createdMs: sys + 41_000 },
    ...(opts.workloads
      ? [
          { name: 'nginx', namespace: 'default', labels: { app: 'nginx' }, container: 'nginx', image: 'nginx', replicas: 3, createdMs: nginxCreated },
          { name: 'api', namespace: 'default', labels: { app: 'api' }, container: 'api', image: 'hashicorp/http-echo:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }], replicas: 1, createdMs: apiCreated },
        ]
      : []),
  ];
  const rsOf: Record<string, { name: string; hash: string; owner: ReturnType<typeof owner> }> = {};
  for (const w of workloads) {
    const hash = computeHash(workloadTemplate(w));
    const o = owner('ReplicaSet', `${w.name}-${hash}`);
    rsOf[w.name] = { name: o.name, hash, owner: o };
    objs.push(...deploymentAndReplicaSet(rng, w, hash, o.uid));
  }
  const fromWorkload = (name: string, node: typeof master, ip: string) => {
    const w = workloads.find((x) => x.name === name)!;
    const r = rsOf[name]!;
    return { name: pod(r.name, rng.kubeString(5)), namespace: w.namespace, node, ip, image: w.image, container: w.container, createdMs: w.createdMs, labels: { ...w.labels, 'pod-template-hash': r.hash }, owner: r.owner, ...(w.ports ? { ports: w.ports } : {}), ...(w.requests ? { requests: w.requests } : {}), ...(w.serviceAccount ? { serviceAccount: w.serviceAccount } : {}), ...(w.priorityClassName ? { priorityClassName: w.priorityClassName } : {}) };
  };
  const svclbHash = rng.kubeString(8);
  const specs = [
    fromWorkload('coredns', master, '10.42.0.2'),
    fromWorkload('local-path-provisioner', master, '10.42.0.3'),
    fromWorkload('metrics-server', master, '10.42.0.4'),
    { name: pod('helm-install-traefik-crd', rng.kubeString(5)), namespace: 'kube-system', node: master, ip: '10.42.0.5', image: 'rancher/klipper-helm:v0.9.8-build20250709', container: 'helm', createdMs: sys, labels: { 'batch.kubernetes.io/job-name': 'helm-install-traefik-crd', 'job-name': 'helm-install-traefik-crd' }, owner: owner('Job', 'helm-install-traefik-crd'), completed: true, serviceAccount: 'helm-traefik-crd' },
    { name: pod('helm-install-traefik', rng.kubeString(5)), namespace: 'kube-system', node: master, ip: '10.42.0.6', image: 'rancher/klipper-helm:v0.9.8-build20250709', container: 'helm', createdMs: sys, labels: { 'batch.kubernetes.io/job-name': 'helm-install-traefik', 'job-name': 'helm-install-traefik' }, owner: owner('Job', 'helm-install-traefik'), completed: true, restarts: 1, serviceAccount: 'helm-traefik' },
    fromWorkload('traefik', w1, '10.42.1.3'),
    ...[master, w1, w2].map((n, i) => ({ name: pod(`svclb-traefik-${svclbHash}`, rng.kubeString(5)), namespace: 'kube-system', node: n, ip: `10.42.${i}.${i === 0 ? 7 : 2}`, image: 'rancher/klipper-lb:v0.4.13', container: 'lb-tcp-80', createdMs: sys + 40_000 + n.joinedS * 1000, labels: { app: `svclb-traefik-${svclbHash}`, 'svccontroller.k3s.cattle.io/svcname': 'traefik', 'svccontroller.k3s.cattle.io/svcnamespace': 'kube-system' }, owner: owner('DaemonSet', `svclb-traefik-${svclbHash}`), ports: [{ containerPort: 80, name: 'lb-tcp-80', protocol: 'TCP' }] })),
    // The learner's workloads: nginx ×3 (the seed's create-deployment placement) and the seed's "api" pod.
    ...(opts.workloads ? [fromWorkload('nginx', w1, '10.42.1.5'), fromWorkload('nginx', w2, '10.42.2.7'), fromWorkload('nginx', master, '10.42.0.8'), fromWorkload('api', w2, '10.42.2.8')] : []),
  ];
  for (const s of specs as (Omit<Parameters<typeof podObject>[1], 'node' | 'hostIP'> & { node: typeof master })[]) objs.push(podObject(rng, { ...s, node: s.node.name, hostIP: s.node.ip }));
  // k3s's ServiceLB (klipper-lb) DaemonSet for traefik's LoadBalancer Service: the owner of the svclb pods.
  const svclbOwner = (specs.find((x) => x.name.startsWith('svclb-traefik-')) as { owner: ReturnType<typeof owner> } | undefined)?.owner;
  if (svclbOwner) objs.push(daemonSetObject({ name: svclbOwner.name, uid: svclbOwner.uid, namespace: 'kube-system', createdMs: sys + 40_000, labels: { app: svclbOwner.name, 'svccontroller.k3s.cattle.io/svcname': 'traefik', 'svccontroller.k3s.cattle.io/svcnamespace': 'kube-system' }, image: 'rancher/klipper-lb:v0.4.13', container: 'lb-tcp-80', nodes: 3 }));
  if (opts.workloads) {
    objs.push(serviceObject(rng, 'nginx', 'default', '10.43.128.37', [{ port: 80, targetPort: 80, protocol: 'TCP' }], { app: 'nginx' }, nginxCreated + 60_000, { app: 'nginx' }));
    objs.push(serviceObject(rng, 'api', 'default', '10.43.201.14', [{ port: 80, targetPort: 8080, protocol: 'TCP' }], { app: 'api' }, apiCreated + 60_000, { app: 'api' }));
  }
  // The kubernetes Service's endpoints are kube-apiserver's own (its endpoint reconciler), not a controller's.
  const apiEndpointsMs = INSTALLED_MS + 2_500;
  objs.push({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', uid: rng.uuid(), creationTimestamp: rfc3339(apiEndpointsMs), labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets: [{ addresses: [{ ip: '10.89.97.201' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
  objs.push({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'kubernetes', namespace: 'default', uid: rng.uuid(), creationTimestamp: rfc3339(apiEndpointsMs), labels: { 'kubernetes.io/service-name': 'kubernetes' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.89.97.201'], conditions: { ready: true } }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] } as KubeObject);
  // The namespace controller's ServiceAccount and RBAC, written last so every object above keeps its uid.
  objs.push(...namespaceControllerRbac(rng), serviceAccountObject(rng, 'kube-system', 'namespace-controller', INSTALLED_MS + 2_500));
  // Storage: k3s's local-path StorageClass and the PV and resource quota controllers' RBAC, last for the same reason.
  objs.push(...storageBootstrapObjects(rng));
  // k3s's node-password Secrets, one per node, written when each node first asked for its
  // certificates (k3s/node-password.ts); last, so every object above keeps its uid.
  for (const n of TOWER_FLEET_NODES) objs.push(nodePasswordSecret(n.name, NODE_PASSWORDS[n.name]!.hash, rng.uuid(), rfc3339(INSTALLED_MS + n.joinedS * 1000 + 900)) as unknown as KubeObject);
  return objs;
}

/** etcd's WAL as it stands at t=0: one Put per object, in the order the cluster created them. */
function bootstrapWal(objs: KubeObject[]): Map<string, unknown> {
  const wal = new Map<string, unknown>();
  wal.set('member/id', '8e9e05c52164694d');
  wal.set('member/cluster-id', 'cdf818194e3a8c32');
  wal.set('raft/term', 2);
  objs.forEach((o, i) => {
    const def = resourceForKind(o.apiVersion, o.kind);
    if (!def) throw new Error(`tower-fleet: no storage for ${o.apiVersion} ${o.kind}`);
    const req: EtcdRequest = { method: KV_PUT, reqId: `bootstrap-${i}`, request: { key: objectKey(def, o.metadata.namespace, o.metadata.name), value: encodeForStorage(o) } };
    wal.set(walKey(i + 1), req);
  });
  return wal;
}

/** k3s's supervisor on k3s-master:6443 (k3s/supervisor.ts). */
export const TOWER_FLEET_SUPERVISOR: SupervisorConfig = {
  serverCA: SERVER_CA_PEM,
  serverCAName: SERVER_CA,
  clientCA: CLIENT_CA_PEM,
  clientCAName: CLIENT_CA,
  // genUsers: without an agent token, "node" has the server token's password.
  passwords: { server: SERVER_TOKEN_PASSWORD, node: SERVER_TOKEN_PASSWORD },
  // The config.Control fields an agent reads (GET /v1-k3s/config answers the whole struct as JSON).
  control: {
    ClusterDNS: '10.43.0.10',
    ClusterDomain: 'cluster.local',
    ClusterIPRange: { IP: '10.42.0.0', Mask: '//8AAA==' },
    ServiceIPRange: { IP: '10.43.0.0', Mask: '//8AAA==' },
    ServiceNodePortRange: { Base: 30000, Size: 2768 },
    HTTPSPort: 6443,
    SupervisorPort: 6443,
    APIServerPort: 6444,
    FlannelBackend: 'vxlan',
    FlannelIPv6Masq: false,
    DisableKubeProxy: false,
    DisableNPC: false,
    EgressSelectorMode: 'agent',
    SystemDefaultRegistry: '',
  },
  apiservers: ['10.89.97.201:6443'],
  notBefore: rfc3339(INSTALLED_MS - 60_000),
  notAfter: rfc3339(INSTALLED_MS + 365 * 24 * 3600_000),
};

export const AGENT_INSTALL = 'k3s-agent-install';

/** What `lab flow add-worker` installs: the machine's name and address, K3S_URL and K3S_TOKEN. */
export interface AgentInstall {
  name: string;
  ip: string;
  serverURL: string;
  token: string;
}

/** Check an install before it is scheduled: the error names the field and value; the simulation is untouched. */
export function validateAgentInstall(k: Kernel, a: AgentInstall): string | null {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(a.name) || a.name.length > 63) return `--name: Invalid value: ${JSON.stringify(a.name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`;
  // A second machine may take an existing node's name (a reinstalled node, a duplicate hostname):
  // k3s then refuses it its certificates. Only a new address is needed.
  if (k.state.hosts[a.name] && Object.values(k.state.processes).some((p) => p.host === a.name && p.model === 'k3s-agent')) return `--name: Invalid value: ${JSON.stringify(a.name)}: a machine of that name is already joining`;
  const m = /^10\.89\.97\.(\d{1,3})$/.exec(a.ip);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 254) return `--ip: Invalid value: ${JSON.stringify(a.ip)}: must be an address of the node network 10.89.97.0/24 (.1–.254)`;
  if (Object.values(k.state.hosts).some((h) => h.ip === a.ip)) return `--ip: Invalid value: ${JSON.stringify(a.ip)}: address already in use on the node network`;
  if (a.serverURL !== 'https://10.89.97.201:6443') return `--server: Invalid value: ${JSON.stringify(a.serverURL)}: Tower Fleet's server is https://10.89.97.201:6443`;
  return null;
}

/** The install script's effect: a new host on the LAN running k3s agent, containerd, the kubelet and kube-proxy. */
function installAgent(k: Kernel, a: AgentInstall, apiserver: string): void {
  // The machine's name on the lab's network: its hostname, or hostname@address if a machine of
  // that hostname is already there (the node name it asks for stays the hostname).
  const host = k.state.hosts[a.name] ? `${a.name}@${a.ip}` : a.name;
  k.addHost({ name: host, ip: a.ip, role: 'agent' });
  const rng = k.rng.stream(`install:${host}`);
  const mac = [0, 1, 2, 3, 4, 5].map(() => rng.int(0, 255));
  mac[0] = (mac[0]! & 0xfe) | 0x02;
  const machine: MachineInfo = { name: a.name, ip: a.ip, cpu: 4, memoryKi: 8129880, diskKi: 81106868, kubeletVersion: K3S_VERSION, osImage: 'Ubuntu 24.04.3 LTS', kernelVersion: '6.8.0-87-generic', containerRuntimeVersion: 'containerd://2.1.4-k3s1' };
  k.spawn(host, 'containerd', makeContainerd({ ...DEFAULT_CONTAINERD, node: a.name, podCIDR: '', cachedImages: [] }, { sandboxes: [], containers: [] }));
  k.spawn(
    host,
    'kubelet',
    makeKubelet({
      node: a.name,
      nodeIP: a.ip,
      apiserver,
      serverName: '10.89.97.201',
      cert: clientCert(`system:node:${a.name}`, ['system:nodes'], `kubelet-${a.name}`),
      userAgent: `k3s/${K3S_VERSION} (linux/amd64) kubernetes/kubelet`,
      containerd: `${host}/containerd`,
      lease: { name: a.name, namespace: 'kube-node-lease', holderIdentity: a.name, leaseDurationSeconds: 40, periodUs: seconds(10), jitterFactor: 0.04 },
      join: { machine },
    }),
  );
  k.spawn(host, 'kube-proxy', makeIdleAgent('kube-proxy', K3S_VERSION));
  k.spawn(
    host,
    'k3s-agent',
    makeK3sAgent({
      node: a.name,
      nodeIP: a.ip,
      serverURL: a.serverURL,
      token: a.token,
      server: apiserver,
      serverName: '10.89.97.201',
      kubelet: `${host}/kubelet`,
      kubeProxy: `${host}/kube-proxy`,
      containerd: `${host}/containerd`,
      userAgent: `k3s/${K3S_VERSION} (linux/amd64)`,
      vtepMAC: mac.map((x) => x.toString(16).padStart(2, '0')).join(':'),
      // containerd, then the kubelet, start once the certificates are written.
      startUs: seconds(3),
    }),
  );
}

function buildTowerFleet(k: Kernel, opts: { workloads: boolean }): BuiltScenario {
    const objs = bootstrapObjects(k, opts);
    k.addHost({ name: LAPTOP.name, ip: LAPTOP.ip, role: 'client' });
    for (const n of TOWER_FLEET_NODES) k.addHost({ name: n.name, ip: n.ip, role: n.server ? 'server' : 'agent' });
    // The laptop is on the same LAN, a Wi-Fi hop away.
    k.setLink('laptop', 'k3s-master', { latencyUs: 900, jitterUs: 300 });
    k.setLink('k3s-master', 'laptop', { latencyUs: 900, jitterUs: 300 });

    const apiserver = 'k3s-master/kube-apiserver';
    const etcd = 'k3s-master/etcd';
    k.spawn('k3s-master', 'etcd', etcdServer, { persisted: bootstrapWal(objs) });
    k.spawn('k3s-master', 'kube-apiserver', makeKubeApiserver({ etcd, clientCA: CLIENT_CA, servingCert: SERVING_CERT, advertiseAddress: '10.89.97.201', port: 6443, supervisor: TOWER_FLEET_SUPERVISOR }));
    // `curl -sfL https://get.k3s.io | K3S_URL=… K3S_TOKEN=… sh -` on a new machine (lab flow add-worker).
    k.onHostInput(AGENT_INSTALL, (kernel, payload) => installAgent(kernel, payload as AgentInstall, apiserver));
    const leaseOf = (component: string) => (objs.find((o) => o.kind === 'Lease' && o.metadata.name === component)!.spec as { holderIdentity: string }).holderIdentity;
    k.spawn(
      'k3s-master',
      'kube-scheduler',
      makeKubeScheduler({ apiserver, serverName: '127.0.0.1', host: 'k3s-master', cert: clientCert('system:kube-scheduler', [], 'kube-scheduler-cert'), userAgent: `kube-scheduler/${K3S_VERSION} (linux/amd64) kubernetes/scheduler`, lease: { name: 'kube-scheduler', namespace: 'kube-system', holderIdentity: leaseOf('kube-scheduler'), leaseDurationSeconds: 15, periodUs: seconds(2), jitterFactor: 0 } }),
    );
    k.spawn(
      'k3s-master',
      'kube-controller-manager',
      makeKubeControllerManager({
        apiserver,
        serverName: '127.0.0.1',
        cert: clientCert('system:kube-controller-manager', [], 'kube-controller-manager-cert'),
        userAgent: `kube-controller-manager/${K3S_VERSION} (linux/amd64) kubernetes/leader-election`,
        lease: { name: 'kube-controller-manager', namespace: 'kube-system', holderIdentity: leaseOf('kube-controller-manager'), leaseDurationSeconds: 15, periodUs: seconds(2), jitterFactor: 0 },
      }),
    );
    for (const n of TOWER_FLEET_NODES) {
      const podsHere = objs.filter((o) => o.kind === 'Pod' && o.spec?.nodeName === n.name);
      k.spawn(
        n.name,
        'kubelet',
        makeKubelet({
          node: n.name,
          nodeIP: n.ip,
          apiserver,
          serverName: n.server ? '127.0.0.1' : '10.89.97.201',
          cert: clientCert(`system:node:${n.name}`, ['system:nodes'], `kubelet-${n.name}`),
          userAgent: `k3s/${K3S_VERSION} (linux/amd64) kubernetes/kubelet`,
          containerd: `${n.name}/containerd`,
          lease: { name: n.name, namespace: 'kube-node-lease', holderIdentity: n.name, leaseDurationSeconds: 40, periodUs: seconds(10), jitterFactor: 0.04 },
        }),
      );
      k.spawn(n.name, 'kube-proxy', makeIdleAgent('kube-proxy', K3S_VERSION));
      k.spawn(
        n.name,
        'containerd',
        makeContainerd(
          { ...DEFAULT_CONTAINERD, node: n.name, podCIDR: n.podCIDR, cachedImages: podsHere.map((p) => p.spec.containers[0].image) },
          {
            sandboxes: podsHere.filter((p) => p.status?.podIP).map((p, i) => ({ id: `bootstrap-${n.name}-${i}`, pod: `${p.metadata.namespace}/${p.metadata.name}`, ip: p.status.podIP, state: 'SANDBOX_READY' as const })),
            // The running containers, under the IDs their pods' status reports (what the kubelet adopts).
            containers: podsHere
              .filter((p) => p.status?.podIP)
              .flatMap((p, i) => {
                const cs = p.status?.containerStatuses?.[0];
                const id = String(cs?.containerID ?? '').replace(/^containerd:\/\//, '');
                if (!id) return [];
                const running = !!cs.state?.running;
                const startedMs = parseRfc3339(cs.state?.running?.startedAt ?? cs.state?.terminated?.startedAt ?? p.metadata.creationTimestamp);
                const image = normalizeImage(p.spec.containers[0].image);
                return [{ id, sandboxId: `bootstrap-${n.name}-${i}`, name: p.spec.containers[0].name, image, state: running ? ('CONTAINER_RUNNING' as const) : ('CONTAINER_EXITED' as const), log: startupLog(image, p.status.podIP, startedMs) }];
              }),
          },
        ),
      );
    }
    k.spawn('laptop', 'kubectl', makeKubectl({ kubeconfigPath: KUBECONFIG_PATH, kubeconfig: k3sKubeconfig('https://10.89.97.201:6443', ADMIN_CERT), clientCertificate: ADMIN_CERT, routes: { '10.89.97.201:6443': apiserver }, address: LAPTOP.ip, startupUs: 1800 }));

    const topology: Topology = {
      hosts: [{ name: LAPTOP.name, ip: LAPTOP.ip, role: 'client' }, ...TOWER_FLEET_NODES.map((n) => ({ name: n.name, ip: n.ip, role: n.server ? 'server' : 'agent', podCIDR: n.podCIDR }))],
      components: [
        { id: 'laptop/kubectl', host: 'laptop', component: 'kubectl', ports: [], plane: 'client' },
        { id: apiserver, host: 'k3s-master', component: 'kube-apiserver', ports: [6443], plane: 'control-plane' },
        { id: etcd, host: 'k3s-master', component: 'etcd', ports: [2379, 2380], plane: 'control-plane' },
        { id: 'k3s-master/kube-scheduler', host: 'k3s-master', component: 'kube-scheduler', ports: [], plane: 'control-plane' },
        { id: 'k3s-master/kube-controller-manager', host: 'k3s-master', component: 'kube-controller-manager', ports: [], plane: 'control-plane' },
        ...TOWER_FLEET_NODES.flatMap((n) => [
          { id: `${n.name}/kubelet`, host: n.name, component: 'kubelet', ports: [10250], plane: 'node' as const },
          { id: `${n.name}/kube-proxy`, host: n.name, component: 'kube-proxy', ports: [], plane: 'node' as const, idle: true },
          { id: `${n.name}/containerd`, host: n.name, component: 'containerd', ports: [], plane: 'node' as const },
        ]),
      ],
      networks: [
        { name: 'node network', cidr: '10.89.97.0/24', purpose: 'nodes talk to each other (6443, 10250, 8472/udp VXLAN)' },
        { name: 'pod network', cidr: '10.42.0.0/16', purpose: 'every pod gets an IP: a /24 per node, Flannel VXLAN between nodes' },
        { name: 'service network', cidr: '10.43.0.0/16', purpose: 'stable virtual IPs, kube-proxy iptables rules' },
      ],
    };
    return { topology, processes: { kubectl: 'laptop/kubectl', apiserver, etcd } };
}

const kernelOptions = (seed: number) => ({ seed, epochMs: EPOCH_MS, defaultLink: { latencyUs: 250, jitterUs: 60 }, loopbackUs: 20 });

export const towerFleet = registerScenario({
  name: 'tower-fleet',
  description: "The seed's homelab: k3s-master (10.89.97.201) with the control plane and embedded etcd, k3s-worker-1 (.202) and k3s-worker-2 (.203); k3s v1.33.5; nginx ×3 and the seed's api pod running",
  kernelOptions,
  build: (k: Kernel) => buildTowerFleet(k, { workloads: true }),
});

/** Tower Fleet before the seed's Example 2: only what k3s installs, so `kubectl create deployment nginx` has a clean cluster. */
export const towerFleetFresh = registerScenario({
  name: 'tower-fleet-fresh',
  description: "Tower Fleet just after install, before the seed's Example 2: the same three nodes and k3s add-ons, no nginx or api yet",
  kernelOptions,
  build: (k: Kernel) => buildTowerFleet(k, { workloads: false }),
});
