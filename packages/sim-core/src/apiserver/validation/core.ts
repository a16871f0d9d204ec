/**
 * The parts of core/v1 validation a learner meets first, in upstream's words and order:
 * object names (NameIsDNSSubdomain, IsDNS1123Label), pod specs (containers required, each
 * container's name and image, unique names, restartPolicy and dnsPolicy values) and pod
 * template specs.
 *
 * Upstream (v1.33): k8s.io/apimachinery/pkg/util/validation/validation.go (IsDNS1123Subdomain,
 * IsDNS1123Label, RegexError, MaxLenError), pkg/apis/core/validation/validation.go
 * (ValidateObjectMeta → "metadata.name", validateContainers, validateRestartPolicy,
 * validateDNSPolicy, ValidatePodTemplateSpec).
 * Leaves out: volumes, probes, resources and quantities, env, ports beyond the range check,
 * security contexts, init and ephemeral containers, label and annotation syntax.
 */
import { invalid, notSupported, required, type FieldError } from './field';

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const labelRe = new RegExp(`^${DNS1123_LABEL}$`);
const subdomainRe = new RegExp(`^${DNS1123_SUBDOMAIN}$`);

/** validation.RegexError. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let m = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) m += ' or ';
    m += `'${e}', `;
  });
  return `${m}regex used for validation is '${fmt}')`;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!subdomainRe.test(v)) errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN, 'example.com'));
  return errs;
}

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!labelRe.test(v)) errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL, 'my-name', '123-abc'));
  return errs;
}

/** ValidateObjectMeta's name check (names from generateName are checked after generation, like here). */
export function validateObjectName(name: string | undefined, check: (v: string) => string[] = isDNS1123Subdomain): FieldError[] {
  if (!name) return [required('metadata.name', 'name or generateName is required')];
  return check(name).map((m) => invalid('metadata.name', name, m));
}

export function validateContainers(containers: any[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!containers || containers.length === 0) return [required(path, '')];
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const name = c?.name as string | undefined;
    if (!name) errs.push(required(`${p}.name`, ''));
    else {
      for (const m of isDNS1123Label(name)) errs.push(invalid(`${p}.name`, name, m));
      if (seen.has(name)) errs.push({ type: 'FieldValueDuplicate', field: `${p}.name`, value: name, detail: '' });
      seen.add(name);
    }
    if (!c?.image) errs.push(required(`${p}.image`, ''));
    for (const [j, port] of ((c?.ports ?? []) as any[]).entries()) {
      const n = port?.containerPort;
      if (typeof n === 'number' && (n < 1 || n > 65535)) errs.push(invalid(`${p}.ports[${j}].containerPort`, n, 'must be between 1 and 65535, inclusive'));
    }
    if (c?.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)) errs.push(notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, ['Always', 'IfNotPresent', 'Never']));
  });
  return errs;
}

/** ValidatePodSpec, the subset above. */
export function validatePodSpec(spec: any, path: string): FieldError[] {
  const errs = validateContainers(spec?.containers, `${path}.containers`);
  const rp = spec?.restartPolicy;
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(rp)) errs.push(notSupported(`${path}.restartPolicy`, rp, ['Always', 'OnFailure', 'Never']));
  const dp = spec?.dnsPolicy;
  if (dp !== undefined && !['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dp)) errs.push(notSupported(`${path}.dnsPolicy`, dp, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  const g = spec?.terminationGracePeriodSeconds;
  if (typeof g === 'number' && g < 0) errs.push(invalid(`${path}.terminationGracePeriodSeconds`, g, 'must be greater than or equal to 0'));
  return errs;
}

export function validatePod(pod: any): FieldError[] {
  return [...validateObjectName(pod?.metadata?.name), ...validatePodSpec(pod?.spec, 'spec')];
}
