/**
 * metav1.Status errors as kube-apiserver writes them (k8s.io/apimachinery/pkg/api/errors/errors.go:
 * NewNotFound, NewAlreadyExists, NewConflict, NewForbidden, NewUnauthorized, NewBadRequest,
 * NewMethodNotSupported). `qualified` is the group-qualified resource ("pods",
 * "deployments.apps", "leases.coordination.k8s.io").
 */

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field: string }[] };
  code: number;
}

function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

const splitQualified = (q: string): { resource: string; group: string } => {
  const i = q.indexOf('.');
  return i < 0 ? { resource: q, group: '' } : { resource: q.slice(0, i), group: q.slice(i + 1) };
};

const details = (q: string, name?: string): NonNullable<Status['details']> => {
  const { resource, group } = splitQualified(q);
  return { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource };
};

export const notFound = (q: string, name: string): Status => status(404, 'NotFound', `${q} "${name}" not found`, details(q, name));

export const alreadyExists = (q: string, name: string): Status => status(409, 'AlreadyExists', `${q} "${name}" already exists`, details(q, name));

export const conflict = (q: string, name: string, err = 'the object has been modified; please apply your changes to the latest version and try again'): Status =>
  status(409, 'Conflict', `Operation cannot be fulfilled on ${q} "${name}": ${err}`, details(q, name));

export function forbidden(q: string, name: string, message: string): Status {
  const prefix = name ? `${q} "${name}" is forbidden` : `${q} is forbidden`;
  return status(403, 'Forbidden', `${prefix}: ${message}`, details(q, name || undefined));
}

export const unauthorized = (): Status => status(401, 'Unauthorized', 'Unauthorized');

export const badRequest = (message: string): Status => status(400, 'BadRequest', message);

export const methodNotSupported = (q: string, verb: string): Status => status(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${q}"`, details(q));

export const notFoundPath = (): Status => status(404, 'NotFound', 'the server could not find the requested resource', {});
