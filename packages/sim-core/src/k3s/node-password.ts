/**
 * k3s node passwords: every agent keeps a random password in /etc/rancher/node/password and sends
 * it (header `k3s-Node-Password`, with `k3s-Node-Name`) when it asks the supervisor for its kubelet
 * certificates. The server keeps a scrypt hash of it in the immutable Secret
 * `kube-system/<node>.node-password.k3s` (created on the node's first request) and refuses a later
 * request for that node name with another password (403) — so a second machine cannot take an
 * existing node's name, and reinstalling a node under its old name fails until the Secret is
 * deleted ("duplicate hostname").
 *
 * Upstream (k3s v1.33): pkg/nodepassword/nodepassword.go (getSecretName, Ensure, verifyHash),
 * pkg/nodepassword/validate.go (GetNodeAuthValidator: "node name not set", "node password not
 * set", 400; a failed verification 403), pkg/authenticator/hash/scrypt.go (NewSCrypt: N=2^15, r=8,
 * p=1, 64-byte key, 8-byte salt; format `$1:<salt hex>:15:8:1:<key, unpadded base64>`),
 * pkg/agent/config/config.go (getNodeNamedCrt: the agent's error on 403, ensureNodePassword: 16
 * random bytes, hex).
 * Real scrypt (RFC 7914, @noble/hashes), so the lab's Secret verifies as k3s's would; its cost
 * (about a quarter of a second here) is paid once per certificate request. The salt comes from
 * the server's seeded random stream instead of crypto/rand.
 */
import { scrypt } from '@noble/hashes/scrypt.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

export const SCRYPT = { logN: 15, r: 8, p: 1, keyLen: 64, saltLen: 8 };

export const nodePasswordSecretName = (node: string): string => `${node}.node-password.k3s`.toLowerCase();

export const NODE_PASSWORD_FILE = '/etc/rancher/node/password';

/** The agent's error when the supervisor refuses its node password (403). */
export const NODE_PASSWORD_REJECTED = `Node password rejected, duplicate hostname or contents of '${NODE_PASSWORD_FILE}' may not match server node-passwd entry, try enabling a unique node name with the --with-node-id flag`;

/** base64.RawStdEncoding (no padding); btoa/atob exist in Node and in the browser. */
function rawBase64(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b)).replace(/=+$/, '');
}

function fromRawBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

/** SCrypt.CreateHash with the given salt (8 bytes). */
export function createHash(password: string, salt: Uint8Array): string {
  const dk = scrypt(new TextEncoder().encode(password), salt, { N: 1 << SCRYPT.logN, r: SCRYPT.r, p: SCRYPT.p, dkLen: SCRYPT.keyLen });
  return `$1:${bytesToHex(salt)}:${SCRYPT.logN}:${SCRYPT.r}:${SCRYPT.p}:${rawBase64(dk)}`;
}

/** SCrypt.VerifyHash: null when the password matches, else upstream's error text. */
export function verifyHash(hash: string, password: string): string | null {
  const m = /^\$(\d+):([0-9a-f]*):(\d+):(\d+):(\d+):(\S+)$/.exec(hash);
  if (!m) return 'unexpected EOF';
  if (Number(m[1]) !== 1) return `hash version ${m[1]} does not match package version 1`;
  let dk: Uint8Array;
  try {
    dk = fromRawBase64(m[6]!);
  } catch {
    return 'illegal base64 data';
  }
  const verify = scrypt(new TextEncoder().encode(password), hexToBytes(m[2]!), { N: 1 << Number(m[3]), r: Number(m[4]), p: Number(m[5]), dkLen: dk.length });
  let diff = dk.length === verify.length ? 0 : 1;
  for (let i = 0; i < dk.length && i < verify.length; i++) diff |= dk[i]! ^ verify[i]!;
  return diff === 0 ? null : 'hash does not match';
}

/** The Secret Ensure creates for a node's first certificate request. */
export function nodePasswordSecret(node: string, hash: string, uid: string, createdIso: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: nodePasswordSecretName(node), namespace: 'kube-system', uid, creationTimestamp: createdIso },
    immutable: true,
    data: { hash: rawStdBase64(new TextEncoder().encode(hash)) },
    type: 'Opaque',
  };
}

/** The hash a Secret holds (its data.hash, base64 as the API returns Secret data). */
export function hashOfSecret(secret: { data?: Record<string, string> } | undefined): string | undefined {
  const b = secret?.data?.['hash'];
  if (b === undefined) return undefined;
  return new TextDecoder().decode(fromRawBase64(b.replace(/=+$/, '')));
}

/** Padded standard base64 (how the API serializes a Secret's data). */
export function rawStdBase64(b: Uint8Array): string {
  return btoa(String.fromCharCode(...b));
}
