/**
 * Kubernetes' protobuf wire format, decoded to the JSON form of the same object — what
 * kube-apiserver does when kubectl 1.32+ sends `Content-Type: application/vnd.kubernetes.protobuf`
 * (typed clients: `create deployment`, `create namespace`, `auth can-i`, `drain`'s evictions, …).
 *
 * Envelope: the 4 magic bytes "k8s\0", then a runtime.Unknown {typeMeta {apiVersion, kind}, raw,
 * contentEncoding, contentType}; `raw` is the object's message from k8s.io/api's generated.proto.
 * The descriptors (k8s-types.json) are built from kubernetes/api and kubernetes/apimachinery
 * v0.33.5 by scripts/vendor-k8s-protos.ts.
 *
 * Conversion to JSON, as the Go structs would marshal: gogo-protobuf writes every non-pointer field
 * even at its zero value, so zero scalars are dropped (the JSON tags' omitempty) except the pointer
 * fields listed in POINTER_SCALARS, where 0/false is meaningful (`--replicas=0`); messages are kept
 * (an empty message is a set struct: `emptyDir: {}`); meta.v1.Time → RFC 3339 (seconds 0 → absent),
 * MicroTime → RFC 3339 with microseconds, IntOrString → the int or the string, Quantity → its
 * string, runtime.RawExtension → the embedded JSON, bytes → base64.
 *
 * Upstream: k8s.io/apimachinery/pkg/runtime/serializer/protobuf/protobuf.go (protoEncodingPrefix,
 * Serializer.Decode), pkg/runtime/types_proto.go (Unknown), pkg/apis/meta/v1/time_proto.go,
 * micro_time_proto.go, pkg/util/intstr/intstr.go, pkg/api/resource/quantity_proto.go.
 * Leaves out: protobuf responses (the lab answers JSON, which every kubectl accepts), the
 * Table/WatchEvent protobuf forms, meta.v1.Duration (kept as nanoseconds).
 */
import protobuf from 'protobufjs';
import descriptors from './k8s-types.json';
import { microTime, rfc3339 } from '../../objects/meta';

export const PROTOBUF_MAGIC = [0x6b, 0x38, 0x73, 0x00];

let root: protobuf.Root | undefined;
const types = () => (root ??= protobuf.Root.fromJSON(descriptors as protobuf.INamespace));

/** Go pointer fields (<Message>.<field>) whose zero value is written on purpose (kept when 0/false/""). */
const POINTER_SCALARS = new Set([
  'DeploymentSpec.replicas',
  'DeploymentSpec.revisionHistoryLimit',
  'DeploymentSpec.progressDeadlineSeconds',
  'ReplicaSetSpec.replicas',
  'StatefulSetSpec.replicas',
  'StatefulSetSpec.revisionHistoryLimit',
  'DaemonSetSpec.revisionHistoryLimit',
  'PodSpec.terminationGracePeriodSeconds',
  'PodSpec.activeDeadlineSeconds',
  'PodSpec.automountServiceAccountToken',
  'PodSpec.enableServiceLinks',
  'PodSpec.shareProcessNamespace',
  'PodSpec.hostUsers',
  'ServiceAccount.automountServiceAccountToken',
  'SecurityContext.runAsUser',
  'SecurityContext.runAsGroup',
  'SecurityContext.runAsNonRoot',
  'SecurityContext.privileged',
  'SecurityContext.readOnlyRootFilesystem',
  'SecurityContext.allowPrivilegeEscalation',
  'PodSecurityContext.runAsUser',
  'PodSecurityContext.runAsGroup',
  'PodSecurityContext.runAsNonRoot',
  'PodSecurityContext.fsGroup',
  'TokenRequestSpec.expirationSeconds',
  'Toleration.tolerationSeconds',
  'SecretVolumeSource.defaultMode',
  'SecretVolumeSource.optional',
  'ConfigMapVolumeSource.defaultMode',
  'ConfigMapVolumeSource.optional',
  'ConfigMapKeySelector.optional',
  'SecretKeySelector.optional',
  'DeleteOptions.gracePeriodSeconds',
  'DeleteOptions.orphanDependents',
  'ConfigMap.immutable',
  'Secret.immutable',
  'LeaseSpec.leaseDurationSeconds',
  'LeaseSpec.leaseTransitions',
  'PersistentVolumeClaimSpec.storageClassName',
  'StorageClass.allowVolumeExpansion',
]);

