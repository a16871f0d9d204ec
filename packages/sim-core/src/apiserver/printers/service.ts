/**
 * printService: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE (-o wide: SELECTOR).
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (serviceColumnDefinitions), printService, getServiceExternalIP, loadBalancerStatusStringer
 * (loadBalancerWidth = 16), makePortString; labels.FormatLabels for the selector.
 *
 * External-IP: ClusterIP/NodePort show spec.externalIPs or <none>; LoadBalancer shows the sorted,
 * de-duplicated ingress IPs (else hostnames) followed by spec.externalIPs, or <pending> when there
 * are none; ExternalName shows spec.externalName; any other type <unknown>. The LB list is clipped
 * to 16 characters ("2.3.4.5,3.4.5...") only when not wide — and kube-apiserver always prints
 * wide, so a real server never clips it. Cluster-IP is spec.clusterIPs[0] (the registry fills
 * clusterIPs from clusterIP) or <none>. Port(s) are `port/PROTO`, `port:nodePort/PROTO` when a
 * nodePort is set, or <none>. Left out: nothing.
 */
import type { KubeObject } from '../../objects/meta';
import { ageColumn, col, formatLabels, nameColumn, type Cell, type PrintOptions } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

const loadBalancerWidth = 16;

export const serviceColumns: TableColumnDefinition[] = [
  nameColumn,
  col('Type', 'string', docs.SERVICE_SPEC_TYPE),
  col('Cluster-IP', 'string', docs.SERVICE_SPEC_CLUSTER_IP),
  col('External-IP', 'string', docs.SERVICE_SPEC_EXTERNAL_IPS),
  col('Port(s)', 'string', docs.SERVICE_SPEC_PORTS),
  ageColumn,
  col('Selector', 'string', docs.SERVICE_SPEC_SELECTOR, 1),
];

/** loadBalancerStatusStringer: sorted unique ingress IPs (or hostnames), clipped unless wide. */
export function loadBalancerStatusStringer(s: any, wide: boolean): string {
  const result = new Set<string>();
  for (const ing of s?.ingress ?? []) {
    if (ing?.ip) result.add(ing.ip);
    else if (ing?.hostname) result.add(ing.hostname);
  }
  let r = [...result].sort().join(',');
  if (!wide && r.length > loadBalancerWidth) r = r.slice(0, loadBalancerWidth - 3) + '...';
  return r;
}

export function getServiceExternalIP(svc: KubeObject, wide: boolean): string {
  const spec = svc.spec ?? {};
  const externalIPs: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lbIps = loadBalancerStatusStringer(svc.status?.loadBalancer, wide);
      if (externalIPs.length > 0) {
        const results: string[] = [];
        if (lbIps.length > 0) results.push(...lbIps.split(','));
        results.push(...externalIPs);
        return results.join(',');
      }
      if (lbIps.length > 0) return lbIps;
      return '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

export function makePortString(ports: readonly any[] | undefined): string {
  return (ports ?? [])
    .map((p) => {
      const proto: string = p?.protocol ?? '';
      const port: number = p?.port ?? 0;
      const nodePort: number = p?.nodePort ?? 0;
      return nodePort > 0 ? `${port}:${nodePort}/${proto}` : `${port}/${proto}`;
    })
    .join(',');
}

export function printService(obj: KubeObject, nowMs: number, options: PrintOptions = {}): Cell[] {
  const wide = options.wide ?? true;
  const spec = obj.spec ?? {};
  const svcType: string = spec.type ?? '';
  const internalIP: string = (spec.clusterIPs ?? []).length > 0 ? spec.clusterIPs[0] : '<none>';
  const externalIP = getServiceExternalIP(obj, wide);
  let svcPorts = makePortString(spec.ports);
  if (svcPorts.length === 0) svcPorts = '<none>';
  const cells: Cell[] = [obj.metadata.name, svcType, internalIP, externalIP, svcPorts, translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
  if (wide) cells.push(formatLabels(spec.selector));
  return cells;
}
