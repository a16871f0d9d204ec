import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { base64Hash, buildOpenAPIV2, encodeOpenAPIV2, gnosticTypes, openapiV2, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED } from './openapi-v2';

type J = Record<string, any>;

/** gnostic openapi_v2.Document → Swagger JSON, the way gnostic's ToRawInfo writes it back (vendor extensions from their YAML). */
function fromGnostic(d: J): J {
  const ext = (list?: J[]) => Object.fromEntries((list ?? []).map((e) => [e.name, parseYaml(e.value.yaml)]));
  const schema = (s: J): J => ({
    ...(s.description ? { description: s.description } : {}),
    ...(s.type ? { type: s.type.value.length === 1 ? s.type.value[0] : s.type.value } : {}),
    ...(s.format ? { format: s.format } : {}),
    ...(s.required ? { required: s.required } : {}),
    ...(s.items ? { items: schema(s.items.schema[0]) } : {}),
    ...(s.properties ? { properties: Object.fromEntries((s.properties.additional_properties ?? []).map((p: J) => [p.name, schema(p.value)])) } : {}),
    ...(s.additional_properties ? { additionalProperties: s.additional_properties.schema ? schema(s.additional_properties.schema) : s.additional_properties.boolean } : {}),
    ...(s._ref ? { $ref: s._ref } : {}),
    ...ext(s.vendor_extension),
  });
  const parameter = (p: J): J => {
    if (p.body_parameter) {
      const b = p.body_parameter;
      return { name: b.name, in: b.in, ...(b.required ? { required: true } : {}), schema: schema(b.schema) };
    }
    const n = Object.values(p.non_body_parameter)[0] as J;
    return { ...(n.unique_items ? { uniqueItems: true } : {}), type: n.type, description: n.description, name: n.name, in: n.in, ...(n.required ? { required: true } : {}) };
  };
  const item = (p: J): J => (p.json_reference ? { $ref: p.json_reference._ref } : parameter(p.parameter));
  const operation = (o: J): J => ({
    description: o.description,
    consumes: o.consumes,
    produces: o.produces,
    schemes: o.schemes,
    tags: o.tags,
    operationId: o.operation_id,
    ...(o.parameters ? { parameters: o.parameters.map(item) } : {}),
    responses: Object.fromEntries(o.responses.response_code.map((r: J) => [r.name, { description: r.value.response.description, ...(r.value.response.schema ? { schema: schema(r.value.response.schema.schema) } : {}) }])),
    ...ext(o.vendor_extension),
  });
  return {
    swagger: d.swagger,
    info: d.info,
    paths: Object.fromEntries(
      d.paths.path.map((p: J) => [
        p.name,
        {
          ...Object.fromEntries(['get', 'put', 'post', 'delete', 'patch'].filter((m) => p.value[m]).map((m) => [m, operation(p.value[m])])),
          ...(p.value.parameters ? { parameters: p.value.parameters.map(item) } : {}),
        },
      ]),
    ),
    definitions: Object.fromEntries(d.definitions.additional_properties.map((s: J) => [s.name, schema(s.value)])),
    parameters: Object.fromEntries(d.parameters.additional_properties.map((p: J) => [p.name, parameter(p.value)])),
    securityDefinitions: Object.fromEntries(d.security_definitions.additional_properties.map((s: J) => [s.name, { description: s.value.api_key_security.description, type: s.value.api_key_security.type, name: s.value.api_key_security.name, in: s.value.api_key_security.in }])),
    security: d.security.map((r: J) => Object.fromEntries(r.additional_properties.map((a: J) => [a.name, a.value.value ?? []]))),
  };
}

const decode = (bytes: Uint8Array): J => {
  const t = gnosticTypes().lookupType('openapi.v2.Document');
  return t.toObject(t.decode(bytes), { defaults: false }) as J;
};