/**
 * Go structs embedded with `json:",inline"` (k8s.io/api v0.33.5 types.go): in JSON their fields
 * are the parent's (`volumes[0].persistentVolumeClaim`, `livenessProbe.httpGet`, a PV's
 * `hostPath`), in protobuf a nested message (`volumeSource`, `handler`, `persistentVolumeSource`).
 */
const INLINE_FIELDS = new Set([
  'Volume.volumeSource',
  'PersistentVolumeSpec.persistentVolumeSource',
  'Probe.handler',
  'EphemeralContainer.ephemeralContainerCommon',
  'SecretProjection.localObjectReference',
  'ConfigMapVolumeSource.localObjectReference',
  'ConfigMapProjection.localObjectReference',
  'ConfigMapKeySelector.localObjectReference',
  'SecretKeySelector.localObjectReference',
  'ConfigMapEnvSource.localObjectReference',
  'SecretEnvSource.localObjectReference',
]);
const isInline = (t: protobuf.Type, f: protobuf.Field): boolean => t.fullName.startsWith('.k8s.io.api.core.v1.') && INLINE_FIELDS.has(`${t.name}.${f.name}`);

/** The field a JSON key names on `t`, looking through inline-embedded messages. */
function jsonField(t: protobuf.Type, key: string): protobuf.Field | undefined {
  const f = t.fields[key];
  if (f && !isInline(t, f)) return f;
  for (const g of t.fieldsArray) if (isInline(t, g) && g.resolvedType instanceof protobuf.Type) {
    const inner = jsonField(g.resolvedType, key);
    if (inner) return inner;
  }
  return undefined;
}

/** API group → the proto package of its generated.proto. */
function protoPackage(apiVersion: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  const name = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/^rbac\.authorization$/, 'rbac');
  return /^[a-z0-9]+$/.test(name) && /^v[0-9a-z]+$/.test(version) ? `k8s.io.api.${name}.${version}` : undefined;
}

export class ProtobufDecodeError extends Error {}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function bytesToBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return btoa(s);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : v && typeof v === 'object' && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : Number(v ?? 0));

function convert(type: protobuf.Type, msg: Record<string, unknown>): unknown {
  switch (type.fullName) {
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.Time': {
      const s = num(msg['seconds']);
      return s === 0 ? undefined : rfc3339(s * 1000);
    }
    case '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': {
      const s = num(msg['seconds']);
      return s === 0 ? undefined : microTime(s * 1_000_000 + Math.floor(num(msg['nanos']) / 1000));
    }
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return num(msg['type']) === 1 ? String(msg['strVal'] ?? '') : num(msg['intVal']);
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return String(msg['string'] ?? '');
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension': {
      const raw = msg['raw'] as Uint8Array | undefined;
      if (!raw || raw.length === 0) return undefined;
      try {
        return JSON.parse(new TextDecoder().decode(raw));
      } catch {
        return undefined;
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(msg, field.name)) continue;
    const v = msg[field.name];
    const conv = (x: unknown): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return convert(field.resolvedType, x as Record<string, unknown>);
      if (field.resolvedType instanceof protobuf.Enum) return x;
      if (field.type === 'bytes') return bytesToBase64(x as Uint8Array);
      if (field.type === 'int64' || field.type === 'uint64' || field.type === 'sint64' || field.type === 'fixed64' || field.type === 'sfixed64') return num(x);
      return x;
    };
    if (field.map) {
      const m = v as Record<string, unknown>;
      const keys = Object.keys(m);
      if (keys.length === 0) continue;
      const o: Record<string, unknown> = {};
      for (const k of keys) o[k] = conv(m[k]);
      out[field.name] = o;
    } else if (field.repeated) {
      const arr = v as unknown[];
      if (arr.length === 0) continue;
      out[field.name] = arr.map(conv);
    } else {
      const c = conv(v);
      if (c === undefined) continue;
      const zero = c === '' || c === 0 || c === false;
      if (zero && !(field.resolvedType instanceof protobuf.Type) && !POINTER_SCALARS.has(`${type.name}.${field.name}`)) continue;
      if (isInline(type, field) && c && typeof c === 'object') Object.assign(out, c);
      else out[field.name] = c;
    }
  }
  return out;
}

