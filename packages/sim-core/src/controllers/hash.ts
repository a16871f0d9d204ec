/**
 * pod-template-hash, the label the Deployment controller puts on a ReplicaSet and its pods.
 * Upstream: pkg/controller/controller_utils.go ComputeHash — FNV-32a over the template (plus the
 * collisionCount as 4 little-endian bytes), then k8s.io/apimachinery/pkg/util/rand
 * SafeEncodeString of the decimal sum (each byte b → "bcdfghjklmnpqrstvwxz2456789"[b % 27]).
 * Differs: upstream feeds FNV with hashutil.DeepHashObject, a go-spew %#v dump of the Go struct
 * (every field, zero values included); the lab hashes the template's canonical JSON (sorted keys)
 * instead, so the same template always gives the same hash here but not the same string as a
 * real cluster.
 */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let r = '';
  for (let i = 0; i < s.length; i++) r += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return r;
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
