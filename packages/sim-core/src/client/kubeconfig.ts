/**
 * ~/.kube/config as k3s writes it (/etc/rancher/k3s/k3s.yaml): one cluster, one user with a
 * client certificate, one context, all named "default" — the seed shows exactly this file.
 */
import type { Certificate } from '../apiserver/authn/x509';

export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
}

/** The parsed view kubectl works with after loading the file. */
export interface ClientConfig {
  path: string;
  context: string;
  server: string;
  host: string;
  port: number;
  namespace: string;
  clientCertificate: Certificate;
  certificateAuthority: string;
}

export function k3sKubeconfig(server: string, clientCert: Certificate): Kubeconfig {
  const b64 = (s: string) => (typeof btoa === 'function' ? btoa(s) : s);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'default',
    clusters: [{ name: 'default', cluster: { server, 'certificate-authority-data': b64(`-----BEGIN CERTIFICATE----- (k3s-server-ca) -----END CERTIFICATE-----`) } }],
    users: [{ name: 'default', user: { 'client-certificate-data': b64(`-----BEGIN CERTIFICATE----- (${clientCert.subject.CN}) -----END CERTIFICATE-----`), 'client-key-data': b64('-----BEGIN EC PRIVATE KEY----- (redacted) -----END EC PRIVATE KEY-----') } }],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
  };
}

export function loadClientConfig(path: string, kc: Kubeconfig, clientCertificate: Certificate): ClientConfig {
  const ctx = kc.contexts.find((c) => c.name === kc['current-context'])!;
  const cluster = kc.clusters.find((c) => c.name === ctx.context.cluster)!;
  const url = new URL(cluster.cluster.server);
  return {
    path,
    context: ctx.name,
    server: cluster.cluster.server,
    host: url.hostname,
    port: Number(url.port || 443),
    namespace: ctx.context.namespace ?? 'default',
    clientCertificate,
    certificateAuthority: 'k3s-server-ca',
  };
}
