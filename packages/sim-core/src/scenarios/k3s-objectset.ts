/**
 * What k3s's deploy controller leaves on the objects of its packaged manifests
 * (/var/lib/rancher/k3s/server/manifests/*.yaml): wrangler's apply ("objectset") owner
 * annotations, the set's hash label, and the applied annotation — the object as applied, as
 * JSON, gzipped and base64-encoded — that the next apply diffs against.
 *
 * Upstream: k3s-io/k3s pkg/deploy/controller.go (each manifest is an Addon in kube-system applied
 * with the Addon as owner), rancher/wrangler pkg/apply/desiredset.go (LabelID, LabelGVK,
 * LabelName, LabelNamespace; objectSetHash = hex(sha1(id + gvk + name + namespace)) in hashOrder),
 * pkg/apply/desiredset_compare.go (serializeApplied: the unstructured object as json.Marshal
 * writes it, keys sorted, strings over 64 bytes cut; appliedToAnnotation: gzip, then
 * base64.RawStdEncoding).
 * Differs: Go's compress/gzip deflates; this writes the same JSON in a stored (uncompressed)
 * deflate block, so the annotation decodes to the same bytes but is not the same text.
 */
import type { KubeObject } from '../objects/meta';

export const OBJECTSET_ID = 'objectset.rio.cattle.io/id';
export const OBJECTSET_OWNER_GVK = 'objectset.rio.cattle.io/owner-gvk';
export const OBJECTSET_OWNER_NAME = 'objectset.rio.cattle.io/owner-name';
export const OBJECTSET_OWNER_NAMESPACE = 'objectset.rio.cattle.io/owner-namespace';
export const OBJECTSET_HASH = 'objectset.rio.cattle.io/hash';
export const OBJECTSET_APPLIED = 'objectset.rio.cattle.io/applied';

/**
 * objectSetHash for the Addons k3s applies (id "", owner gvk "k3s.cattle.io/v1, Kind=Addon",
 * namespace kube-system): sha1 of the concatenated values, computed once offline (sim code reads
 * no crypto library): sha1("k3s.cattle.io/v1, Kind=Addon" + "<addon>" + "kube-system").
 */
export const ADDON_HASHES: Record<string, string> = {
  'local-storage': '183f35c65ffbc3064603f43f1580d8c68a2dabd4',
};

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A gzip member (RFC 1952, the header Go's gzip.Writer writes: no mtime, OS 255) holding `data` in stored deflate blocks. */
export function gzipStored(data: Uint8Array): Uint8Array {
  const out: number[] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
  let off = 0;
  do {
    const len = Math.min(0xffff, data.length - off);
    const final = off + len >= data.length ? 1 : 0;
    out.push(final, len & 0xff, len >> 8, ~len & 0xff, (~len >> 8) & 0xff);
    for (let i = 0; i < len; i++) out.push(data[off + i]!);
    off += len;
  } while (off < data.length);
  const crc = crc32(data);
  out.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, data.length & 0xff, (data.length >>> 8) & 0xff, (data.length >>> 16) & 0xff, data.length >>> 24);
  return Uint8Array.from(out);
}

/** base64.RawStdEncoding (no padding). */
function rawBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/=+$/, '');
}

/** json.Marshal of a map: keys sorted at every level. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The manifest object as the deploy controller writes it for Addon `addon`: objectset annotations
 * and hash label added, then the applied annotation of that object.
 */
export function appliedByAddon(manifest: KubeObject, addon: string): KubeObject {
  const o = structuredClone(manifest);
  o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [OBJECTSET_ID]: '', [OBJECTSET_OWNER_GVK]: 'k3s.cattle.io/v1, Kind=Addon', [OBJECTSET_OWNER_NAME]: addon, [OBJECTSET_OWNER_NAMESPACE]: 'kube-system' };
  o.metadata.labels = { ...(o.metadata.labels ?? {}), [OBJECTSET_HASH]: ADDON_HASHES[addon]! };
  const applied = rawBase64(gzipStored(new TextEncoder().encode(sortedJson(o))));
  o.metadata.annotations[OBJECTSET_APPLIED] = applied;
  return o;
}
