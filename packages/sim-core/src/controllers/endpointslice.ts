/**
 * The EndpointSlice and Endpoints controllers' desired state, pure: for a Service with a selector,
 * the pods it selects become endpoints — the pod IP, the target port resolved against the pod's
 * container ports (a named targetPort looks up the container port of that name), ready/serving/
 * terminating conditions, nodeName and a targetRef — in one EndpointSlice (generateName
 * `<service>-`, labelled kubernetes.io/service-name and managed-by endpointslice-controller.k8s.io,
 * owned by the Service) and in the legacy Endpoints object of the Service's name.
 *
 * Upstream (v1.33): pkg/controller/endpointslice/endpointslice_controller.go (syncService),
 * staging/src/k8s.io/endpointslice/reconciler.go and utils.go (podToEndpoint: ready = pod Ready
 * and not terminating, serving = pod Ready, terminating = deletionTimestamp set; terminating pods
 * stay in slices; newEndpointSlice: generateName, labels, ownerReference, addressType IPv4),
 * pkg/api/v1/pod/util.go FindPort (named target ports), pkg/controller/endpoint/
 * endpoints_controller.go (subsets: ready addresses, notReadyAddresses; terminating pods left
 * out), pkg/controller/util/endpoint (ShouldPodBeInEndpoints: no IP or a terminal phase → out).
 * Leaves out: slices beyond 100 endpoints (maxEndpointsPerSlice), topology hints and zones (the
 * Tower Fleet nodes have no zone labels), dual-stack, publishNotReadyAddresses, the
 * last-change-trigger-time annotation.
 */
import type { KubeObject } from '../objects/meta';

export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const isReady = (p: KubeObject) => ((p.status?.conditions ?? []) as any[]).some((c) => c.type === 'Ready' && c.status === 'True');

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** FindPort: a numeric targetPort as is; a named one from the pod's containers. */
function findPort(pod: KubeObject, port: { port: number; targetPort?: number | string; protocol?: string }): number | undefined {
  const tp = port.targetPort ?? port.port;
  if (typeof tp === 'number') return tp;
  if (/^\d+$/.test(tp)) return Number(tp);
  for (const c of (pod.spec?.containers ?? []) as any[]) for (const cp of c.ports ?? []) if (cp.name === tp && (cp.protocol ?? 'TCP') === (port.protocol ?? 'TCP')) return cp.containerPort;
  return undefined;
}

/** The pods a Service's endpoints come from, sorted by name. */
export function selectedPods(svc: KubeObject, pods: KubeObject[]): KubeObject[] {
  const sel = svc.spec?.selector as Record<string, string> | undefined;
  if (!sel || Object.keys(sel).length === 0) return [];
  return pods
    .filter((p) => p.metadata.namespace === svc.metadata.namespace && selects(sel, p.metadata.labels) && p.status?.podIP && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

const targetRef = (p: KubeObject) => ({ kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid });

/** The slice's content (what the controller compares and writes): endpoints and ports. */
export function desiredSlice(svc: KubeObject, pods: KubeObject[]): { endpoints: unknown[]; ports: unknown[] } {
  const selected = selectedPods(svc, pods);
  const svcPorts = (svc.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string }[];
  const ports = selected.length === 0 ? [] : svcPorts.map((sp) => ({ name: sp.name ?? '', port: findPort(selected[0]!, sp), protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) })).filter((p) => p.port !== undefined);
  const endpoints = selected.map((p) => {
    const terminating = !!p.metadata.deletionTimestamp;
    return { addresses: [p.status.podIP], conditions: { ready: isReady(p) && !terminating, serving: isReady(p), terminating }, nodeName: p.spec?.nodeName, targetRef: targetRef(p) };
  });
  return { endpoints, ports };
}

/** A new EndpointSlice for the Service. */
export function newEndpointSlice(svc: KubeObject, content: { endpoints: unknown[]; ports: unknown[] }): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: '',
      generateName: `${svc.metadata.name}-`,
      namespace: svc.metadata.namespace,
      labels: { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints: content.endpoints,
    ports: content.ports,
  };
}

/** The legacy Endpoints object's subsets: ready addresses and not-ready ones; terminating pods left out. */
export function desiredEndpointsSubsets(svc: KubeObject, pods: KubeObject[]): unknown[] {
  const selected = selectedPods(svc, pods).filter((p) => !p.metadata.deletionTimestamp);
  if (selected.length === 0) return [];
  const svcPorts = (svc.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  const ports = svcPorts.map((sp) => ({ ...(sp.name ? { name: sp.name } : {}), port: findPort(selected[0]!, sp), protocol: sp.protocol ?? 'TCP' })).filter((p) => p.port !== undefined);
  const addr = (p: KubeObject) => ({ ip: p.status.podIP, nodeName: p.spec?.nodeName, targetRef: targetRef(p) });
  const ready = selected.filter(isReady).map(addr);
  const notReady = selected.filter((p) => !isReady(p)).map(addr);
  return [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }];
}
