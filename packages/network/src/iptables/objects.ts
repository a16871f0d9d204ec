/**
 * The Kubernetes objects kube-proxy reads (Service, EndpointSlice), with their real field names, and
 * the service-port/endpoint views kube-proxy builds from them.
 * Follows: kubernetes pkg/proxy/serviceport.go (BaseServicePortInfo, newBaseServiceInfo),
 * pkg/proxy/endpoint.go and endpointslicecache.go (endpoint conditions, byEndpoint sort),
 * pkg/proxy/topology.go (CategorizeEndpoints).
 * Leaves out: topology-aware hints / trafficDistribution, IPv6 and dual stack (IPv6 addresses are
 * rejected), ServiceCIDR objects, EndpointSlice address types other than IPv4.
 */
import ipaddr from 'ipaddr.js';
import { FieldError } from '../errors';

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface Service {
  apiVersion?: string;
  kind?: 'Service';
  metadata: { name: string; namespace?: string };
  spec: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    externalIPs?: string[];
    externalTrafficPolicy?: 'Cluster' | 'Local';
    internalTrafficPolicy?: 'Cluster' | 'Local';
    healthCheckNodePort?: number;
    loadBalancerSourceRanges?: string[];
    sessionAffinity?: 'None' | 'ClientIP';
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface EndpointSlice {
  apiVersion?: string;
  kind?: 'EndpointSlice';
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: {
    addresses: string[];
    conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    hostname?: string;
    targetRef?: { kind?: string; name?: string; namespace?: string };
  }[];
  ports?: { name?: string; port?: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface EndpointInfo {
  ip: string;
  port: number;
  /** ip:port, as BaseEndpointInfo.String() */
  str: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  isLocal: boolean;
  /** KUBE-SEP-… of this endpoint for its service port, filled in by the proxier */
  chainName?: string;
}

export interface ServicePortInfo {
  /** ns/name or ns/name:port, ServicePortName.String() */
  name: string;
  namespace: string;
  serviceName: string;
  portName: string;
  protocol: string; // lower-case
  clusterIP: string;
  port: number;
  nodePort: number;
  externalIPs: string[];
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  healthCheckNodePort: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  externallyAccessible: boolean;
  sessionAffinityClientIP: boolean;
  stickyMaxAgeSeconds: number;
}

/** Go's net.ParseIP on IPv4 text, tolerant of leading zeros in the way kube-proxy's netutils.ParseIPSloppy is. */
export function parseIPSloppy(value: string): string | null {
  if (isCanonicalIPv4(value)) return value;
  const s = value.trim();
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map((p) => parseInt(p, 10));
  if (parts.some((p) => p > 255)) return null;
  return parts.join('.');
}

/** A dotted quad already in canonical form (no leading zeros, each part ≤ 255): the common case, checked without allocating. */
function isCanonicalIPv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let digits = 0;
  let v = 0;
  let first = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || v > 255 || (digits > 1 && first === 48)) return false;
      parts++;
      digits = 0;
      v = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) first = c;
      v = v * 10 + (c - 48);
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

/** ParseCIDRSloppy + IPNet.String(): "203.0.113.000/025" → "203.0.113.0/25" (network address). */
export function parseCIDRSloppy(value: string): string | null {
  const s = value.trim();
  const m = /^([\d.]+)\/(\d{1,3})$/.exec(s);
  if (!m) return null;
  const ip = parseIPSloppy(m[1]!);
  const prefix = parseInt(m[2]!, 10);
  if (!ip || prefix > 32) return null;
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  const n = (((a << 24) >>> 0) + (b << 16) + (c << 8) + d) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const base = (n & mask) >>> 0;
  return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
}

export function cidrContainsIp(cidr: string, ip: string): boolean {
  try {
    return ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parseCIDR(cidr));
  } catch {
    return false;
  }
}

/** Validates the parts of a Service kube-proxy depends on, with apiserver-style errors. */
export function validateService(svc: Service, path = ''): void {
  const p = (f: string) => `${path}${f}`;
  if (!svc || typeof svc !== 'object' || !svc.metadata || typeof svc.metadata.name !== 'string' || !svc.metadata.name) {
    throw new FieldError(p('metadata.name'), svc?.metadata?.name ?? '', 'name or generateName is required', 'Required value');
  }
  if (!svc.spec) throw new FieldError(p('spec'), '', '', 'Required value');
  const cip = svc.spec.clusterIP;
  if (cip !== undefined && cip !== 'None' && cip !== '' && !/^\d{1,3}(\.\d{1,3}){3}$/.test(cip.trim())) {
    throw new FieldError(p('spec.clusterIP'), cip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
  }
  if (cip && cip !== 'None' && parseIPSloppy(cip) === null) {
    throw new FieldError(p('spec.clusterIP'), cip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
  }
  (svc.spec.ports ?? []).forEach((port, i) => {
    if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
      throw new FieldError(p(`spec.ports[${i}].port`), port.port, 'must be between 1 and 65535, inclusive');
    }
    if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
      throw new FieldError(p(`spec.ports[${i}].protocol`), port.protocol, 'supported values: "SCTP", "TCP", "UDP"', 'Unsupported value');
    }
    if (port.nodePort !== undefined && (!Number.isInteger(port.nodePort) || port.nodePort < 0 || port.nodePort > 65535)) {
      throw new FieldError(p(`spec.ports[${i}].nodePort`), port.nodePort, 'must be between 1 and 65535, inclusive');
    }
  });
}

