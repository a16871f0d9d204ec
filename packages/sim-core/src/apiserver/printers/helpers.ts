/**
 * Helpers the ported print* functions share, each a line-for-line port of the upstream function
 * named in its comment (kubernetes v1.33.3 / apimachinery v0.33.3):
 *   - layoutContainerCells, listWithMoreString: pkg/printers/internalversion/printers.go
 *   - formatLabels: k8s.io/apimachinery/pkg/labels/labels.go FormatLabels (Set.String)
 *   - labelSelectorString / formatLabelSelector: k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go
 *     LabelSelectorAsSelector + FormatLabelSelector, with labels/selector.go NewRequirement's
 *     validation, Requirement.String and internalSelector.Add's sort by key
 *   - isQualifiedName / isValidLabelValue: k8s.io/apimachinery/pkg/util/validation/validation.go
 *   - joinHostPort: Go net.JoinHostPort; goTrimSpace: Go strings.TrimSpace
 *
 * GenerateOptions: kube-apiserver's TableConvertor (pkg/printers/storage/storage.go) always calls
 * the printers with Wide: true, so `wide` defaults to true; the non-wide branch exists for the
 * ported upstream tests (kubectl itself hides priority-1 columns).
 */
import type { TableColumnDefinition } from './table';
import { docs } from './swagger-docs';

export interface PrintOptions {
  wide?: boolean;
}

export type Cell = string | number | boolean;

/** The Name column every namespaced/cluster object table starts with. */
export const nameColumn: TableColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: docs.OBJECT_META_NAME, priority: 0 };
/** The Age column (translateTimestampSince(creationTimestamp)). */
export const ageColumn: TableColumnDefinition = { name: 'Age', type: 'string', format: '', description: docs.OBJECT_META_CREATION_TIMESTAMP, priority: 0 };

/** Column with upstream's defaults (Format "", Priority 0) unless given. */
export function col(name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition {
  return { name, type, format, description, priority };
}

/** layoutContainerCells: names and images of the containers, comma-joined. */
export function layoutContainerCells(containers: readonly any[] | undefined): [names: string, images: string] {
  const cs = containers ?? [];
  return [cs.map((c) => c?.name ?? '').join(','), cs.map((c) => c?.image ?? '').join(',')];
}

/** listWithMoreString: "a,b,c + N more..." or "<unset>" when empty. */
export function listWithMoreString(list: string[], more: boolean, count: number, max: number): string {
  let ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  if (ret === '') ret = '<unset>';
  return ret;
}

/** labels.FormatLabels: sorted "k=v" pairs joined by ",", or "<none>". Sorts the joined strings, as Set.String does. */
export function formatLabels(labelMap: Record<string, string> | null | undefined): string {
  const pairs = Object.entries(labelMap ?? {}).map(([k, v]) => `${k}=${v}`);
  pairs.sort(goStringCompare);
  const l = pairs.join(',');
  return l === '' ? '<none>' : l;
}

/** Go's string ordering (bytewise on UTF-8); code-unit order agrees for the BMP, which label keys stay within. */
export function goStringCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const qnameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameRe = new RegExp(`^${qnameFmt}$`);
const labelValueRe = new RegExp(`^(${qnameFmt})?$`);
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainRe = new RegExp(`^${dns1123LabelFmt}(\\.${dns1123LabelFmt})*$`);
const utf8Len = (s: string): number => new TextEncoder().encode(s).length;

/** validation.IsQualifiedName (true when there are no errors). */
export function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) return false;
    if (utf8Len(prefix) > 253 || !dns1123SubdomainRe.test(prefix)) return false;
  } else {
    return false;
  }
  if (name.length === 0) return false;
  if (utf8Len(name) > 63) return false;
  return qualifiedNameRe.test(name);
}

/** validation.IsValidLabelValue (true when there are no errors). */
export function isValidLabelValue(value: string): boolean {
  return utf8Len(value) <= 63 && labelValueRe.test(value);
}

interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!' | '=';
  values: string[];
}

function requirementString(r: Requirement): string {
  switch (r.op) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case '=':
      return `${r.key}=${r.values.length === 1 ? r.values[0] : [...r.values].sort(goStringCompare).join(',')}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.op} (${r.values.length === 1 ? r.values[0] : [...r.values].sort(goStringCompare).join(',')})`;
  }
}

/**
 * metav1.LabelSelectorAsSelector(ps).String(): undefined when NewRequirement rejects a key, value
 * or operator (the Go function returns an error). A nil selector is labels.Nothing() and an empty
 * one labels.Everything(); both print as "".
 */
export function labelSelectorString(ps: any): string | undefined {
  if (ps == null) return '';
  const matchLabels: Record<string, string> = ps.matchLabels ?? {};
  const exprs: any[] = ps.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + exprs.length === 0) return '';
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(matchLabels)) {
    if (!isQualifiedName(k) || !isValidLabelValue(String(v))) return undefined;
    reqs.push({ key: k, op: '=', values: [String(v)] });
  }
  for (const e of exprs) {
    const key: string = e?.key ?? '';
    const values: string[] = [...(e?.values ?? [])].map(String);
    let op: Requirement['op'];
    switch (e?.operator) {
      case 'In':
        op = 'in';
        break;
      case 'NotIn':
        op = 'notin';
        break;
      case 'Exists':
        op = 'exists';
        break;
      case 'DoesNotExist':
        op = '!';
        break;
      default:
        return undefined;
    }
    if (!isQualifiedName(key)) return undefined;
    if ((op === 'in' || op === 'notin') && values.length === 0) return undefined;
    if ((op === 'exists' || op === '!') && values.length !== 0) return undefined;
    if (values.some((v) => !isValidLabelValue(v))) return undefined;
    reqs.push({ key, op, values });
  }
  // internalSelector.Add sorts by key (sort.Sort(ByKey)); Array.prototype.sort is stable.
  reqs.sort((a, b) => goStringCompare(a.key, b.key));
  return reqs.map(requirementString).join(',');
}

/** metav1.FormatLabelSelector: "<error>" for an invalid selector, "<none>" for an empty string. */
export function formatLabelSelector(ps: any): string {
  const s = labelSelectorString(ps);
  if (s === undefined) return '<error>';
  return s.length === 0 ? '<none>' : s;
}

/** net.JoinHostPort: brackets hosts that contain a colon (IPv6). */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// unicode.IsSpace: '\t', '\n', '\v', '\f', '\r', ' ', U+0085, U+00A0, and the Z-category spaces.
const goSpace = '[\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]';
const goTrimRe = new RegExp(`^${goSpace}+|${goSpace}+$`, 'g');

/** strings.TrimSpace (Go's notion of white space, which differs from String.prototype.trim at U+0085 and U+FEFF). */
export function goTrimSpace(s: string): string {
  return s.replace(goTrimRe, '');
}