/**
 * Decodes a protobuf request body to the object's JSON form. Throws ProtobufDecodeError with
 * apiserver-like text for a body that is not Kubernetes protobuf.
 */
export function decodeK8sProtobuf(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length < 4 || PROTOBUF_MAGIC.some((b, i) => bytes[i] !== b)) throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]`);
  const t = types();
  let unknown: Record<string, unknown>;
  try {
    unknown = t.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown').decode(bytes.subarray(4)) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new ProtobufDecodeError(`unable to decode the protobuf envelope: ${(e as Error).message}`);
  }
  const tm = (unknown['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = tm.apiVersion ?? '';
  const kind = tm.kind ?? '';
  const pkg = protoPackage(apiVersion);
  const type = pkg && kind ? (t.lookup(`${pkg}.${kind}`) as protobuf.Type | null) : null;
  if (!type || !(type instanceof protobuf.Type)) throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/runtime/scheme.go:100"`);
  let msg: Record<string, unknown>;
  try {
    msg = type.decode((unknown['raw'] as Uint8Array | undefined) ?? new Uint8Array()) as unknown as Record<string, unknown>;
  } catch (e) {
    throw new ProtobufDecodeError(`unable to decode ${apiVersion}, Kind=${kind}: ${(e as Error).message}`);
  }
  return { kind, apiVersion, ...(convert(type, msg) as Record<string, unknown>) };
}

/** Types whose JSON form is not their message's fields (a string, a number, or any JSON). */
const OPAQUE = new Set([
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Duration',
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  '.k8s.io.apimachinery.pkg.api.resource.Quantity',
  '.k8s.io.apimachinery.pkg.runtime.RawExtension',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
]);

/**
 * The JSON fields of `obj` its kind's schema does not have, as the strict JSON decoder reports them
 * (`fieldValidation=Strict`): paths like `spec.template.spec.containers[0].imagez`, in document
 * order. Undefined when the kind is unknown to the schema. apiVersion and kind are always known.
 * Upstream: k8s.io/apimachinery/pkg/runtime/serializer/json (strict decoding via sigs.k8s.io/json
 * UnmarshalStrict), apiserver handlers/create.go and update.go (fieldValidation).
 */
export function unknownJsonFields(apiVersion: string, kind: string, obj: unknown, opts: { prune?: boolean } = {}): string[] | undefined {
  const pkg = protoPackage(apiVersion);
  const type = pkg ? (types().lookup(`${pkg}.${kind}`) as protobuf.Type | null) : null;
  if (!type || !(type instanceof protobuf.Type)) return undefined;
  const out: string[] = [];
  const walk = (t: protobuf.Type, v: unknown, path: string) => {
    if (OPAQUE.has(t.fullName) || v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [key, val] of Object.entries(v as Record<string, unknown>)) {
      if (path === '' && (key === 'apiVersion' || key === 'kind')) continue;
      const f = jsonField(t, key);
      const p = path ? `${path}.${key}` : key;
      if (!f) {
        out.push(p);
        // The JSON decoder drops what the Go type has no field for (fieldValidation Ignore/Warn).
        if (opts.prune) delete (v as Record<string, unknown>)[key];
        continue;
      }
      const rt = f.resolvedType;
      if (!(rt instanceof protobuf.Type)) continue;
      if (f.map && val && typeof val === 'object') for (const [mk, mv] of Object.entries(val as Record<string, unknown>)) walk(rt, mv, `${p}.${mk}`);
      else if (f.repeated && Array.isArray(val)) val.forEach((x, i) => walk(rt, x, `${p}[${i}]`));
      else walk(rt, val, p);
    }
  };
  walk(type, obj, '');
  return out;
}
