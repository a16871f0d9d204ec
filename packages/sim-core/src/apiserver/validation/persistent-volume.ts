/**
 * core/v1 PersistentVolumeClaim and PersistentVolume validation, in upstream's order and words,
 * and the quantity decode errors the JSON decoder gives before validation runs.
 *
 * Upstream (v1.33): pkg/apis/core/validation/validation.go — ValidatePersistentVolumeClaim
 * (ValidateObjectMeta with ValidatePersistentVolumeName = NameIsDNSSubdomain),
 * ValidatePersistentVolumeClaimSpec ("at least 1 access mode is required", supportedAccessModes
 * ReadOnlyMany/ReadWriteMany/ReadWriteOnce/ReadWriteOncePod, "may not use ReadWriteOncePod with
 * other access modes", `spec.resources[storage]: Required value`, ValidatePositiveQuantityValue
 * "must be greater than zero", ValidateClassName on storageClassName, supportedVolumeModes
 * Block/Filesystem), ValidatePersistentVolume (name, capacity[storage] required and positive,
 * accessModes required, reclaim policy Delete/Recycle/Retain, storageClassName);
 * k8s.io/apimachinery/pkg/api/resource/quantity.go (UnmarshalJSON → ParseQuantity errors, which
 * the strict decoder reports as `<Kind> in version "v1" cannot be handled as a <Kind>: …`).
 * ValidatePersistentVolumeClaimUpdate: the spec is immutable after creation but for
 * resources.requests and volumeAttributesClassName of bound claims, volumeName set once, and a
 * class set where there was none (the retroactive default class); the error carries
 * go-cmp's cmp.Diff of the two specs (two unchanged fields of context, the rest as "... // N
 * identical fields", names aligned) — an approximation: cmp's layout is deliberately unstable
 * (it varies its spacing) and the lab prints changed struct fields whole rather than nested.
 * Leaves out: dataSource/dataSourceRef, selector syntax, volumeAttributesClassName, each volume
 * source's own fields (only "exactly one volume type" is checked), node affinity.
 */
