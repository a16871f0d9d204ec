/**
 * Models: name resolution in the cluster as a pod sees it: the pod's /etc/resolv.conf that kubelet
 * writes (nameserver = --cluster-dns, search <ns>.svc.cluster.local svc.cluster.local cluster.local,
 * options ndots:5), the resolver's search-list expansion (glibc/musl: a name with fewer than ndots
 * dots is tried with each search suffix first), and CoreDNS's kubernetes plugin answering
 * <service>.<namespace>.svc.cluster.local with the ClusterIP (headless: the endpoint IPs) or
 * NXDOMAIN.
 * Follows: kubernetes pkg/kubelet/network/dns/dns.go (generateSearchesForDNSClusterFirst,
 * ndots:5), coredns/coredns plugin/kubernetes (A records for services and endpoints), k3s
 * manifests/coredns.yaml (cluster.local, kube-dns at 10.43.0.10).
 * Leaves out: AAAA, SRV and PTR records, pod A records (a-b-c-d.ns.pod), the host's own search
 * domains appended after the cluster ones, caching, upstream forwarding (names outside
 * cluster.local get NXDOMAIN here; CoreDNS would forward them to the node's resolv.conf).
 */
import { FieldError } from '../errors';
import type { Service, EndpointSlice } from '../iptables/objects';
import { SERVICE_NAME_LABEL } from '../iptables/objects';

export const CLUSTER_DOMAIN = 'cluster.local';

export function resolvConf(namespace: string, clusterDns = '10.43.0.10', domain = CLUSTER_DOMAIN): string {
  return `search ${namespace}.svc.${domain} svc.${domain} ${domain}\nnameserver ${clusterDns}\noptions ndots:5\n`;
}

/** The names the resolver tries, in order, for a query from a pod in `namespace`. */
export function searchCandidates(name: string, namespace: string, domain = CLUSTER_DOMAIN, ndots = 5): string[] {
  if (!name || !/^[a-zA-Z0-9.-]+\.?$/.test(name)) throw new FieldError('name', name, 'must be a DNS name');
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const search = [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
  const dots = name.split('.').length - 1;
  const expanded = search.map((s) => `${name}.${s}`);
  return dots >= ndots ? [name, ...expanded] : [...expanded, name];
}

export interface DnsAnswer {
  query: string;
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: { name: string; type: 'A'; ttl: number; ip: string }[];
}

/** CoreDNS kubernetes plugin: one fully-qualified name → answer. */
export function coreDnsAnswer(fqdn: string, services: Service[], slices: EndpointSlice[], domain = CLUSTER_DOMAIN): DnsAnswer {
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  const suffix = `.svc.${domain}`;
  const nx: DnsAnswer = { query: name, rcode: 'NXDOMAIN', answers: [] };
  if (!name.endsWith(suffix)) return nx;
  const parts = name.slice(0, -suffix.length).split('.');
  if (parts.length !== 2) return nx;
  const [svcName, ns] = parts as [string, string];
  const svc = services.find((s) => s.metadata.name === svcName && (s.metadata.namespace ?? 'default') === ns);
  if (!svc) return nx;
  const ttl = 5; // CoreDNS kubernetes plugin default ttl
  if (svc.spec.clusterIP === 'None') {
    const ips = slices
      .filter((s) => (s.metadata.namespace ?? 'default') === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === svcName)
      .flatMap((s) => (s.endpoints ?? []).filter((e) => e.conditions?.ready ?? true).map((e) => e.addresses[0]!))
      .sort();
    return { query: name, rcode: 'NOERROR', answers: ips.map((ip) => ({ name, type: 'A', ttl, ip })) };
  }
  if (!svc.spec.clusterIP) return nx;
  return { query: name, rcode: 'NOERROR', answers: [{ name, type: 'A', ttl, ip: svc.spec.clusterIP }] };
}

/** What a pod's resolver does: try each candidate until one answers NOERROR. */
export function resolve(name: string, namespace: string, services: Service[], slices: EndpointSlice[] = []): { tried: DnsAnswer[]; answer: DnsAnswer } {
  const tried: DnsAnswer[] = [];
  for (const c of searchCandidates(name, namespace)) {
    const a = coreDnsAnswer(c, services, slices);
    tried.push(a);
    if (a.rcode === 'NOERROR') return { tried, answer: a };
  }
  return { tried, answer: tried[tried.length - 1]! };
}

/** The in-cluster Services CoreDNS always knows about on a k3s cluster. */
export function k3sSystemServices(): Service[] {
  return [
    { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { type: 'ClusterIP', clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] } },
    { metadata: { namespace: 'kube-system', name: 'kube-dns' }, spec: { type: 'ClusterIP', clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }] } },
  ];
}
