/**
 * component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go at v1.33: the runtime form of
 * a pod's nodeSelector + required node affinity (RequiredNodeAffinity), of node selector terms
 * (LazyErrorNodeSelector: terms ORed, an empty term matches nothing, a term with a parse error
 * never matches) and of preferred terms (PreferredSchedulingTerms.Score: the sum of the weights
 * of matching terms; weight-0 and empty terms dropped).
 *
 * Operators follow k8s.io/apimachinery/pkg/labels: In, NotIn, Exists, DoesNotExist, Gt, Lt
 * (Gt/Lt need one integer value; a label that is not an integer does not match). matchFields
 * supports `metadata.name` with In/NotIn and exactly one value, as upstream.
 *
 * Left out: label key syntax validation.
 */
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from '../api/types';

type LabelPred = (labels: Record<string, string> | undefined) => boolean;

interface ParsedTerm {
  matchLabels: LabelPred | null;
  /** field requirements on metadata.name: [op, value] */
  matchFields: { key: string; op: 'In' | 'NotIn'; value: string }[] | null;
  parseErrs: string[];
}

const INT64 = /^[+-]?\d+$/;

function requirementPred(r: NodeSelectorRequirement, path: string, errs: string[]): LabelPred | null {
  const vals = (r.values ?? []).map(String);
  const key = r.key;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (vals.length === 0) {
        errs.push(`${path}.values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
        return null;
      }
      return r.operator === 'In'
        ? (l) => l != null && Object.prototype.hasOwnProperty.call(l, key) && vals.includes(l[key]!)
        : (l) => l == null || !Object.prototype.hasOwnProperty.call(l, key) || !vals.includes(l[key]!);
    case 'Exists':
    case 'DoesNotExist':
      if (vals.length !== 0) {
        errs.push(`${path}.values: Invalid value: ${JSON.stringify(vals)}: values set must be empty for exists and does not exist`);
        return null;
      }
      return r.operator === 'Exists' ? (l) => l != null && Object.prototype.hasOwnProperty.call(l, key) : (l) => l == null || !Object.prototype.hasOwnProperty.call(l, key);
    case 'Gt':
    case 'Lt': {
      if (vals.length !== 1 || !INT64.test(vals[0]!)) {
        errs.push(`${path}.values: Invalid value: ${JSON.stringify(vals)}: for 'Gt', 'Lt' operators, exactly one value is required, which must be an integer`);
        return null;
      }
      const want = BigInt(vals[0]!);
      const gt = r.operator === 'Gt';
      return (l) => {
        if (l == null || !Object.prototype.hasOwnProperty.call(l, key)) return false;
        const v = l[key]!;
        if (!INT64.test(v)) return false;
        const n = BigInt(v);
        return gt ? n > want : n < want;
      };
    }
    default:
      errs.push(`${path}.operator: Unsupported value: ${JSON.stringify(r.operator)}: supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"`);
      return null;
  }
}

function isEmptyTerm(t: NodeSelectorTerm | undefined | null): boolean {
  return !t || ((t.matchExpressions ?? []).length === 0 && (t.matchFields ?? []).length === 0);
}

function parseTerm(term: NodeSelectorTerm, path: string): ParsedTerm {
  const errs: string[] = [];
  let matchLabels: LabelPred | null = null;
  const me = term.matchExpressions ?? [];
  if (me.length > 0) {
    const preds: LabelPred[] = [];
    me.forEach((r, i) => {
      const p = requirementPred(r, `${path}.matchExpressions[${i}]`, errs);
      if (p) preds.push(p);
    });
    matchLabels = (l) => {
      for (const p of preds) if (!p(l)) return false;
      return true;
    };
  }
  let matchFields: ParsedTerm['matchFields'] = null;
  const mf = term.matchFields ?? [];
  if (mf.length > 0) {
    matchFields = [];
    mf.forEach((r, i) => {
      const p = `${path}.matchFields[${i}]`;
      if (r.operator === 'In' || r.operator === 'NotIn') {
        if ((r.values ?? []).length !== 1) errs.push(`${p}.values: Invalid value: ${JSON.stringify(r.values ?? [])}: must have one element`);
        else matchFields!.push({ key: r.key, op: r.operator, value: String(r.values![0]) });
      } else {
        errs.push(`${p}.operator: Unsupported value: ${JSON.stringify(r.operator)}: supported values: "In", "NotIn"`);
      }
    });
  }
  return { matchLabels, matchFields, parseErrs: errs };
}

function termMatches(t: ParsedTerm, node: Node): boolean {
  if (t.parseErrs.length > 0) return false;
  if (t.matchLabels && !t.matchLabels(node.metadata.labels)) return false;
  const name = node.metadata.name ?? '';
  // extractNodeFields only sets metadata.name when the name is non-empty; an empty field set
  // skips the field selector entirely.
  if (t.matchFields && name.length > 0) {
    for (const f of t.matchFields) {
      const v = f.key === 'metadata.name' ? name : undefined;
      // fields.OneTermEqualSelector on a missing field compares against "".
      const actual = v ?? '';
      if (f.op === 'In' ? actual !== f.value : actual === f.value) return false;
    }
  }
  return true;
}

/** LazyErrorNodeSelector. */
export class LazyErrorNodeSelector {
  private readonly terms: ParsedTerm[];
  constructor(ns: NodeSelector, path = 'nodeSelectorTerms') {
    this.terms = [];
    (ns.nodeSelectorTerms ?? []).forEach((t, i) => {
      if (isEmptyTerm(t)) return;
      this.terms.push(parseTerm(t, `${path}[${i}]`));
    });
  }
  match(node: Node): boolean {
    for (const t of this.terms) if (termMatches(t, node)) return true;
    return false;
  }
  parseErrors(): string[] {
    return this.terms.flatMap((t) => t.parseErrs);
  }
}

/** RequiredNodeAffinity: nodeSelector (labels.SelectorFromSet) AND required node affinity. */
export class RequiredNodeAffinity {
  private readonly labelSelector: [string, string][] | null;
  private readonly nodeSelector: LazyErrorNodeSelector | null;
  constructor(pod: Pod) {
    const ns = pod.spec.nodeSelector;
    this.labelSelector = ns && Object.keys(ns).length > 0 ? Object.entries(ns).map(([k, v]) => [k, String(v)]) : null;
    const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.nodeSelector = req != null ? new LazyErrorNodeSelector(req) : null;
  }
  /** True when neither a nodeSelector nor a required node affinity is set. */
  get isEmpty(): boolean {
    return this.labelSelector === null && this.nodeSelector === null;
  }
  match(node: Node): boolean {
    if (this.labelSelector) {
      const l = node.metadata.labels;
      for (const [k, v] of this.labelSelector) {
        if (l == null || !Object.prototype.hasOwnProperty.call(l, k) || l[k] !== v) return false;
      }
    }
    if (this.nodeSelector) return this.nodeSelector.match(node);
    return true;
  }
}

export function getRequiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  return new RequiredNodeAffinity(pod);
}

/** PreferredSchedulingTerms; throws (as upstream returns an error) when a term does not parse. */
export class PreferredSchedulingTerms {
  private readonly terms: { term: ParsedTerm; weight: number }[] = [];
  constructor(terms: PreferredSchedulingTerm[], path = 'preferredDuringSchedulingIgnoredDuringExecution') {
    const errs: string[] = [];
    terms.forEach((t, i) => {
      if (!t.weight || isEmptyTerm(t.preference)) return;
      const parsed = parseTerm(t.preference, `${path}[${i}]`);
      if (parsed.parseErrs.length > 0) errs.push(...parsed.parseErrs);
      else this.terms.push({ term: parsed, weight: t.weight });
    });
    if (errs.length > 0) throw new Error(errs.join(', '));
  }
  score(node: Node): number {
    let s = 0;
    for (const t of this.terms) if (termMatches(t.term, node)) s += t.weight;
    return s;
  }
}
