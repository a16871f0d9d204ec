/**
 * A minimal OpenAPI v3 document set: what kubectl's query-param verifier reads before
 * `create -f` and `apply -f` to learn that the server validates fields itself (a PATCH operation
 * carrying x-kubernetes-group-version-kind and a `fieldValidation` query parameter), so kubectl
 * sends `fieldValidation=Strict` and leaves validation to the apiserver.
 *
 * Upstream: k8s.io/kube-openapi/pkg/handler3 (GET /openapi/v3 → paths with serverRelativeURL
 * and ?hash=), k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go (what kubectl looks
 * for), handler3's per group-version documents: `components.schemas` holds the schemas of the
 * group-version's kinds and everything they reference (what `kubectl explain` reads, by the
 * x-kubernetes-group-version-kind on each kind). The schemas are openapi-v2.ts's definitions with
 * their references moved to #/components/schemas.
 * Leaves out: descriptions (not in the lab's type tables, so `explain` shows fields without text),
 * request bodies and responses of the operations, `allOf` wrapping of references.
 */
import { buildOpenAPIV2 } from './openapi-v2';
import { RESOURCES, apiVersionOf, type ResourceDef } from './storage/keys';

type Json = Record<string, unknown>;
let definitions: Record<string, Json> | undefined;
const v2Definitions = () => (definitions ??= (buildOpenAPIV2() as { definitions: Record<string, Json> }).definitions);

/** The definitions a group-version's kinds need: its kinds, then every schema they reference, references rewritten for v3. */
function componentSchemas(group: string, version: string): Record<string, unknown> {
  const defs = v2Definitions();
  const names: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !defs[name]) return;
    seen.add(name);
    names.push(name);
    JSON.stringify(defs[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) visit(v.slice('#/definitions/'.length));
      return v;
    });
  };
  for (const [name, d] of Object.entries(defs)) {
    const gvks = (d['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string }[];
    if (gvks.some((g) => g.group === group && g.version === version)) visit(name);
  }
  const out: Record<string, unknown> = {};
  for (const n of names.sort()) out[n] = JSON.parse(JSON.stringify(defs[n]).replaceAll('"#/definitions/', '"#/components/schemas/'));
  return out;
}

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
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.33.5+k3s1' }, paths, components: { schemas: componentSchemas(group, version) } };
}

const documents = new Map<string, { doc: unknown; hash: string }>();
/** A group-version's document and its hash, built once (they depend only on the lab's tables). */
function gvDocumentCached(group: string, version: string): { doc: unknown; hash: string } {
  const k = `${group}/${version}`;
  let d = documents.get(k);
  if (!d) {
    const doc = gvDocument(group, version);
    d = { doc, hash: fnv1a(JSON.stringify(doc)) };
    documents.set(k, d);
  }
  return d;
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
    for (const [g, v] of groupVersions()) paths[gvPath(g, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g, v)}?hash=${gvDocumentCached(g, v).hash}` };
    return json({ paths });
  }
  const m = /^\/openapi\/v3\/(.+)$/.exec(p);
  if (!m) return undefined;
  const gv = groupVersions().find(([g, v]) => gvPath(g, v) === m[1]);
  return gv ? json(gvDocumentCached(gv[0], gv[1]).doc) : undefined;
}
