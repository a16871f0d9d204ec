/**
 * Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns when kubectl asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io`. Column definitions and cells are upstream's;
 * each row carries the object's PartialObjectMetadata (kubectl reads namespace and labels there).
 *
 * Upstream: pkg/printers/internalversion/printers.go (AddHandlers column definitions, printPod,
 * printNode), k8s.io/apiserver/pkg/endpoints/handlers/response.go (row objects as
 * PartialObjectMetadata unless includeObject=Object).
 */
import type { KubeObject } from '../../objects/meta';
import { printNode, nodeColumns } from './node';
import { podColumns, printPod } from './pod';

export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumnDefinition[];
  rows: { cells: (string | number)[]; object: unknown }[];
}

const printers: Record<string, { columns: TableColumnDefinition[]; print: (o: KubeObject, nowMs: number) => (string | number)[] }> = {
  Pod: { columns: podColumns, print: printPod },
  Node: { columns: nodeColumns, print: printNode },
};

export const hasPrinter = (kind: string): boolean => kind in printers;

/** The default table (Name and Age) upstream uses for kinds without a printer. */
const defaultColumns: TableColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 },
  { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 },
];

export function partialObjectMetadata(o: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(kind: string, items: KubeObject[], resourceVersion: string, nowMs: number): Table {
  const p = printers[kind];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: p ? p.columns : defaultColumns,
    rows: items.map((o) => ({ cells: p ? p.print(o, nowMs) : [o.metadata.name, o.metadata.creationTimestamp ?? ''], object: partialObjectMetadata(o) })),
  };
}
