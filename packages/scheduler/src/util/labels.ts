/**
 * Label selectors as k8s.io/apimachinery/pkg/labels (selector.go) and
 * metav1.LabelSelectorAsSelector (apis/meta/v1/helpers.go) evaluate them:
 * a nil selector selects nothing, an empty one everything; `NotIn` and `DoesNotExist` match a
 * missing label; `Empty()` is "has no requirements" (true for the select-everything selector).
 *
 * Left out: the string syntax parser (`a=b,c in (d)`), and validation of label keys/values.
 */
import type { LabelSelector } from '../api/types';

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals';
  values: string[];
}

export class Selector {
  private constructor(
    readonly requirements: Requirement[],
    /** labels.Nothing(): matches no label set. */
    readonly nothing: boolean,
  ) {}

  static everything(): Selector {
    return new Selector([], false);
  }

  static nothing(): Selector {
    return new Selector([], true);
  }

  static of(reqs: Requirement[]): Selector {
    return new Selector(reqs, false);
  }

  /** labels.Set(m).AsSelector(): one equality requirement per key. */
  static fromSet(set: Record<string, string>): Selector {
    return new Selector(
      Object.keys(set)
        .sort()
        .map((k) => ({ key: k, operator: 'Equals', values: [set[k]!] })),
      false,
    );
  }

  private keyText?: string;

  /** A canonical text of the requirements (for memoizing what a selector matches). */
  get key(): string {
    return (this.keyText ??= this.nothing ? '!' : JSON.stringify(this.requirements));
  }

  /** selector.Empty(): true when there are no requirements (labels.Nothing() is not empty). */
  empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  /** selector.Add(reqs...): a new selector with the requirements appended. */
  add(reqs: Requirement[]): Selector {
    return new Selector([...this.requirements, ...reqs], this.nothing);
  }

  matches(labels: Record<string, string> | undefined | null): boolean {
    if (this.nothing) return false;
    const reqs = this.requirements;
    for (let i = 0; i < reqs.length; i++) {
      if (!requirementMatches(reqs[i]!, labels)) return false;
    }
    return true;
  }
}

function requirementMatches(r: Requirement, labels: Record<string, string> | undefined | null): boolean {
  const has = labels != null && Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
    case 'Equals':
      return has && r.values.includes(labels![r.key]!);
    case 'NotIn':
      return !has || !r.values.includes(labels![r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export class SelectorError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly detail: string,
  ) {
    super(`${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`);
  }
}

/** metav1.LabelSelectorAsSelector: nil → Nothing, {} → Everything. */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined, field = 'labelSelector'): Selector {
  if (ls == null) return Selector.nothing();
  const ml = ls.matchLabels ?? {};
  const me = ls.matchExpressions ?? [];
  if (Object.keys(ml).length === 0 && me.length === 0) return Selector.everything();
  const reqs: Requirement[] = [];
  for (const k of Object.keys(ml)) reqs.push({ key: k, operator: 'Equals', values: [String(ml[k])] });
  me.forEach((e, i) => {
    const op = e.operator;
    if (op === 'In' || op === 'NotIn') {
      if (!e.values || e.values.length === 0) throw new SelectorError(`${field}.matchExpressions[${i}].values`, e.values ?? [], 'for \'in\', \'notin\' operators, values set can\'t be empty');
      reqs.push({ key: e.key, operator: op, values: e.values.map(String) });
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (e.values && e.values.length > 0) throw new SelectorError(`${field}.matchExpressions[${i}].values`, e.values, 'values set must be empty for exists and does not exist');
      reqs.push({ key: e.key, operator: op, values: [] });
    } else {
      throw new SelectorError(`${field}.matchExpressions[${i}].operator`, op, 'is not a valid label selector operator');
    }
  });
  // upstream sorts requirements by key
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return Selector.of(reqs);
}
