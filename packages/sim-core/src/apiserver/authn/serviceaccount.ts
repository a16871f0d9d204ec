/**
 * ServiceAccount bearer tokens: JWTs kube-apiserver signs with its service-account key and
 * verifies on every request that carries `Authorization: Bearer …` and no client certificate.
 * The user is `system:serviceaccount:<namespace>:<name>` in the groups system:serviceaccounts,
 * system:serviceaccounts:<namespace> and system:authenticated, as the seed's "Security Model"
 * describes for the token mounted at /var/run/secrets/kubernetes.io/serviceaccount/token.
 *
 * Upstream (v1.33): pkg/serviceaccount/jwt.go (JWTTokenGenerator, the validator: issuer, audience,
 * expiry with 60 s leeway), pkg/serviceaccount/claims.go (the private claims under
 * "kubernetes.io": namespace, serviceaccount {name, uid}, pod, node), staging/src/k8s.io/apiserver/
 * pkg/authentication/serviceaccount/util.go (MakeUsername, MakeGroupNames), k3s's issuer and
 * audiences (https://kubernetes.default.svc.cluster.local, k3s).
 * Differs: the signature is HMAC-SHA256 under a lab key instead of RS256/ES256 under the
 * cluster's RSA key (the header says "HS256" so nobody mistakes it for a real token); the
 * validator does not look the ServiceAccount up to check that it and its uid still exist.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { AUTHENTICATED, type AuthnResult } from './x509';

export const SA_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const SA_AUDIENCES = ['https://kubernetes.default.svc.cluster.local', 'k3s'];
const LEEWAY_S = 60;

const enc = new TextEncoder();
// btoa/atob exist in Node and in the browser (Buffer does not).
const b64url = (b: Uint8Array): string => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64url = (s: string): string => new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0)));
const b64urlJson = (v: unknown): string => b64url(enc.encode(JSON.stringify(v)));

export interface ServiceAccountRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string }; pod?: { name: string; uid: string }; node?: { name: string; uid: string } };
  nbf: number;
  sub: string;
}

function sign(key: string, data: string): string {
  return b64url(hmac(sha256, enc.encode(key), enc.encode(data)));
}

/** TokenRequest's token (and kube-controller-manager's per-controller credentials). */
export function issueToken(key: string, sa: ServiceAccountRef, iatS: number, expirationSeconds: number, jti: string, bound?: { pod?: { name: string; uid: string }; node?: { name: string; uid: string } }): string {
  const header = { alg: 'HS256', kid: 'kubelab-sa-key' };
  const claims: TokenClaims = {
    aud: SA_AUDIENCES,
    exp: iatS + expirationSeconds,
    iat: iatS,
    iss: SA_ISSUER,
    jti,
    'kubernetes.io': { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid }, ...(bound ?? {}) },
    nbf: iatS,
    sub: `system:serviceaccount:${sa.namespace}:${sa.name}`,
  };
  const data = `${b64urlJson(header)}.${b64urlJson(claims)}`;
  return `${data}.${sign(key, data)}`;
}

/** The token authenticator: a verified, unexpired token for our issuer and audience → the service account user. */
export function authenticateToken(token: string, key: string, nowMs: number): AuthnResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, error: 'invalid bearer token' };
  const [h, c, sig] = parts as [string, string, string];
  if (sign(key, `${h}.${c}`) !== sig) return { ok: false, error: 'invalid bearer token, square/go-jose: error in cryptographic primitive' };
  let claims: TokenClaims;
  try {
    claims = JSON.parse(fromB64url(c)) as TokenClaims;
  } catch {
    return { ok: false, error: 'invalid bearer token' };
  }
  if (claims.iss !== SA_ISSUER) return { ok: false, error: 'invalid bearer token, token issuer is not trusted' };
  if (!claims.aud?.some((a) => SA_AUDIENCES.includes(a))) return { ok: false, error: 'invalid bearer token, token audiences ["' + (claims.aud ?? []).join('","') + '"] is invalid for the target audiences ["' + SA_AUDIENCES.join('","') + '"]' };
  const nowS = Math.floor(nowMs / 1000);
  if (nowS > claims.exp + LEEWAY_S) return { ok: false, error: 'invalid bearer token, service account token has expired' };
  const ns = claims['kubernetes.io'].namespace;
  const groups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`, AUTHENTICATED];
  return {
    ok: true,
    user: { username: claims.sub, groups, uid: claims['kubernetes.io'].serviceaccount.uid },
    method: 'serviceaccount-token',
    detail: `bearer token from issuer ${claims.iss} for ${claims.sub}: groups [${groups.join(' ')}]`,
  };
}
