/**
 * Label and field selectors as the apiserver parses them for list and watch.
 * Labels: k8s.io/apimachinery/pkg/labels/selector.go (=, ==, !=, in, notin, exists, !exists).
 * Fields: k8s.io/apimachinery/pkg/fields/selector.go (=, ==, !=), with the fields each resource
 * supports (pods: metadata.name, metadata.namespace, spec.nodeName, spec.schedulerName,
 * spec.restartPolicy, status.phase, status.podIP; others: metadata.name, metadata.namespace).
 */
import type { KubeObject } from '../objects/meta';

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export class SelectorError extends Error {}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

export function parseLabelSelector(s: string): Requirement[] {
  return splitTop(s).map((part) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) };
    if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part))) return { key: m[1]!, op: 'neq', value: m[2]! };
    if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part))) return { key: m[1]!, op: 'eq', value: m[2]! };
    if ((m = /^!([^\s!=]+)$/.exec(part))) return { key: m[1]!, op: 'notexists' };
    if ((m = /^([^\s!=(),]+)$/.exec(part))) return { key: m[1]!, op: 'exists' };
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(part)}`);
  });
}

const POD_FIELDS: Record<string, (o: KubeObject) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'spec.nodeName': (o) => o.spec?.nodeName ?? '',
  'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
  'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
  'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
  'status.phase': (o) => o.status?.phase ?? '',
  'status.podIP': (o) => o.status?.podIP ?? '',
  'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
};
const META_FIELDS: Record<string, (o: KubeObject) => string> = { 'metadata.name': POD_FIELDS['metadata.name']!, 'metadata.namespace': POD_FIELDS['metadata.namespace']! };
const EVENT_FIELDS: Record<string, (o: KubeObject) => string> = {
  ...META_FIELDS,
  'involvedObject.kind': (o) => (o as any).involvedObject?.kind ?? '',
  'involvedObject.name': (o) => (o as any).involvedObject?.name ?? '',
  'involvedObject.namespace': (o) => (o as any).involvedObject?.namespace ?? '',
  'involvedObject.uid': (o) => (o as any).involvedObject?.uid ?? '',
  reason: (o) => (o as any).reason ?? '',
  type: (o) => (o as any).type ?? '',
};
const NODE_FIELDS: Record<string, (o: KubeObject) => string> = { ...META_FIELDS, 'spec.unschedulable': (o) => String(!!o.spec?.unschedulable) };

export function fieldsFor(kind: string): Record<string, (o: KubeObject) => string> {
  return kind === 'Pod' ? POD_FIELDS : kind === 'Event' ? EVENT_FIELDS : kind === 'Node' ? NODE_FIELDS : META_FIELDS;
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Errors in the apiserver's words: `field label not supported: spec.foo`. */
export function parseFieldSelector(s: string, kind: string): FieldRequirement[] {
  const fields = fieldsFor(kind);
  return splitTop(s).map((part) => {
    const m = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    if (!fields[m[1]!]) throw new SelectorError(`field label not supported: ${m[1]}`);
    return { field: m[1]!, op: m[2] === '!=' ? 'neq' : 'eq', value: m[3]! };
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> = {}): boolean {
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq':
        return has && v === r.value;
      case 'neq':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case 'notexists':
        return !has;
    }
  });
}

export function matchesFields(reqs: FieldRequirement[], kind: string, o: KubeObject): boolean {
  const fields = fieldsFor(kind);
  return reqs.every((r) => {
    const v = fields[r.field]!(o);
    return r.op === 'eq' ? v === r.value : v !== r.value;
  });
}
