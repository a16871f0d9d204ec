/**
 * apps/v1 Deployment and ReplicaSet validation, in upstream's order and words.
 *
 * Upstream (v1.33): pkg/apis/apps/validation/validation.go — ValidateDeployment
 * (ValidateObjectMeta with NameIsDNSSubdomain, ValidateDeploymentSpec: replicas ≥ 0, selector
 * required and non-empty ("empty selector is invalid for deployment", which ReplicaSet reuses
 * verbatim), ValidatePodTemplateSpecForReplicaSet ("`selector` does not match template
 * `labels`", restartPolicy must be Always), ValidateDeploymentStrategy, minReadySeconds,
 * revisionHistoryLimit, progressDeadlineSeconds > minReadySeconds), ValidateReplicaSetSpec.
 * Leaves out: matchExpressions syntax, immutability of the selector on update, status
 * validation, the rollback field.
 */
import { forbidden, goLabelSelector, goStringMap, invalid, notSupported, required, type FieldError } from './field';
import { validateObjectName, validatePodSpec } from './core';

const nonNegative = (v: unknown, field: string): FieldError[] => (typeof v === 'number' && v < 0 ? [invalid(field, v, 'must be greater than or equal to 0')] : []);

function selectorMatches(sel: { matchLabels?: Record<string, string> }, labels: Record<string, string> | undefined): boolean {
  return Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);
}

function validateSelectorAndTemplate(spec: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec?.selector;
  if (sel === undefined || sel === null) errs.push(required(`${path}.selector`, ''));
  else if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) errs.push(invalid(`${path}.selector`, goLabelSelector(sel), 'empty selector is invalid for deployment'));
  const t = spec?.template;
  if (!t) {
    errs.push(required(`${path}.template`, ''));
    return errs;
  }
  if (sel && Object.keys(sel.matchLabels ?? {}).length > 0 && !selectorMatches(sel, t.metadata?.labels)) errs.push(invalid(`${path}.template.metadata.labels`, goStringMap(t.metadata?.labels), '`selector` does not match template `labels`'));
  errs.push(...validatePodSpec(t.spec, `${path}.template.spec`));
  const rp = t.spec?.restartPolicy;
  if (rp !== undefined && rp !== 'Always' && ['OnFailure', 'Never'].includes(rp)) errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp, ['Always']));
  return errs;
}

function intOrPercent(v: unknown, field: string): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'number') return nonNegative(v, field);
  if (typeof v === 'string') {
    if (!/^[0-9]+%$/.test(v)) return [invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    return [];
  }
  return [invalid(field, v, "must be an integer or percentage (e.g '5%')")];
}

const ioValue = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : 0);

function validateStrategy(st: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = st?.type;
  if (type === 'Recreate') {
    if (st.rollingUpdate) errs.push(forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    const ru = st.rollingUpdate ?? {};
    errs.push(...intOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`), ...intOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`));
    if (ioValue(ru.maxUnavailable) === 0 && ioValue(ru.maxSurge) === 0) errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    if (typeof ru.maxUnavailable === 'string' && ioValue(ru.maxUnavailable) > 100) errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable, 'must not be greater than 100%'));
  } else errs.push(notSupported(path, { go: `apps.DeploymentStrategy{Type:${JSON.stringify(type ?? '')}}` }, ['Recreate', 'RollingUpdate']));
  return errs;
}

/** ValidateDeployment on a defaulted Deployment. */
export function validateDeployment(d: any): FieldError[] {
  const s = d?.spec ?? {};
  const errs = [...validateObjectName(d?.metadata?.name), ...nonNegative(s.replicas, 'spec.replicas'), ...validateSelectorAndTemplate(s, 'spec')];
  errs.push(...validateStrategy(s.strategy, 'spec.strategy'));
  errs.push(...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof s.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** ValidateReplicaSet on a defaulted ReplicaSet. */
export function validateReplicaSet(rs: any): FieldError[] {
  const s = rs?.spec ?? {};
  return [...validateObjectName(rs?.metadata?.name), ...nonNegative(s.replicas, 'spec.replicas'), ...nonNegative(s.minReadySeconds, 'spec.minReadySeconds'), ...validateSelectorAndTemplate(s, 'spec')];
}
