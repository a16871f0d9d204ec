/**
 * core/v1 ResourceQuota validation, in upstream's order and words.
 *
 * Upstream (v1.33): pkg/apis/core/validation/validation.go — ValidateResourceQuota
 * (ValidateObjectMeta, ValidateResourceQuotaSpec: for each spec.hard entry
 * ValidateResourceQuotaResourceName — validateResourceName: a qualified name, and a standard
 * resource unless it has a "/" ("must be a standard resource type or fully qualified"), then "must
 * be a standard resource for quota" — and ValidateResourceQuantityValue: not negative, a whole
 * number for the countable resources ("must be an integer"); validateResourceQuotaScopes:
 * "unsupported scope", "unsupported scope applied to resource", "conflicting scopes"),
 * ValidateResourceQuotaStatus (the same checks on status.hard and status.used);
 * pkg/apis/core/helper/helpers.go (standardResources, standardQuotaResources, integerResources,
 * IsResourceQuotaScopeValidForResource, IsExtendedResourceName).
 * Go ranges over the map in random order; here keys go in sorted order. A non-integer count is
 * printed as Go's %#v of the resource.Quantity (int64Amount value and scale from the text).
 * Leaves out: scopeSelector validation, hugepage value divisibility.
 */
import { tryParseQuantity } from '../../objects/quantity';
import { invalid, type FieldError, type GoValue } from './field';
import { validateObjectName } from './core';
import { isQualifiedName } from './storage';

const STANDARD_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers'];
const STANDARD_QUOTA_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers'];
const INTEGER_RESOURCES = ['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers'];
const POD_OBJECT_COUNT = ['pods'];
const POD_COMPUTE = ['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];
const STANDARD_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'VolumeAttributesClass', 'CrossNamespacePodAffinity'];

const isHugePageQuota = (n: string) => n.startsWith('hugepages-') || n.startsWith('requests.hugepages-');
const isStandardResource = (n: string) => STANDARD_RESOURCES.includes(n) || isHugePageQuota(n);
export const isStandardQuotaResource = (n: string): boolean => STANDARD_QUOTA_RESOURCES.includes(n) || isHugePageQuota(n);
/** helper.IsNativeResource / IsExtendedResourceName. */
const isNative = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
const isExtended = (n: string) => !isNative(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
const isIntegerResource = (n: string) => INTEGER_RESOURCES.includes(n) || isExtended(n);

/** helper.IsResourceQuotaScopeValidForResource. */
function scopeValidForResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return POD_OBJECT_COUNT.includes(resource) || POD_COMPUTE.includes(resource);
    case 'BestEffort':
      return POD_OBJECT_COUNT.includes(resource);
    case 'VolumeAttributesClass':
      return resource === 'persistentvolumeclaims' || resource === 'requests.storage';
    default:
      return true;
  }
}

/** ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errs.length > 0) return errs;
  if (!name.includes('/')) {
    if (!isStandardResource(name)) errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
    if (!isStandardQuotaResource(name)) errs.push(invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

/** Go's %#v of a resource.Quantity parsed from decimal text (int64Amount{value, scale}). */
function goQuantity(text: string): GoValue {
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?([numkMGTPE]?)$/.exec(text);
  const exp: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const value = m ? `${m[1] === '-' ? '-' : ''}${BigInt((m[2] || '0') + (m[3] ?? ''))}` : '0';
  const scale = m ? exp[m[4]!]! - (m[3] ?? '').length : 0;
  return { go: `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:"DecimalSI"}` };
}

/** ValidateResourceQuantityValue. */
function validateQuantityValue(resource: string, raw: unknown, path: string): FieldError[] {
  const q = tryParseQuantity(raw);
  if (!q) return [];
  const errs: FieldError[] = [];
  if (q.nano < 0n) errs.push(invalid(path, String(raw), 'must be greater than or equal to 0'));
  if (isIntegerResource(resource) && (q.nano / 1_000_000n) % 1000n !== 0n) errs.push(invalid(path, goQuantity(String(raw)), 'must be an integer'));
  return errs;
}

function validateHard(hard: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!hard || typeof hard !== 'object') return errs;
  for (const k of Object.keys(hard).sort()) {
    const p = `${path}[${k}]`;
    errs.push(...validateQuotaResourceName(k, p), ...validateQuantityValue(k, (hard as Record<string, unknown>)[k], p));
  }
  return errs;
}

/** ValidateResourceQuota. */
export function validateResourceQuota(rq: any): FieldError[] {
  const errs = validateObjectName(rq?.metadata?.name);
  errs.push(...validateHard(rq?.spec?.hard, 'spec.hard'));
  const scopes: string[] = Array.isArray(rq?.spec?.scopes) ? rq.spec.scopes : [];
  if (scopes.length > 0) {
    const scopeValue: GoValue = { go: `[]core.ResourceQuotaScope{${scopes.map((x) => JSON.stringify(x)).join(', ')}}` };
    const hardNames = Object.keys(rq?.spec?.hard ?? {}).sort();
    for (const scope of scopes) {
      if (!STANDARD_SCOPES.includes(scope)) errs.push(invalid('spec.scopes', scopeValue, 'unsupported scope'));
      for (const k of hardNames) if (isStandardQuotaResource(k) && !scopeValidForResource(scope, k)) errs.push(invalid('spec.scopes', scopeValue, 'unsupported scope applied to resource'));
    }
    if ((scopes.includes('BestEffort') && scopes.includes('NotBestEffort')) || (scopes.includes('Terminating') && scopes.includes('NotTerminating'))) errs.push(invalid('spec.scopes', scopeValue, 'conflicting scopes'));
  }
  errs.push(...validateHard(rq?.status?.hard, 'status.hard'), ...validateHard(rq?.status?.used, 'status.used'));
  return errs;
}