/**
 * newBaseServiceInfo for each port. Like kube-proxy, bad external IPs, LB IPs and source ranges are
 * dropped (kube-proxy logs and skips them); a bad ClusterIP makes the service unusable.
 */
export function servicePorts(svc: Service): ServicePortInfo[] {
  const spec = svc.spec;
  if (spec.type === 'ExternalName') return [];
  const clusterIP = spec.clusterIP ? parseIPSloppy(spec.clusterIP) : null;
  if (!clusterIP) return []; // headless (None) or unset: kube-proxy skips
  const ns = svc.metadata.namespace ?? 'default';
  const externalIPs = (spec.externalIPs ?? []).map(parseIPSloppy).filter((x): x is string => !!x);
  const lbIPs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => (i.ip ? parseIPSloppy(i.ip) : null)).filter((x): x is string => !!x);
  const isLbType = spec.type === 'LoadBalancer';
  const ranges = isLbType ? (spec.loadBalancerSourceRanges ?? []).map(parseCIDRSloppy).filter((x): x is string => !!x) : [];
  const out: ServicePortInfo[] = [];
  for (const port of spec.ports ?? []) {
    const portName = port.name ?? '';
    const name = `${ns}/${svc.metadata.name}${portName ? ':' + portName : ''}`;
    const nodePort = port.nodePort ?? 0;
    const loadBalancerVIPs = isLbType ? lbIPs : [];
    const externallyAccessible = nodePort !== 0 || loadBalancerVIPs.length > 0 || externalIPs.length > 0;
    const externallyAccessibleType = spec.type === 'NodePort' || spec.type === 'LoadBalancer' || externalIPs.length > 0;
    out.push({
      name,
      namespace: ns,
      serviceName: svc.metadata.name,
      portName,
      protocol: (port.protocol ?? 'TCP').toLowerCase(),
      clusterIP,
      port: port.port,
      nodePort,
      externalIPs,
      loadBalancerVIPs,
      loadBalancerSourceRanges: ranges,
      // apiservice.NeedsHealthCheck: only LoadBalancer services with externalTrafficPolicy Local.
      healthCheckNodePort: isLbType && spec.externalTrafficPolicy === 'Local' ? spec.healthCheckNodePort ?? 0 : 0,
      externalPolicyLocal: externallyAccessibleType && spec.externalTrafficPolicy === 'Local',
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      externallyAccessible,
      sessionAffinityClientIP: spec.sessionAffinity === 'ClientIP',
      stickyMaxAgeSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800,
    });
  }
  return out;
}

/** The endpoints of one service port, across its EndpointSlices, sorted as byEndpoint (string order). */
export function endpointsFor(sp: ServicePortInfo, slices: EndpointSlice[], nodeName: string): EndpointInfo[] {
  const byKey = new Map<string, EndpointInfo>();
  for (const slice of slices) {
    if ((slice.metadata.namespace ?? 'default') !== sp.namespace) continue;
    if (slice.metadata.labels?.[SERVICE_NAME_LABEL] !== sp.serviceName) continue;
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    for (const port of slice.ports ?? []) {
      if ((port.name ?? '') !== sp.portName) continue;
      if ((port.protocol ?? 'TCP').toLowerCase() !== sp.protocol) continue;
      if (port.port === undefined) continue;
      for (const ep of slice.endpoints ?? []) {
        const addr = ep.addresses?.[0];
        const ip = addr ? parseIPSloppy(addr) : null;
        if (!ip) continue;
        const ready = ep.conditions?.ready ?? true;
        const serving = ep.conditions?.serving ?? ready;
        const terminating = ep.conditions?.terminating ?? false;
        const str = `${ip}:${port.port}`;
        if (!byKey.has(str)) {
          const info: EndpointInfo = { ip, port: port.port, str, ready, serving, terminating, isLocal: ep.nodeName === nodeName };
          if (ep.nodeName) info.nodeName = ep.nodeName;
          byKey.set(str, info);
        }
      }
    }
  }
  return [...byKey.values()].sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
}

export const usesClusterEndpoints = (s: ServicePortInfo) => !s.internalPolicyLocal || (s.externallyAccessible && !s.externalPolicyLocal);
export const usesLocalEndpoints = (s: ServicePortInfo) => s.internalPolicyLocal || (s.externallyAccessible && s.externalPolicyLocal);

/** topology.go CategorizeEndpoints (without topology hints). */
export function categorizeEndpoints(sp: ServicePortInfo, eps: EndpointInfo[]) {
  let hasAnyEndpoints = false;
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  if (usesClusterEndpoints(sp)) {
    clusterEndpoints = eps.filter((e) => e.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = eps.filter((e) => e.serving && e.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: clusterEndpoints, hasAnyEndpoints };
  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const e of eps) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.isLocal) hasLocalReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.isLocal) hasLocalServingTerminating = true;
    }
  }
  if (hasLocalReady) localEndpoints = eps.filter((e) => e.isLocal && e.ready);
  else if (hasLocalServingTerminating) localEndpoints = eps.filter((e) => e.isLocal && e.serving && e.terminating);
  if (!usesClusterEndpoints(sp)) return { clusterEndpoints, localEndpoints, allReachable: localEndpoints, hasAnyEndpoints };
  const seen = new Set(clusterEndpoints.map((e) => e.str));
  const allReachable = [...clusterEndpoints, ...localEndpoints.filter((e) => !seen.has(e.str))];
  return { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints };
}
