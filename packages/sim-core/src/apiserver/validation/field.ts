/**
 * field.Error and the 422 Invalid Status, as k8s.io/apimachinery words them (v1.33):
 * pkg/util/validation/field/errors.go (ErrorBody: "Invalid value: <value>: <detail>",
 * "Required value", "Unsupported value: "x": supported values: "a", "b"", "Forbidden: …"; values
 * printed with Go's %v for numbers and bools, %q for strings and %#v otherwise — v1.34 switched
 * to JSON, v1.33 still prints Go syntax), ErrorList.ToAggregate (one error: its text; several:
 * "[e1, e2]"), pkg/api/errors/errors.go NewInvalid ("<Kind>.<group> "<name>" is invalid: …",
 * causes with type FieldValueInvalid/FieldValueRequired/…).
 */
import type { Status } from '../status';

export type FieldErrorType = 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueDuplicate' | 'FieldValueTooLong';

/** A Go value as `%#v` prints it, enough for what validation reports. */
export type GoValue = { go: string };

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
};

export const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const required = (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, detail });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const notSupported = (field: string, value: unknown, valid: string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
});

/** Go's %#v of a map[string]string: keys sorted, `map[string]string{"a":"b", "c":"d"}`; nil → `map[string]string(nil)`. */
export function goStringMap(m: Record<string, string> | undefined | null): GoValue {
  if (!m) return { go: 'map[string]string(nil)' };
  const keys = Object.keys(m).sort();
  return { go: `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(', ')}}` };
}

/** Go's %#v of a metav1.LabelSelector (the internal and v1 types print as v1.LabelSelector). */
export function goLabelSelector(sel: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }): GoValue {
  const ml = sel.matchLabels && Object.keys(sel.matchLabels).length ? goStringMap(sel.matchLabels).go : 'map[string]string(nil)';
  const me = sel.matchExpressions && sel.matchExpressions.length ? `[]v1.LabelSelectorRequirement{…}` : '[]v1.LabelSelectorRequirement(nil)';
  return { go: `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}` };
}

function valueText(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'object' && v !== null && 'go' in v) return (v as GoValue).go;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** field.Error.ErrorBody. */
export function errorBody(e: FieldError): string {
  let s: string;
  if (e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong') s = TYPE_TEXT[e.type];
  else s = `${TYPE_TEXT[e.type]}: ${valueText(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** field.Error.Error(). */
export const errorText = (e: FieldError): string => `${e.field}: ${errorBody(e)}`;

/** ErrorList.ToAggregate().Error(). */
export function aggregate(errs: FieldError[]): string {
  const msgs: string[] = [];
  for (const e of errs) {
    const t = errorText(e);
    if (!msgs.includes(t)) msgs.push(t);
  }
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

/** errors.NewInvalid: 422 with causes. `group` is "" for the core group. */
export function invalidStatus(kind: string, group: string, name: string, errs: FieldError[]): Status {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${qualifiedKind} ${JSON.stringify(name)} is invalid: ${aggregate(errs)}`,
    reason: 'Invalid',
    details: { name, ...(group ? { group } : {}), kind, causes: errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field })) },
    code: 422,
  };
}
