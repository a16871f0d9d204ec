/**
 * The k3s join token, as `/var/lib/rancher/k3s/server/node-token` holds it and an agent's
 * K3S_TOKEN passes it: `K10<sha256 of the cluster CA bundle, hex>::<username>:<password>`
 * (e.g. `K10…::server:<password>`). An agent parses it, downloads the server's CA bundle from the
 * unauthenticated `/cacerts`, and refuses a server whose bundle does not hash to the token's
 * value — that is how a joining node knows it talks to the right cluster before it sends any
 * secret; the credentials then authenticate it to the supervisor's `/v1-k3s/*` endpoints.
 *
 * Upstream (k3s v1.33): pkg/clientaccess/token.go (parseToken, hashCA, validateCAHash,
 * FormatTokenBytes, Info.String; the texts "token must not be empty", "invalid token CA hash
 * length", "invalid token format", "token CA hash does not match the Cluster CA certificate hash:
 * %s != %s"), k8s.io/cluster-bootstrap token/util (the bootstrap token form
 * `^([a-z0-9]{6})\.([a-z0-9]{16})$`).
 * Leaves out: a bundle of several certificates (upstream verifies the chain and hashes the DER of
 * its root; the lab's clusters have one self-signed CA, hashed as the file's bytes, which is what
 * upstream does for one certificate), the OS trust store (k3s first tries /cacerts with the host's
 * CA bundle: a self-signed cluster CA never passes, so the lab goes straight to the hash check).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export const TOKEN_PREFIX = 'K10';
const CA_HASH_LENGTH = 64;
const BOOTSTRAP_TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export interface TokenInfo {
  /** The CA hash the token carries ('' for a bare password or bootstrap token). */
  caHash: string;
  username?: string;
  password?: string;
  /** A kubeadm-style bootstrap token `abcdef.0123456789abcdef` instead of username:password. */
  bootstrapToken?: string;
}

export class TokenError extends Error {}

/** parseToken: a full K10 token, a bare password, or a bootstrap token. */
export function parseToken(token: string): TokenInfo {
  if (token.length === 0) throw new TokenError('token must not be empty');
  // A bare password or bootstrap token becomes a K10 token with an empty CA hash.
  if (!token.startsWith(TOKEN_PREFIX)) token = BOOTSTRAP_TOKEN.test(token) ? `${TOKEN_PREFIX}::${token}` : `${TOKEN_PREFIX}:::${token}`;
  token = token.slice(TOKEN_PREFIX.length);
  let caHash = '';
  const at = token.indexOf('::');
  if (at >= 0) {
    const hash = token.slice(0, at);
    // Go's len(): bytes (UTF-8), not UTF-16 code units.
    const hashLen = new TextEncoder().encode(hash).length;
    if (hashLen > 0 && hashLen !== CA_HASH_LENGTH) throw new TokenError('invalid token CA hash length');
    caHash = hash;
    token = token.slice(at + 2);
  }
  if (BOOTSTRAP_TOKEN.test(token)) return { caHash, bootstrapToken: token };
  const colon = token.indexOf(':');
  if (colon < 0 || colon === token.length - 1) throw new TokenError('invalid token format');
  return { caHash, username: token.slice(0, colon), password: token.slice(colon + 1) };
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/g;

/** The certificates (DER) of a PEM bundle; certutil.ParseCertsPEM's error when there are none. */
export function certsOfPem(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_CERT)) out.push(base64Bytes(m[1]!.replace(/\s+/g, '')));
  if (out.length === 0) throw new TokenError('data does not contain any valid RSA or ECDSA certificates');
  return out;
}

/** hashCA: the hex SHA-256 of the bundle's bytes (one certificate) or of its root's DER (several). */
export function hashCA(bundle: string): string {
  const certs = certsOfPem(bundle);
  const bytes = certs.length > 1 ? certs[certs.length - 1]! : new TextEncoder().encode(bundle);
  return bytesToHex(sha256(bytes));
}

/** FormatTokenBytes: `K10<hashCA(bundle)>::<creds>`. */
export function formatToken(creds: string, caBundle: string): string {
  return creds.length === 0 ? '' : `${TOKEN_PREFIX}${hashCA(caBundle)}::${creds}`;
}

/** validateCAHash, for a self-signed cluster CA: null when the bundle is the one the token names. */
export function validateCAHash(info: TokenInfo, caBundle: string): string | null {
  // Upstream checks only when both are set; an empty bundle is the host-trusted case (no CACerts).
  if (info.caHash.length === 0 || caBundle.length === 0) return null;
  const serverHash = hashCA(caBundle);
  return info.caHash === serverHash ? null : `token CA hash does not match the Cluster CA certificate hash: ${info.caHash} != ${serverHash}`;
}

/** The warning k3s logs for a token without a CA hash (a bare password): nothing is checked. */
export const NO_CA_HASH_WARNING = "Cluster CA certificate is not trusted by the host CA bundle, but the token does not include a CA hash. Use the full token from the server's node-token file to enable Cluster CA validation.";

function base64Bytes(b64: string): Uint8Array {
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    throw new TokenError('data does not contain any valid RSA or ECDSA certificates');
  }
}