describe('GET /openapi/v2', () => {
  const doc = buildOpenAPIV2() as J;
  const bytes = encodeOpenAPIV2(doc);
  const pb = decode(bytes);

  it('the protobuf decodes, with the vendored gnostic schema, back to the same document', () => {
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(fromGnostic(pb)).toEqual(doc);
  });

  it('the PATCH of apps/v1 Deployment carries fieldValidation and the GVK extension, as query_param_verifier.go looks for them', () => {
    // supportsQueryParam: the first PATCH operation whose x-kubernetes-group-version-kind (YAML) names the kind.
    const patch = pb.paths.path
      .map((p: J) => p.value.patch)
      .find((op: J | undefined) => op?.vendor_extension?.some((e: J) => e.name === 'x-kubernetes-group-version-kind' && JSON.stringify(parseYaml(e.value.yaml)) === JSON.stringify({ group: 'apps', kind: 'Deployment', version: 'v1' })));
    expect(patch.operation_id).toBe('patchAppsV1NamespacedDeployment');
    expect(patch.vendor_extension).toEqual([
      { name: 'x-kubernetes-action', value: { yaml: 'patch\n' } },
      { name: 'x-kubernetes-group-version-kind', value: { yaml: 'group: apps\nkind: Deployment\nversion: v1\n' } },
    ]);
    expect(patch.consumes).toContain('application/strategic-merge-patch+json');
    const query = patch.parameters.map((p: J) => p.parameter?.non_body_parameter?.query_parameter_sub_schema).filter(Boolean);
    expect(query.map((q: J) => q.name)).toEqual(['dryRun', 'fieldValidation']);
    expect(query[1]).toMatchObject({ in: 'query', type: 'string', unique_items: true });
    // fieldManager and force are shared parameters, referenced as kube-openapi's builder names them.
    const refs = patch.parameters.map((p: J) => p.json_reference?._ref).filter(Boolean);
    expect(refs).toEqual(['#/parameters/body-78PwaGsr', '#/parameters/fieldManager-Qy4HdaTW', '#/parameters/force-tOGGb0Yi']);
  });

  it('every PATCH, POST and PUT takes fieldValidation, dryRun and fieldManager and names its kind', () => {
    let n = 0;
    for (const [path, item] of Object.entries(doc.paths as J)) {
      for (const m of ['post', 'put', 'patch']) {
        const op = item[m];
        if (!op) continue;
        n++;
        const names = [...(op.parameters ?? []), ...(item.parameters ?? [])].map((p: J) => (p.$ref ? doc.parameters[p.$ref.slice('#/parameters/'.length)].name : p.name));
        expect(names, `${m} ${path}`).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager', 'body']));
        expect(op['x-kubernetes-group-version-kind'], `${m} ${path}`).toEqual({ group: expect.any(String), kind: expect.any(String), version: expect.any(String) });
        expect(op['x-kubernetes-action']).toBe(m === 'patch' ? 'patch' : m);
      }
    }
    expect(n).toBeGreaterThan(60);
  });

  it('shared parameters have upstream\'s names: FNV-1 64 of their JSON, 6 bytes, URL base64', () => {
    expect(Object.keys(doc.parameters)).toEqual(expect.arrayContaining(['pretty-tJGM1-ng', 'namespace-vgWSWtn3', 'labelSelector-5Zw57w4C', 'watch-XNNPZGbK', 'body-2Y1dVQaQ', 'gracePeriodSeconds--K5HaBOS']));
    expect(base64Hash('{"name":"body","in":"body","schema":{"$ref":"#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"}}')).toBe('2Y1dVQaQ');
    expect(doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].parameters).toEqual([
      { uniqueItems: true, type: 'string', description: 'name of the Deployment', name: 'name', in: 'path', required: true },
      { $ref: '#/parameters/namespace-vgWSWtn3' },
      { $ref: '#/parameters/pretty-tJGM1-ng' },
    ]);
  });

  it('every $ref resolves (kube-openapi util/proto NewOpenAPIData refuses a dangling one)', () => {
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === '$ref' ? refs.push(x as string) : walk(x);
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(1000);
    for (const r of new Set(refs)) {
      const [, section, name] = /^#\/(definitions|parameters)\/(.+)$/.exec(r)!;
      expect(doc[section!][name!], r).toBeDefined();
    }
  });

  it('definitions carry the kinds\' GVKs and the strategic-merge-patch extensions kubectl apply reads', () => {
    const defs = doc.definitions;
    expect(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(defs['io.k8s.api.apps.v1.DeploymentList']).toMatchObject({ properties: { items: { type: 'array', items: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } } }, 'x-kubernetes-group-version-kind': [{ group: 'apps', kind: 'DeploymentList', version: 'v1' }] });
    expect(defs['io.k8s.api.core.v1.PodSpec'].properties.containers).toEqual({ type: 'array', items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' }, 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    expect(defs['io.k8s.api.core.v1.PodSpec'].properties.volumes['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(defs['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy).toEqual({ $ref: '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy', 'x-kubernetes-patch-strategy': 'retainKeys' });
    expect(defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ type: 'string', format: 'int-or-string' });
    expect(defs['io.k8s.api.core.v1.ConfigMap'].properties.data).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    // From the protobuf descriptors: kinds the Go struct table lacks.
    expect(Object.keys(defs['io.k8s.apimachinery.pkg.apis.meta.v1.Status'].properties)).toEqual(['apiVersion', 'code', 'details', 'kind', 'message', 'metadata', 'reason', 'status']);
    expect(defs['io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent'].properties).toEqual({ object: { $ref: '#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension' }, type: { type: 'string' } });
    expect(defs['io.k8s.api.authentication.v1.UserInfo'].properties.extra).toEqual({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } });
    expect(defs['io.k8s.api.policy.v1.Eviction']['x-kubernetes-group-version-kind']).toEqual([{ group: 'policy', kind: 'Eviction', version: 'v1' }]);
  });

  it('serves JSON or protobuf by Accept, with the JSON\'s SHA-512 as ETag; If-None-Match → 304; nothing acceptable → 406', () => {
    const json = openapiV2('/openapi/v2?timeout=32s', 'application/json')!;
    expect(json.status).toBe(200);
    expect(json.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(json.body as string)).toEqual(doc);
    const etag = `"${bytesToHex(sha512(new TextEncoder().encode(json.body as string))).toUpperCase()}"`;
    expect(json.headers['Etag']).toBe(etag);
    expect(json.headers['Vary']).toBe('Accept');
    // kubectl 1.27 asks with the deprecated media type; the answer names the current one.
    const proto = openapiV2('/openapi/v2', OPENAPI_V2_PROTOBUF_DEPRECATED)!;
    expect(proto.headers['Content-Type']).toBe(OPENAPI_V2_PROTOBUF);
    expect(proto.headers['Etag']).toBe(etag);
    expect((proto.body as { $base64: string }).$base64 === Buffer.from(bytes).toString('base64')).toBe(true);
    expect(openapiV2('/openapi/v2', `${OPENAPI_V2_PROTOBUF};q=0.9, application/json;q=0.5`)!.headers['Content-Type']).toBe(OPENAPI_V2_PROTOBUF);
    expect(openapiV2('/openapi/v2', undefined)!.headers['Content-Type']).toBe('application/json');
    expect(openapiV2('/openapi/v2', 'application/json', etag)).toEqual({ status: 304, headers: { Vary: 'Accept', Etag: etag }, body: '' });
    expect(openapiV2('/openapi/v2', 'application/json', '"stale"')!.status).toBe(200);
    expect(openapiV2('/openapi/v2', 'text/html')!.status).toBe(406);
    expect(openapiV2('/swagger-2.0.0.pb-v1', undefined)).toBeUndefined();
    expect(openapiV2('/openapi/v2/', undefined)).toBeUndefined();
  });
});
