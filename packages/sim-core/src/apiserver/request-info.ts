/**
 * Turns an HTTP method and path into what the apiserver authorizes and routes on: verb, API group
 * and version, namespace, resource, subresource, name. Follows upstream's RequestInfoFactory
 * (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): GET on a collection is "list", with
 * `watch=true` "watch"; GET on a name is "get"; POST "create"; PUT "update"; PATCH "patch";
 * DELETE "delete" (or "deletecollection" on a collection). Paths outside /api and /apis are
 * non-resource requests (healthz, version, …).
 */

export interface RequestInfo {
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  parts: string[];
}

const SPECIAL_VERBS = new Set(['proxy', 'watch']);
/** requestinfo.go namespaceSubresources. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, rawPath: string): RequestInfo {
  const [pathOnly, query = ''] = rawPath.split('?', 2) as [string, string?];
  const q = new URLSearchParams(query);
  const path = pathOnly;
  const segs = path.replace(/^\/+|\/+$/g, '').split('/').filter((s) => s !== '');
  const verbFromMethod = ({ GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method.toUpperCase()] ?? method.toLowerCase();
  const nonResource: RequestInfo = { isResourceRequest: false, path, verb: verbFromMethod, apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] };
  if (segs.length < 1 || (segs[0] !== 'api' && segs[0] !== 'apis')) return nonResource;
  const info: RequestInfo = { ...nonResource, apiPrefix: segs[0] };
  let cur = segs.slice(1);
  if (info.apiPrefix === 'apis') {
    if (cur.length < 2) return nonResource; // discovery: /apis, /apis/apps
    info.apiGroup = cur[0]!;
    info.apiVersion = cur[1]!;
    cur = cur.slice(2);
  } else {
    if (cur.length < 1) return nonResource; // /api
    info.apiVersion = cur[0]!;
    cur = cur.slice(1);
  }
  if (cur.length === 0) return { ...nonResource, apiPrefix: info.apiPrefix, apiGroup: info.apiGroup, apiVersion: info.apiVersion };
  info.isResourceRequest = true;
  info.verb = verbFromMethod;
  if (SPECIAL_VERBS.has(cur[0]!)) {
    info.verb = cur[0]!;
    cur = cur.slice(1);
  }
  if (cur[0] === 'namespaces') {
    if (cur.length > 1) {
      info.namespace = cur[1]!;
      // Unless it is a namespace subresource (status, finalize), what follows the name is a resource in that namespace.
      if (cur.length > 2 && !NAMESPACE_SUBRESOURCES.has(cur[2]!)) cur = cur.slice(2);
      else {
        // /api/v1/namespaces/{name}[/status|/finalize]: the namespace object itself
        info.resource = 'namespaces';
        info.name = cur[1]!;
        info.subresource = cur[2] ?? '';
        cur = [];
      }
    }
  }
  if (cur.length > 0) {
    info.parts = cur;
    info.resource = cur[0]!;
    if (cur.length >= 2) info.name = cur[1]!;
    if (cur.length >= 3) info.subresource = cur[2]!;
  } else if (info.resource === 'namespaces') {
    info.parts = ['namespaces', info.name, ...(info.subresource ? [info.subresource] : [])];
  }
  if (info.name === '' && info.verb === 'get') info.verb = q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list';
  if (info.name === '' && info.verb === 'delete') info.verb = 'deletecollection';
  // "namespaces" requests in a namespace path refer to the namespace itself
  if (info.resource === 'namespaces') info.namespace = '';
  return info;
}