import { canonicalQuantity, parseQuantity, QuantityParseError } from '../../objects/quantity';
import { forbidden, invalid, notSupported, required, type FieldError, type GoValue } from './field';
import { isDNS1123Subdomain, validateObjectName } from './core';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validateAccessModes(modes: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = Array.isArray(modes) ? (modes as unknown[]) : [];
  if (list.length === 0) errs.push(required(path, 'at least 1 access mode is required'));
  let rwop = false;
  let other = false;
  for (const m of list) {
    if (!ACCESS_MODES.includes(m as string)) errs.push(notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m as string)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** The storage quantity of a ResourceList: required and greater than zero (ValidatePositiveQuantityValue). */
function validateStorage(list: unknown, path: string): FieldError[] {
  const v = list && typeof list === 'object' ? (list as Record<string, unknown>)['storage'] : undefined;
  if (v === undefined || v === null) return [required(`${path}[storage]`, '')];
  let positive = false;
  let text = String(v);
  try {
    const q = parseQuantity(v as string);
    positive = q.nano > 0n;
    text = typeof v === 'string' ? v : text;
  } catch {
    return [];
  }
  return positive ? [] : [invalid(`${path}[storage]`, text, 'must be greater than zero')];
}

function validateClassName(name: unknown, path: string): FieldError[] {
  if (typeof name !== 'string' || name.length === 0) return [];
  return isDNS1123Subdomain(name).map((m) => invalid(path, name, m));
}

/** ValidatePersistentVolumeClaim (after defaulting). */
export function validatePersistentVolumeClaim(pvc: any): FieldError[] {
  const errs = validateObjectName(pvc?.metadata?.name);
  const spec = pvc?.spec ?? {};
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
  errs.push(...validateStorage(spec.resources?.requests, 'spec.resources'));
  errs.push(...validateClassName(spec.storageClassName, 'spec.storageClassName'));
  if (spec.volumeMode !== undefined && spec.volumeMode !== null && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  return errs;
}

/** ValidatePersistentVolume, the parts above (after defaulting). */
export function validatePersistentVolume(pv: any): FieldError[] {
  const errs = validateObjectName(pv?.metadata?.name);
  const spec = pv?.spec ?? {};
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes'));
  const cap = spec.capacity;
  if (!cap || typeof cap !== 'object' || Object.keys(cap).length === 0) errs.push(required('spec.capacity', ''));
  else {
    for (const k of Object.keys(cap).sort()) if (k !== 'storage') errs.push(notSupported(`spec.capacity`, k, ['storage']));
    errs.push(...validateStorage(cap, 'spec.capacity'));
  }
  const rp = spec.persistentVolumeReclaimPolicy;
  if (typeof rp === 'string' && rp.length > 0 && !RECLAIM_POLICIES.includes(rp)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', rp, RECLAIM_POLICIES));
  errs.push(...validateClassName(spec.storageClassName, 'spec.storageClassName'));
  if (spec.volumeMode !== undefined && spec.volumeMode !== null && !VOLUME_MODES.includes(spec.volumeMode)) errs.push(notSupported('spec.volumeMode', spec.volumeMode, VOLUME_MODES));
  const sources = PV_SOURCES.filter((k) => spec[k] !== undefined && spec[k] !== null);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  for (const k of sources.slice(1)) errs.push(forbidden(`spec.${k}`, 'may not specify more than 1 volume type'));
  return errs;
}

/** PersistentVolumeSource's members, in the order ValidatePersistentVolumeSpec counts them. */
const PV_SOURCES = ['hostPath', 'glusterfs', 'flocker', 'gcePersistentDisk', 'awsElasticBlockStore', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi'];

/** The resource maps of each storage kind whose values are Quantities (JSON paths). */
const QUANTITY_MAPS: Record<string, string[][]> = {
  PersistentVolumeClaim: [
    ['spec', 'resources', 'requests'],
    ['spec', 'resources', 'limits'],
    ['status', 'capacity'],
    ['status', 'allocatedResources'],
  ],
  PersistentVolume: [['spec', 'capacity']],
  ResourceQuota: [
    ['spec', 'hard'],
    ['status', 'hard'],
    ['status', 'used'],
  ],
};

/**
 * The JSON decoder's error for a quantity that does not parse (a 400 before any validation):
 * `PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: quantities
 * must match the regular expression …`, or undefined.
 */
export function quantityDecodeError(kind: string, version: string, obj: unknown): string | undefined {
  for (const path of QUANTITY_MAPS[kind] ?? []) {
    let m: any = obj;
    for (const p of path) m = m?.[p];
    if (!m || typeof m !== 'object') continue;
    for (const v of Object.values(m as Record<string, unknown>)) {
      if (v === null) continue;
      try {
        if (typeof v !== 'string' && typeof v !== 'number') throw new QuantityParseError('cannot unmarshal ' + (Array.isArray(v) ? 'array' : typeof v) + ' into Go value of type resource.Quantity');
        parseQuantity(v);
      } catch (e) {
        if (!(e instanceof QuantityParseError)) throw e;
        return `${kind} in version "${version}" cannot be handled as a ${kind}: ${e.message}`;
      }
    }
  }
  return undefined;
}

/** The internal PersistentVolumeClaimSpec's fields, in Go order: JSON name and Go name. */
const CLAIM_SPEC_FIELDS: [string, string][] = [
  ['accessModes', 'AccessModes'],
  ['selector', 'Selector'],
  ['resources', 'Resources'],
  ['volumeName', 'VolumeName'],
  ['storageClassName', 'StorageClassName'],
  ['volumeMode', 'VolumeMode'],
  ['dataSource', 'DataSource'],
  ['dataSourceRef', 'DataSourceRef'],
  ['volumeAttributesClassName', 'VolumeAttributesClassName'],
];
const POINTER_FIELDS = new Set(['selector', 'storageClassName', 'volumeMode', 'dataSource', 'dataSourceRef', 'volumeAttributesClassName']);

/** A Go value as cmp formats it in a diff line (structs without their zero fields, quantities elided). */
function cmpValue(key: string, v: unknown): string {
  if (v === undefined || v === null) return key === 'volumeName' ? '""' : key === 'resources' ? '{}' : 'nil';
  if (key === 'resources') {
    const list = (m: Record<string, unknown>) =>
      `{${Object.keys(m)
        .sort()
        .map((k) => {
          const q = m[k] as string;
          const f = /[KMGTPE]i$/.test(q) ? 'BinarySI' : /e/i.test(q.replace(/[EP]$/, '')) ? 'DecimalExponent' : 'DecimalSI';
          return `s${JSON.stringify(k)}: {i: {...}, ${canonicalQuantity(q) === q ? `s: ${JSON.stringify(q)}, ` : ''}Format: ${JSON.stringify(f)}}`;
        })
        .join(', ')}}`;
    const r = v as { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
    const parts = [...(r.limits ? [`Limits: ${list(r.limits)}`] : []), ...(r.requests ? [`Requests: ${list(r.requests)}`] : [])];
    return `{${parts.join(', ')}}`;
  }
  const lit = (x: unknown): string => (typeof x === 'string' ? JSON.stringify(x) : Array.isArray(x) ? `{${x.map(lit).join(', ')}}` : x && typeof x === 'object' ? `{${Object.entries(x as Record<string, unknown>).map(([k, y]) => `${k[0]!.toUpperCase()}${k.slice(1)}: ${lit(y)}`).join(', ')}}` : String(x));
  return POINTER_FIELDS.has(key) ? `&${lit(v)}` : lit(v);
}

/** cmp.Diff(old.Spec, new.Spec) for two claim specs, as kube-apiserver embeds it in the error. */
export function claimSpecDiff(oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): string {
  const rows = CLAIM_SPEC_FIELDS.map(([k, name]) => ({ name, o: cmpValue(k, oldSpec[k]), n: cmpValue(k, newSpec[k]) }));
  const changed = rows.map((r) => r.o !== r.n);
  const shown = rows.map((_, i) => changed.slice(Math.max(0, i - 2), i + 3).some(Boolean));
  const width = Math.max(...rows.filter((_, i) => shown[i]).map((r) => r.name.length + 1));
  const pad = (name: string) => `${name}:`.padEnd(width + 1);
  const lines = ['  core.PersistentVolumeClaimSpec{'];
  let skipped = 0;
  const flush = () => {
    if (skipped > 0) lines.push(`  \t... // ${skipped} identical field${skipped > 1 ? 's' : ''}`);
    skipped = 0;
  };
  rows.forEach((r, i) => {
    if (!shown[i]) {
      skipped++;
      return;
    }
    flush();
    if (changed[i]) lines.push(`- \t${pad(r.name)}${r.o},`, `+ \t${pad(r.name)}${r.n},`);
    else lines.push(`  \t${pad(r.name)}${r.o},`);
  });
  flush();
  lines.push('  }');
  return lines.join('\n');
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** ValidatePersistentVolumeClaimUpdate, after ValidatePersistentVolumeClaim of the new claim. */
export function validatePersistentVolumeClaimUpdate(pvc: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  const newSpec = structuredClone(pvc?.spec ?? {}) as Record<string, any>;
  const oldSpec = structuredClone(old?.spec ?? {}) as Record<string, any>;
  // volumeName may be set once; a class may be set where there was none (retroactive default class).
  if (!oldSpec['volumeName']) oldSpec['volumeName'] = newSpec['volumeName'];
  if ((oldSpec['storageClassName'] === undefined || oldSpec['storageClassName'] === null) && !(old?.metadata?.annotations && 'volume.beta.kubernetes.io/storage-class' in old.metadata.annotations)) oldSpec['storageClassName'] = newSpec['storageClassName'];
  if (pvc?.status?.phase === 'Bound') {
    if (newSpec['resources']?.requests && oldSpec['resources']?.requests) newSpec['resources'] = { ...newSpec['resources'], requests: { ...newSpec['resources'].requests, storage: oldSpec['resources'].requests.storage } };
    if (newSpec['volumeAttributesClassName'] !== undefined) newSpec['volumeAttributesClassName'] = oldSpec['volumeAttributesClassName'];
  }
  if (CLAIM_SPEC_FIELDS.some(([k]) => !sameJson(oldSpec[k], newSpec[k]))) errs.push(forbidden('spec', `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${claimSpecDiff(oldSpec, newSpec)}`));
  const oldSize = old?.spec?.resources?.requests?.storage;
  const newSize = pvc?.spec?.resources?.requests?.storage;
  const statusSize = old?.status?.capacity?.storage;
  try {
    // RecoverVolumeExpansionFailure (on by default in v1.33): shrinking is refused only below status.capacity.
    if (oldSize !== undefined && newSize !== undefined && parseQuantity(newSize).nano < parseQuantity(oldSize).nano && parseQuantity(newSize).nano <= (statusSize !== undefined ? parseQuantity(statusSize).nano : 0n)) errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  } catch {
    /* decode errors were reported before */
  }
  if (!sameJson(pvc?.spec?.volumeMode, old?.spec?.volumeMode)) errs.push(invalid('volumeMode', (pvc?.spec?.volumeMode ?? null) as string | GoValue, 'field is immutable'));
  return errs;
}
