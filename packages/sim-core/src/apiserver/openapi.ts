/**
 * A minimal OpenAPI v3 document set: what kubectl's query-param verifier reads before
 * `create -f` and `apply -f` to learn that the server validates fields itself (a PATCH operation
 * carrying x-kubernetes-group-version-kind and a `fieldValidation` query parameter), so kubectl
 * sends `fieldValidation=Strict` and leaves validation to the apiserver.
 *
 * Upstream: k8s.io/kube-openapi/pkg/handler3 (GET /openapi/v3 → paths with serverRelativeURL
 * and ?hash=), k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go (what kubectl looks
 * for). Leaves out: the component schemas (kubectl then takes `apply`'s strategic merge patch
 * metadata from /openapi/v2, served by openapi-v2.ts, and `kubectl explain` has nothing to show).
 */
import { RESOURCES, apiVersionOf, type ResourceDef } from './storage/keys';

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).toUpperCase().padStart(8, '0');
}

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function gvDocument(group: string, version: string): unknown {
  const paths: Record<string, unknown> = {};
  const params = [
    { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
    { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
  ];
  const defs = RESOURCES.filter((r: ResourceDef) => r.group === group && r.version === version && !r.virtual);
  for (const r of defs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const base = `/${gvPath(group, version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    paths[base] = { post: { operationId: `create${r.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: { '201': { description: 'Created' } } } };
    paths[`${base}/{name}`] = {
      patch: { operationId: `patch${r.kind}`, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk, parameters: [...params, { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }], responses: { '200': { description: 'OK' } } },
      put: { operationId: `replace${r.kind}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: { '200': { description: 'OK' } } },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.33.5+k3s1' }, paths, components: {} };
}

function groupVersions(): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const r of RESOURCES) if (!r.virtual) seen.set(apiVersionOf(r), [r.group, r.version]);
  return [...seen.values()];
}

/** GET /openapi/v3 and /openapi/v3/<api/v1 | apis/g/v>; undefined for any other path. */
export function openapiV3(path: string): { status: number; headers: Record<string, string>; body: unknown } | undefined {
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  const json = (body: unknown) => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body });
  if (p === '/openapi/v3') {
    const paths: Record<string, unknown> = {};
    for (const [g, v] of groupVersions()) paths[gvPath(g, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g, v)}?hash=${fnv1a(JSON.stringify(gvDocument(g, v)))}` };
    return json({ paths });
  }
  const m = /^\/openapi\/v3\/(.+)$/.exec(p);
  if (!m) return undefined;
  const gv = groupVersions().find(([g, v]) => gvPath(g, v) === m[1]);
  return gv ? json(gvDocument(gv[0], gv[1])) : undefined;
}
