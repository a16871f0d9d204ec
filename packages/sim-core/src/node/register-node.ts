/**
 * The Node object a kubelet creates when it registers (POST /api/v1/nodes): initialNode filled
 * by setNodeStatus — the well-known labels, the kubelet's annotations, capacity and allocatable
 * (allocatable = capacity minus the eviction threshold's memory.available 100Mi and
 * nodefs.available 10 %), the four conditions (Ready False until the container runtime's network
 * is ready: "container runtime network not ready: … cni plugin not initialized"), addresses,
 * the kubelet's port and nodeInfo. No spec.podCIDR: kube-controller-manager's node-ipam assigns it.
 *
 * Upstream (v1.33): pkg/kubelet/kubelet_node_status.go (initialNode, registerWithAPIServer),
 * pkg/kubelet/nodestatus/setters.go (NodeAddress, MachineInfo, ReadyCondition,
 * MemoryPressureCondition, DiskPressureCondition, PIDPressureCondition, NodeInfo),
 * pkg/kubelet/eviction/defaults_linux.go (hard eviction thresholds),
 * k8s.io/cloud-provider/api/well_known_annotations.go (alpha.kubernetes.io/provided-node-ip);
 * k3s pkg/cloudprovider (providerID k3s://<node>, node.kubernetes.io/instance-type=k3s).
 * Leaves out: the cloud provider's initialization as its own step (k3s runs the kubelet with
 * --cloud-provider=external, so a real node carries the taint
 * node.cloudprovider.kubernetes.io/uninitialized until k3s's cloud controller sets providerID,
 * the instance-type label and addresses; here the kubelet registers with them), images.
 */
import type { Rng } from '../kernel/rng';
import { rfc3339, type KubeObject } from '../objects/meta';

/** The Ready condition of a node whose container runtime has no CNI network yet (kubelet's runtime state check). */
export const NOT_READY_NETWORK = { status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' };

export interface MachineInfo {
  name: string;
  ip: string;
  cpu: number;
  memoryKi: number;
  diskKi: number;
  kubeletVersion: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
}

export function registrationNode(m: MachineInfo, nowMs: number, rng: Rng): KubeObject {
  const now = rfc3339(nowMs);
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
  // Hard eviction: memory.available<100Mi, nodefs.available<10% (defaults_linux.go).
  const allocMemKi = m.memoryKi - 100 * 1024;
  const allocDisk = Math.floor(m.diskKi * 1024 * 0.9);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: m.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'k3s',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': m.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'k3s',
      },
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': m.ip,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { providerID: `k3s://${m.name}` },
    status: {
      capacity: { cpu: String(m.cpu), 'ephemeral-storage': `${m.diskKi}Ki`, 'hugepages-2Mi': '0', memory: `${m.memoryKi}Ki`, pods: '110' },
      allocatable: { cpu: String(m.cpu), 'ephemeral-storage': String(allocDisk), 'hugepages-2Mi': '0', memory: `${allocMemKi}Ki`, pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', NOT_READY_NETWORK.status, NOT_READY_NETWORK.reason, NOT_READY_NETWORK.message),
      ],
      addresses: [
        { type: 'InternalIP', address: m.ip },
        { type: 'Hostname', address: m.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: rng.uuid(),
        containerRuntimeVersion: m.containerRuntimeVersion,
        kernelVersion: m.kernelVersion,
        kubeProxyVersion: m.kubeletVersion,
        kubeletVersion: m.kubeletVersion,
        machineID: rng.uuid().replace(/-/g, ''),
        operatingSystem: 'linux',
        osImage: m.osImage,
        systemUUID: rng.uuid(),
      },
    },
  };
}
