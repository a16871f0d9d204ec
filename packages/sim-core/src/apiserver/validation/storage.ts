/**
 * storage.k8s.io/v1 StorageClass validation, in upstream's order and words.
 *
 * Upstream (v1.33): pkg/apis/storage/validation/validation.go — ValidateStorageClass
 * (ValidateObjectMeta with ValidateClassName = NameIsDNSSubdomain, validateProvisioner: required,
 * then ValidateQualifiedName of the lower-cased provisioner; validateParameters: at most 512 keys,
 * no empty key, 256 kB in total; validateReclaimPolicy: "Delete" or "Retain";
 * validateVolumeBindingMode: required after defaulting, "Immediate" or "WaitForFirstConsumer"),
 * ValidateStorageClassUpdate (parameters, provisioner, reclaimPolicy and volumeBindingMode are
 * immutable); k8s.io/apimachinery/pkg/util/validation/validation.go IsQualifiedName.
 * Leaves out: allowedTopologies (ValidateTopologySelectorTerm), label and annotation syntax.
 */
import { forbidden, invalid, notSupported, required, type FieldError } from './field';
import { isDNS1123Subdomain, validateObjectName } from './core';

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qnameRe = new RegExp(`^${QNAME_FMT}$`);
const qnameRegexError = `${QNAME_MSG} (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QNAME_FMT}')`;

/** validation.IsQualifiedName: its messages ("name part must be …", "prefix part …"). */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else return [`a qualified name ${qnameRegexError} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (!qnameRe.test(name)) errs.push(`name part ${qnameRegexError}`);
  return errs;
}

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

/** ValidateStorageClass (after SetDefaults_StorageClass). */
export function validateStorageClass(sc: any): FieldError[] {
  const errs = validateObjectName(sc?.metadata?.name);
  const provisioner: string = typeof sc?.provisioner === 'string' ? sc.provisioner : '';
  if (provisioner.length === 0) errs.push(required('provisioner', ''));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), m));
  const params = sc?.parameters && typeof sc.parameters === 'object' ? (sc.parameters as Record<string, string>) : {};
  const keys = Object.keys(params);
  if (keys.length > 512) errs.push({ type: 'FieldValueTooLong', field: 'parameters', detail: 'may not be more than 512 bytes' });
  else {
    let size = 0;
    for (const k of keys) {
      if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
      size += k.length + String(params[k] ?? '').length;
    }
    if (size > 256 * 1024) errs.push({ type: 'FieldValueTooLong', field: 'parameters', detail: `may not be more than ${256 * 1024} bytes` });
  }
  const rp = sc?.reclaimPolicy;
  if (typeof rp === 'string' && rp.length > 0 && !RECLAIM_POLICIES.includes(rp)) errs.push(notSupported('reclaimPolicy', rp, RECLAIM_POLICIES));
  const vbm = sc?.volumeBindingMode;
  if (vbm === undefined || vbm === null) errs.push(required('volumeBindingMode', ''));
  else if (!BINDING_MODES.includes(vbm)) errs.push(notSupported('volumeBindingMode', vbm, BINDING_MODES));
  return errs;
}

/** ValidateStorageClassUpdate's immutability checks (after ValidateStorageClass). */
export function validateStorageClassUpdate(sc: any, old: any): FieldError[] {
  const errs: FieldError[] = [];
  if (JSON.stringify(sortKeys(sc?.parameters ?? {})) !== JSON.stringify(sortKeys(old?.parameters ?? {}))) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if ((sc?.provisioner ?? '') !== (old?.provisioner ?? '')) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if ((sc?.reclaimPolicy ?? '') !== (old?.reclaimPolicy ?? '')) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if ((sc?.volumeBindingMode ?? '') !== (old?.volumeBindingMode ?? '')) errs.push(invalid('volumeBindingMode', sc?.volumeBindingMode ?? null, 'field is immutable'));
  return errs;
}

const sortKeys = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
