/**
 * Tower Fleet with HA masters, as the seed's "Multiple Proxmox Hosts (True HA)" and "Migrate from
 * Single to HA Masters" describe it: three k3s servers with embedded etcd — k3s-master
 * (10.89.97.201, the first master, started with --cluster-init), k3s-master-2 (10.89.97.204) and
 * k3s-master-3 (10.89.97.205), each on its own Proxmox host (tower, fortress, citadel) — and the
 * two workers. Each master runs an etcd member (Raft, ../etcd/member.ts) and a kube-apiserver
 * that talks to its local member; the learner's kubectl talks to k3s-master. The etcd members
 * start from the cluster state Tower Fleet holds (the same objects, written through Raft at term
 * 2), so `kubectl get pods` answers the same, and killing a master is a quorum experiment.
 *
 * Models: k3s `pkg/etcd` (embedded etcd, --cluster-init, joining servers), etcd 3.4 members.
 * Leaves out: k3s's supervisor port 9345 and the join handshake (the members are bootstrapped
 * together; `etcd.add-member` grows a cluster by a single-member ConfChange), the worker agents'
 * load-balancer across servers, Longhorn.
 */
import { makeKubeApiserver } from '../apiserver/kube-apiserver';
import { k3sKubeconfig } from '../client/kubeconfig';
import { makeKubectl } from '../client/kubectl';
import { WAL_PREFIX } from '../etcd/etcd-server';
import { etcdMember } from '../etcd/member';
import type { Entry, HardState } from '../etcd/raft/types';
import type { EtcdRequest } from '../etcd/rpc';
import { Kernel } from '../kernel/kernel';
import { makeIdleAgent } from '../node/placeholder-agent';
import { registerScenario, type BuiltScenario, type Topology } from './scenario';
import { K3S_VERSION, TOWER_FLEET_NODES } from './tower-fleet-objects';
import { ADMIN_CERT, CLIENT_CA, KUBECONFIG_PATH, LAPTOP, SERVING_CERT, towerFleet } from './tower-fleet';

export const HA_MASTERS = [
  { name: 'k3s-master', ip: '10.89.97.201', proxmox: 'tower' },
  { name: 'k3s-master-2', ip: '10.89.97.204', proxmox: 'fortress' },
  { name: 'k3s-master-3', ip: '10.89.97.205', proxmox: 'citadel' },
] as const;

/** The etcd WAL every member starts from: bootstrap ConfChanges (term 1), then Tower Fleet's writes (term 2). */
export function haPersisted(seed: number, members: number): Map<string, unknown> {
  const scratch = new Kernel(towerFleet.kernelOptions(seed));
  towerFleet.build(scratch);
  const single = scratch.process('k3s-master/etcd').persisted;
  const writes = [...single.keys()].filter((k) => k.startsWith(WAL_PREFIX)).sort().map((k) => single.get(k) as EtcdRequest);
  const entries: Entry[] = [];
  for (let i = 1; i <= members; i++) entries.push({ term: 1, index: i, type: 'EntryConfChange', data: { type: 'ConfChangeAddNode', nodeId: i } });
  entries.push({ term: 2, index: entries.length + 1, type: 'EntryNormal' });
  writes.forEach((req, i) => entries.push({ term: 2, index: entries.length + 1, type: 'EntryNormal', data: { id: `bootstrap-${i}`, req } }));
  const hs: HardState = { term: 2, vote: 1, commit: entries.length };
  const m = new Map<string, unknown>([['raft/hardstate', hs]]);
  for (const e of entries) m.set(`raft/ent/${String(e.index).padStart(10, '0')}`, e);
  return m;
}

