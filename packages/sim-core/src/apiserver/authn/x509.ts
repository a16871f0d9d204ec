/**
 * Client-certificate authentication, as kube-apiserver's x509 authenticator does it: the chain
 * must verify against the client CA (--client-ca-file; in k3s `k3s-client-ca@<timestamp>`), be
 * within its validity and allow client auth; then the user name is the subject's CommonName and
 * the groups are its Organizations (CommonNameUserConversion), and the authenticated-group adder
 * appends "system:authenticated".
 *
 * Upstream: k8s.io/apiserver/pkg/authentication/request/x509/x509.go (Authenticator,
 * CommonNameUserConversion), pkg/authentication/group/authenticated_group_adder.go.
 * Leaves out: real signatures and keys (a certificate here names its issuer; "verifying" checks
 * the issuer is the trusted CA, the dates and the usage), intermediate chains, revocation.
 */

export interface Certificate {
  subject: { CN: string; O?: string[] };
  issuer: { CN: string };
  serial: string;
  notBefore: string;
  notAfter: string;
  extKeyUsage: ('clientAuth' | 'serverAuth')[];
  /** Subject alternative names, for serving certificates. */
  dnsNames?: string[];
  ipAddresses?: string[];
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type AuthnResult =
  | { ok: true; user: UserInfo; method: 'x509' | 'anonymous' | 'token' | 'serviceaccount-token'; detail: string }
  | { ok: false; error: string };

export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';

export function describeSubject(c: Certificate): string {
  const o = (c.subject.O ?? []).map((x) => `O=${x}`).join(', ');
  return o ? `${o}, CN=${c.subject.CN}` : `CN=${c.subject.CN}`;
}

/**
 * Authenticates a request by its peer certificate. `nowMs` is calendar time (for validity);
 * `clientCA` is the CommonName of the trusted client CA.
 */
export function authenticateX509(cert: Certificate | undefined, clientCA: string, nowMs: number, anonymousAllowed = true): AuthnResult {
  if (!cert) {
    if (anonymousAllowed) return { ok: true, user: { username: 'system:anonymous', groups: [UNAUTHENTICATED] }, method: 'anonymous', detail: 'no client certificate: anonymous' };
    return { ok: false, error: 'Unauthorized' };
  }
  if (cert.issuer.CN !== clientCA) {
    return { ok: false, error: `verifying certificate ${describeSubject(cert)} failed: x509: certificate signed by unknown authority` };
  }
  if (nowMs < Date.parse(cert.notBefore) || nowMs > Date.parse(cert.notAfter)) {
    return { ok: false, error: `verifying certificate ${describeSubject(cert)} failed: x509: certificate has expired or is not yet valid` };
  }
  if (!cert.extKeyUsage.includes('clientAuth')) {
    return { ok: false, error: `verifying certificate ${describeSubject(cert)} failed: x509: certificate specifies an incompatible key usage` };
  }
  const groups = [...(cert.subject.O ?? [])];
  if (!groups.includes(AUTHENTICATED)) groups.push(AUTHENTICATED);
  return {
    ok: true,
    user: { username: cert.subject.CN, groups },
    method: 'x509',
    detail: `certificate ${describeSubject(cert)} signed by ${clientCA}: user "${cert.subject.CN}", groups [${groups.join(' ')}]`,
  };
}