export const towerFleetHa = registerScenario({
  name: 'tower-fleet-ha',
  description: "Tower Fleet with three HA masters and embedded etcd (k3s-master .201, k3s-master-2 .204, k3s-master-3 .205) on three Proxmox hosts, and two workers; etcd 3.4 Raft between the masters",
  kernelOptions: (seed) => ({ ...towerFleet.kernelOptions(seed) }),
  build(k: Kernel): BuiltScenario {
    k.addHost({ name: LAPTOP.name, ip: LAPTOP.ip, role: 'client' });
    for (const m of HA_MASTERS) k.addHost({ name: m.name, ip: m.ip, role: 'server' });
    const workers = TOWER_FLEET_NODES.filter((n) => !n.server);
    for (const n of workers) k.addHost({ name: n.name, ip: n.ip, role: 'agent' });
    k.setLink('laptop', 'k3s-master', { latencyUs: 900, jitterUs: 300 });
    k.setLink('k3s-master', 'laptop', { latencyUs: 900, jitterUs: 300 });
    // Masters on different Proxmox hosts: one switch hop more than VMs on one host.
    for (const a of HA_MASTERS) for (const b of HA_MASTERS) if (a !== b) k.setLink(a.name, b.name, { latencyUs: 400, jitterUs: 100 });

    const peers: Record<number, string> = {};
    const names: Record<number, string> = {};
    HA_MASTERS.forEach((m, i) => {
      peers[i + 1] = `${m.name}/etcd`;
      names[i + 1] = m.name;
    });
    const persisted = haPersisted(k.rng.seed, HA_MASTERS.length);
    HA_MASTERS.forEach((m, i) => {
      k.spawn(m.name, 'etcd', etcdMember({ name: m.name, id: i + 1, peers, names }), { persisted: new Map(persisted) });
      k.spawn(m.name, 'kube-apiserver', makeKubeApiserver({ etcd: `${m.name}/etcd`, clientCA: CLIENT_CA, servingCert: SERVING_CERT, advertiseAddress: m.ip, port: 6443 }));
    });
    for (const n of workers) {
      k.spawn(n.name, 'kubelet', makeIdleAgent('kubelet', K3S_VERSION));
      k.spawn(n.name, 'kube-proxy', makeIdleAgent('kube-proxy', K3S_VERSION));
    }
    const apiserver = 'k3s-master/kube-apiserver';
    k.spawn('laptop', 'kubectl', makeKubectl({ kubeconfigPath: KUBECONFIG_PATH, kubeconfig: k3sKubeconfig('https://10.89.97.201:6443', ADMIN_CERT), clientCertificate: ADMIN_CERT, routes: { '10.89.97.201:6443': apiserver }, address: LAPTOP.ip, startupUs: 1800 }));

    const topology: Topology = {
      hosts: [{ name: LAPTOP.name, ip: LAPTOP.ip, role: 'client' }, ...HA_MASTERS.map((m) => ({ name: m.name, ip: m.ip, role: 'server' })), ...workers.map((n) => ({ name: n.name, ip: n.ip, role: 'agent', podCIDR: n.podCIDR }))],
      components: [
        { id: 'laptop/kubectl', host: 'laptop', component: 'kubectl', ports: [], plane: 'client' },
        ...HA_MASTERS.flatMap((m) => [
          { id: `${m.name}/etcd`, host: m.name, component: 'etcd', ports: [2379, 2380], plane: 'control-plane' as const },
          { id: `${m.name}/kube-apiserver`, host: m.name, component: 'kube-apiserver', ports: [6443], plane: 'control-plane' as const },
        ]),
        ...workers.flatMap((n) => [
          { id: `${n.name}/kubelet`, host: n.name, component: 'kubelet', ports: [10250], plane: 'node' as const, idle: true },
          { id: `${n.name}/kube-proxy`, host: n.name, component: 'kube-proxy', ports: [], plane: 'node' as const, idle: true },
        ]),
      ],
      networks: [
        { name: 'node network', cidr: '10.89.97.0/24', purpose: 'nodes talk to each other (6443, 2379/2380 etcd client/peer, 10250, 8472/udp VXLAN)' },
        { name: 'pod network', cidr: '10.42.0.0/16', purpose: 'every pod gets an IP: a /24 per node, Flannel VXLAN between nodes' },
        { name: 'service network', cidr: '10.43.0.0/16', purpose: 'stable virtual IPs, kube-proxy iptables rules' },
      ],
    };
    return { topology, processes: { kubectl: 'laptop/kubectl', apiserver, etcd: 'k3s-master/etcd' } };
  },
});
