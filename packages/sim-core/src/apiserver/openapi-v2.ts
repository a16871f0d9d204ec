/**
 * GET /openapi/v2: the Swagger 2.0 document kube-apiserver serves, as JSON or as gnostic's
 * protobuf (`openapi.v2.Document`). kubectl 1.27 reads it before every `create -f` / `apply -f`:
 * `f.Validator()` parses it (kube-openapi pkg/util/proto NewOpenAPIData: every `$ref` must name a
 * definition), its query-param verifier looks for a `fieldValidation` parameter on the PATCH
 * operation whose `x-kubernetes-group-version-kind` names the object's kind (then kubectl sends
 * `fieldValidation=Strict` and leaves validation to the server), and `apply` builds its strategic
 * merge patch from the kind's definition (`x-kubernetes-patch-strategy` / `-merge-key`); kubectl
 * 1.28+ use /openapi/v3 for the first two and fall back to this document for `apply`'s patch.
 *
 * The document: for every resource the lab serves (storage/keys.ts RESOURCES, the registry
 * discovery and openapi.ts use) the paths, operations and parameters endpoints/installer.go
 * registers — list (and list/watch for all namespaces), create, deletecollection, read, replace,
 * patch, delete, the deprecated /watch/ paths, status, scale, pods/binding, pods/eviction,
 * serviceaccounts/token and the create-only reviews — with upstream's operation ids, tags,
 * consumes/produces, responses and vendor extensions; parameters shared by many operations moved
 * to `#/parameters/<name>-<hash>` exactly as kube-openapi's builder names them (fieldValidation and
 * dryRun stay inline for old kubectls); path-level parameters are those every operation of the
 * path takes. Definitions are built from the lab's Go struct table (patch-meta.ts GO_STRUCTS: JSON
 * names, types, patch strategies and merge keys), falling back to the vendored k8s protobuf
 * descriptors (protobuf/k8s-types.json) for the kinds that table lacks (Status, DeleteOptions,
 * WatchEvent, Eviction, TokenRequest, the reviews), with `x-kubernetes-group-version-kind` on each
 * kind and list. Vendor extension values go into the protobuf as YAML text (gnostic's Any.yaml),
 * the way gnostic's ParseDocument writes them.
 *
 * Serving: JSON for `application/json`, protobuf for
 * `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (kubectl 1.27) and
 * `…spec.v2.v1.0+protobuf`, both answered with Content-Type `…spec.v2.v1.0+protobuf`; content
 * negotiation as goautoneg orders the Accept clauses (no match: 406); `Etag` is the quoted
 * uppercase hex SHA-512 of the JSON (the same for both forms, with `Vary: Accept`), and a matching
 * If-None-Match is a 304. /swagger-2.0.0.pb-v1 and /swagger.json were removed in 1.14: 404.
 *
 * Upstream: k8s.io/kube-openapi pkg/handler/handler.go (RegisterOpenAPIVersionedService,
 * computeETag, ToProtoBinary), pkg/builder/openapi.go (buildPaths, findCommonParameters,
 * buildOperations), pkg/builder/parameters.go (collectSharedParameters, base64Hash),
 * pkg/builder/util.go (sortParameters), pkg/validation/spec (field order of the JSON),
 * pkg/util/proto/document.go (what kubectl's parser requires); k8s.io/apiserver
 * pkg/endpoints/installer.go (routes, docs, parameters), pkg/endpoints/openapi/openapi.go
 * (GetOperationIDAndTags); github.com/google/gnostic-models openapiv2/OpenAPIv2.proto and
 * OpenAPIv2.go (NewDocument); github.com/munnerz/goautoneg (ParseAccept); kube-aggregator's
 * downloader (the served spec went through a JSON round trip: extension maps have sorted keys).
 * kubectl: cli-runtime pkg/resource/query_param_verifier.go, kubectl pkg/util/openapi/openapi.go,
 * pkg/cmd/apply/patcher.go.
 *
 * Leaves out: descriptions of definitions and properties, `required`, `x-kubernetes-list-type`,
 * `-list-map-keys`, `-map-type`, `-unions` and enums (no source in the lab; kubectl's patch and
 * validation paths do not read them, `kubectl explain` with 1.27 shows fields without text); the
 * discovery, /version, /logs and OIDC paths, pods/log, and the groups k3s serves that the lab does
 * not; gzip, Last-Modified and Range handling of http.ServeContent.
 */
import protobuf from 'protobufjs';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { stringify as yamlStringify } from 'yaml';
import gnosticDescriptors from './protobuf/gnostic-openapiv2.json';
import k8sDescriptors from './protobuf/k8s-types.json';
import { GO_STRUCTS, type FieldMeta } from './patch-meta';
import { subresourcesOf } from './discovery';
import { RESOURCES, type ResourceDef } from './storage/keys';

type Json = Record<string, unknown>;
type Resp = { status: number; headers: Record<string, string>; body: unknown };

export const OPENAPI_V2_JSON = 'application/json';
/** What kubectl ≤1.28 asks for (kube-openapi logs it as deprecated). */
export const OPENAPI_V2_PROTOBUF_DEPRECATED = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** What the server always answers protobuf with. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const VERSION = 'v1.33.5+k3s1';

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

/** Go package alias (as patch-meta.ts writes them) → proto package (= definition name prefix). */
const PROTO_PACKAGE: Record<string, string> = {
  meta: 'k8s.io.apimachinery.pkg.apis.meta.v1',
  runtime: 'k8s.io.apimachinery.pkg.runtime',
  resource: 'k8s.io.apimachinery.pkg.api.resource',
  intstr: 'k8s.io.apimachinery.pkg.util.intstr',
};
const protoPackage = (alias: string) => PROTO_PACKAGE[alias] ?? `k8s.io.api.${alias}.v1`;
/** 'core.Pod' → 'io.k8s.api.core.v1.Pod' (kube-openapi's definition namer: the Go package path reversed-domain). */
const defName = (goType: string) => {
  const [alias, name] = goType.split('.') as [string, string];
  return `io.k8s.${protoPackage(alias).slice('k8s.io.'.length)}.${name}`;
};
const ref = (goType: string) => `#/definitions/${defName(goType)}`;

/** Types with their own JSON form: their definitions as upstream's OpenAPIDefinition() methods write them. */
const OPAQUE: Record<string, Json> = {
  'meta.Time': { type: 'string', format: 'date-time' },
  'meta.MicroTime': { type: 'string', format: 'date-time' },
  'meta.FieldsV1': { type: 'object' },
  'meta.Patch': { type: 'object' },
  'runtime.RawExtension': { type: 'object' },
  'resource.Quantity': { type: 'string' },
  'intstr.IntOrString': { type: 'string', format: 'int-or-string' },
};

let k8sRoot: protobuf.Root | undefined;
const k8sTypes = () => (k8sRoot ??= protobuf.Root.fromJSON(k8sDescriptors as protobuf.INamespace));

/**
 * A Go struct the GO_STRUCTS table lacks, read from its generated.proto message: field names are
 * the JSON names; TypeMeta (kind, apiVersion) is not in the proto, so kinds (a `metadata` field,
 * or DeleteOptions) get it back; ExtraValue is Go's []string.
 */
function protoStruct(goType: string): Record<string, FieldMeta> | undefined {
  const [alias, name] = goType.split('.') as [string, string];
  let t: protobuf.Type;
  try {
    t = k8sTypes().lookupType(`${protoPackage(alias)}.${name}`);
  } catch {
    return undefined;
  }
  const scalar: Record<string, string> = { string: 'string', int32: 'int32', int64: 'int64', bool: 'bool', bytes: '[]byte', double: 'float64', float: 'float32' };
  const goOf = (f: protobuf.Field): string => {
    if (scalar[f.type]) return scalar[f.type]!;
    const rt = f.resolve().resolvedType as protobuf.Type;
    const full = rt.fullName.replace(/^\./, '');
    if (rt.name === 'ExtraValue') return '[]string';
    const a = Object.entries(PROTO_PACKAGE).find(([, p]) => full === `${p}.${rt.name}`)?.[0] ?? /^k8s\.io\.api\.([a-z]+)\.v1\./.exec(full)?.[1];
    if (!a) throw new Error(`openapi v2: no Go package for ${full}`);
    return `${a}.${rt.name}`;
  };
  const fields: Record<string, FieldMeta> = {};
  const metadata = t.fields['metadata'];
  if (metadata || goType === 'meta.DeleteOptions') Object.assign(fields, { kind: 'string', apiVersion: 'string' });
  for (const f of t.fieldsArray) {
    const inner = goOf(f);
    fields[f.name] = (f as protobuf.Field & { map?: boolean }).map ? `map[string]${inner}` : f.repeated ? `[]${inner}` : inner;
  }
  return fields;
}

const structOf = (goType: string): Record<string, FieldMeta> | undefined => GO_STRUCTS[goType] ?? protoStruct(goType);

class Definitions {
  readonly defs: Record<string, Json> = {};
  private readonly gvks = new Map<string, { group: string; kind: string; version: string }[]>();

  /** Marks a Go type as a kind served in these group-versions (x-kubernetes-group-version-kind). */
  kind(goType: string, group: string, version: string, kind: string): string {
    const list = this.gvks.get(goType) ?? [];
    if (!list.some((g) => g.group === group && g.version === version && g.kind === kind)) list.push({ group, kind, version });
    this.gvks.set(goType, list);
    return this.use(goType);
  }

  /** A `$ref` to the type's definition, building it (and what it references) on first use. */
  use(goType: string): string {
    const name = defName(goType);
    if (!this.defs[name]) {
      this.defs[name] = {};
      const opaque = OPAQUE[goType];
      if (opaque) this.defs[name] = { ...opaque };
      else {
        const fields = structOf(goType);
        if (!fields) throw new Error(`openapi v2: no struct for ${goType}`);
        const properties: Record<string, Json> = {};
        for (const field of Object.keys(fields).sort()) properties[field] = this.fieldSchema(fields[field]!);
        this.defs[name] = { type: 'object', properties };
      }
    }
    return ref(goType);
  }

  private fieldSchema(meta: FieldMeta): Json {
    const [type, strategy, mergeKey] = typeof meta === 'string' ? [meta] : meta;
    const s = this.typeSchema(type);
    if (mergeKey) s['x-kubernetes-patch-merge-key'] = mergeKey;
    if (strategy) s['x-kubernetes-patch-strategy'] = strategy;
    return s;
  }

  private typeSchema(type: string): Json {
    if (type.startsWith('*')) return this.typeSchema(type.slice(1));
    if (type === '[]byte') return { type: 'string', format: 'byte' };
    if (type.startsWith('[]')) return { type: 'array', items: this.typeSchema(type.slice(2)) };
    if (type.startsWith('map[string]')) return { type: 'object', additionalProperties: this.typeSchema(type.slice('map[string]'.length)) };
    switch (type) {
      case 'string':
        return { type: 'string' };
      case 'bool':
        return { type: 'boolean' };
      case 'int32':
      case 'int64':
        return { type: 'integer', format: type };
      case 'float64':
        return { type: 'number', format: 'double' };
      case 'float32':
        return { type: 'number', format: 'float' };
    }
    return { $ref: this.use(type) };
  }

  /** The definitions, sorted by name (Go marshals the map sorted), kinds carrying their GVKs. */
  finish(): Record<string, Json> {
    for (const [goType, list] of this.gvks) {
      list.sort((a, b) => (a.group === b.group ? (a.version < b.version ? -1 : a.version > b.version ? 1 : 0) : a.group < b.group ? -1 : 1));
      this.defs[defName(goType)]!['x-kubernetes-group-version-kind'] = list;
    }
    return Object.fromEntries(Object.keys(this.defs).sort().map((k) => [k, this.defs[k]!]));
  }
}

// ---------------------------------------------------------------------------------------------
// Paths and parameters
// ---------------------------------------------------------------------------------------------

/** Query and path parameters as k8s.io/apiserver's installer documents them (v1.33). */
const PARAM_DOCS: Record<string, [type: string, description: string]> = {
  allowWatchBookmarks: ['boolean', 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored.'],
  continue: ['string', 'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token. If the client needs a consistent list, it must restart their list without the continue field. Otherwise, the client may send another list request with the token received with the 410 error, the server will respond with a list starting from the next key, but from the latest snapshot, which is inconsistent from the previous list results - objects that are created, modified, or deleted after the first list request will be included in the response, as long as their keys are after the "next key".\n\nThis field is not supported when watch is true. Clients may start a watch from the last resourceVersion value returned by the server and not miss any modifications.'],
  dryRun: ['string', 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed'],
  fieldManager: ['string', 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.'],
  fieldSelector: ['string', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'],
  fieldValidation: ['string', 'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.'],
  force: ['boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.'],
  gracePeriodSeconds: ['integer', 'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.'],
  ignoreStoreReadErrorWithClusterBreakingPotential: ['boolean', 'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error. A resource is considered corrupt if it can not be retrieved from the underlying storage successfully because of a) its data can not be transformed e.g. decryption failure, or b) it fails to decode into an object. NOTE: unsafe deletion ignores finalizer constraints, skips precondition checks, and removes the object from the storage. WARNING: This may potentially break the cluster if the workload associated with the resource being unsafe-deleted relies on normal deletion flow. Use only if you REALLY know what you are doing. The default value is false, and the user must opt in to enable it'],
  labelSelector: ['string', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'],
  limit: ['integer', 'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results. Setting a limit may return fewer than the requested amount of items (up to zero items) in the event all requested objects are filtered out and clients should only use the presence of the continue field to determine whether more results are available. Servers may choose not to support the limit argument and will return all of the available results. If limit is specified and the continue field is empty, clients may assume that no more results are available. This field is not supported if watch is true.\n\nThe server guarantees that the objects returned when using continue will be identical to issuing a single list call without a limit - that is, no objects created, modified, or deleted after the first request is issued will be included in any subsequent continued requests. This is sometimes referred to as a consistent snapshot, and ensures that a client that is using limit to receive smaller chunks of a very large result can ensure they see all possible objects. If objects are updated during a chunked list the version of the object that was present at the time the first list result was calculated is returned.'],
  namespace: ['string', 'object name and auth scope, such as for teams and projects'],
  orphanDependents: ['boolean', 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.'],
  pretty: ['string', 'If \'true\', then the output is pretty printed. Defaults to \'false\' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).'],
  propagationPolicy: ['string', 'Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: \'Orphan\' - orphan the dependents; \'Background\' - allow the garbage collector to delete the dependents in the background; \'Foreground\' - a cascading policy that deletes all dependents in the foreground.'],
  resourceVersion: ['string', 'resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset'],
  resourceVersionMatch: ['string', 'resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset'],
  sendInitialEvents: ['boolean', '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event  will be sent. The bookmark will report the ResourceVersion (RV) corresponding to the set of objects, and be marked with `"k8s.io/initial-events-end": "true"` annotation. Afterwards, the watch stream will proceed as usual, sending watch events corresponding to changes (subsequent to the RV) to objects watched.\n\nWhen `sendInitialEvents` option is set, we require `resourceVersionMatch` option to also be set. The semantic of the watch request is as following: - `resourceVersionMatch` = NotOlderThan\n  is interpreted as "data at least as new as the provided `resourceVersion`"\n  and the bookmark event is send when the state is synced\n  to a `resourceVersion` at least as fresh as the one provided by the ListOptions.\n  If `resourceVersion` is unset, this is interpreted as "consistent read" and the\n  bookmark event is send when the state is synced at least to the moment\n  when request started being processed.\n- `resourceVersionMatch` set to any other value or unset\n  Invalid error is returned.\n\nDefaults to true if `resourceVersion=""` or `resourceVersion="0"` (for backward compatibility reasons) and to false otherwise.'],
  timeoutSeconds: ['integer', 'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.'],
  watch: ['boolean', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.'],
};

const LIST = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const DELETE_COLLECTION = [...DELETE, ...LIST.filter((p) => p !== 'allowWatchBookmarks' && p !== 'watch')];

/** A non-body parameter in spec.Parameter's JSON field order (uniqueItems, type, description, name, in, required). */
function param(name: string, inPath = false, description?: string): Json {
  const [type, doc] = PARAM_DOCS[name] ?? ['string', description ?? ''];
  return { uniqueItems: true, type, description: description ?? doc, name, in: inPath ? 'path' : 'query', ...(inPath ? { required: true } : {}) };
}
const body = (refTo: string, required = true): Json => ({ name: 'body', in: 'body', ...(required ? { required: true } : {}), schema: { $ref: refTo } });

const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const PRODUCES_WATCH = [...PRODUCES, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** endpoints/openapi ToValidOperationID. */
function validOperationID(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/[A-Za-z_]/.test(c) || (i !== 0 && /[0-9]/.test(c))) {
      out += capitalize ? c.toUpperCase() : c;
      capitalize = false;
    } else capitalize = true;
  }
  return out;
}

/** An article for a noun, as installer.go's GetArticleForNoun (plurals get none). */
const article = (noun: string) => (!noun.endsWith('ss') && noun.endsWith('s') ? ' ' : /^[AEIOUaeiou]/.test(noun) ? ' an ' : ' a ');

interface Route {
  method: 'get' | 'put' | 'post' | 'delete' | 'patch';
  /** The restful route's operation name (installer.go), e.g. listNamespacedDeployment. */
  operation: string;
  doc: string;
  action: string;
  gvk: { group: string; kind: string; version: string };
  params: Json[];
  consumes?: string[];
  produces: string[];
  responses: Record<string, Json>;
}

const VERB_PREFIXES = ['deletecollection', 'connect', 'create', 'delete', 'patch', 'proxy', 'replace', 'list', 'read', 'watch', 'get', 'log'];

class PathsBuilder {
  readonly paths: Record<string, Json> = {};
  constructor(private readonly defs: Definitions) {}

  /** buildPaths + buildOperations: parameters every route of the path takes go to the path level. */
  add(path: string, group: string, version: string, routes: Route[]): void {
    const key = (p: Json) => `${p['name']}|${p['in'] === 'body' ? 'body' : p['in']}`;
    const counts = new Map<string, number>();
    for (const r of routes) for (const p of r.params) counts.set(key(p), (counts.get(key(p)) ?? 0) + 1);
    const common = new Set([...counts].filter(([k, n]) => n === routes.length && !k.endsWith('|body')).map(([k]) => k));
    const sort = (ps: Json[]) => ps.sort((a, b) => (a['name'] === b['name'] ? ((a['in'] as string) < (b['in'] as string) ? -1 : 1) : (a['name'] as string) < (b['name'] as string) ? -1 : 1));
    const trimmed = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
    const gvOp = validOperationID(trimmed, true) + validOperationID(version, true);
    const tag = `${validOperationID(trimmed, false)}_${validOperationID(version, false)}`;
    const item: Json = {};
    for (const r of routes) {
      const prefix = VERB_PREFIXES.find((v) => r.operation.startsWith(v))!;
      const ps = sort(r.params.filter((p) => !common.has(key(p))));
      item[r.method] = {
        description: r.doc,
        consumes: r.consumes ?? ['*/*'],
        produces: r.produces,
        schemes: ['https'],
        tags: [tag],
        operationId: prefix + gvOp + r.operation.slice(prefix.length),
        ...(ps.length ? { parameters: ps } : {}),
        responses: r.responses,
        'x-kubernetes-action': r.action,
        'x-kubernetes-group-version-kind': r.gvk,
      };
    }
    // PathItemProps order: get, put, post, delete, options, head, patch, parameters.
    const ordered: Json = {};
    for (const m of ['get', 'put', 'post', 'delete', 'patch']) if (item[m]) ordered[m] = item[m];
    const first = routes[0]!;
    const pathParams = sort(first.params.filter((p) => common.has(key(p))));
    if (pathParams.length) ordered['parameters'] = pathParams;
    this.paths[path] = ordered;
  }

  /** Every path of one resource, as installer.go registers them. */
  resource(r: ResourceDef): void {
    const goType = kindGoType(r);
    const kindRef = this.defs.kind(goType, r.group, r.version, r.kind);
    const listRef = r.virtual ? '' : this.listKind(r, goType);
    const statusRef = this.defs.use('meta.Status');
    const watchRef = this.defs.use('meta.WatchEvent');
    const deleteOptionsRef = this.defs.use('meta.DeleteOptions');
    const patchRef = this.defs.use('meta.Patch');
    const gv = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    const ns = r.namespaced ? 'Namespaced' : '';
    const nsPath = r.namespaced ? '/namespaces/{namespace}' : '';
    const nsParam = r.namespaced ? [param('namespace', true)] : [];
    const nameParam = (kind: string) => param('name', true, `name of the ${kind}`);
    const gvk = { group: r.group, kind: r.kind, version: r.version };
    const ok = (refTo: string, ...codes: string[]) => Object.fromEntries([...codes.map((c) => [c, { description: RESPONSE_TEXT[c], schema: { $ref: refTo } }]), ['401', { description: 'Unauthorized' }]]);
    const has = (v: string) => r.verbs.includes(v);
    const pretty = param('pretty');
    const q = (names: string[]) => names.map((n) => param(n));
    const kind = r.kind;

    // The collection: list, create, deletecollection.
    const collection: Route[] = [];
    if (has('list')) collection.push({ method: 'get', operation: `list${ns}${kind}`, doc: `list or watch objects of kind ${kind}`, action: 'list', gvk, params: [...nsParam, pretty, ...q(LIST)], produces: PRODUCES_WATCH, responses: ok(listRef, '200') });
    if (has('create')) collection.push({ method: 'post', operation: `create${ns}${kind}`, doc: `create${article(kind)}${kind}`, action: 'post', gvk, params: [...nsParam, pretty, body(kindRef), ...q(WRITE)], produces: PRODUCES, responses: ok(kindRef, '200', '201', '202') });
    if (has('deletecollection')) collection.push({ method: 'delete', operation: `deleteCollection${ns}${kind}`, doc: `delete collection of ${kind}`, action: 'deletecollection', gvk, params: [...nsParam, pretty, body(deleteOptionsRef, false), ...q(DELETE_COLLECTION)], produces: PRODUCES, responses: ok(statusRef, '200') });
    if (collection.length) this.add(`${gv}${nsPath}/${r.resource}`, r.group, r.version, collection);
    if (r.virtual) return;

    // One object: read, replace, delete, patch.
    const obj: Route[] = [];
    const deleted = RETURNS_DELETED.has(r.resource) ? kindRef : statusRef;
    const itemParams = [...nsParam, nameParam(kind), pretty];
    if (has('get')) obj.push({ method: 'get', operation: `read${ns}${kind}`, doc: `read the specified ${kind}`, action: 'get', gvk, params: itemParams, produces: PRODUCES, responses: ok(kindRef, '200') });
    if (has('update')) obj.push({ method: 'put', operation: `replace${ns}${kind}`, doc: `replace the specified ${kind}`, action: 'put', gvk, params: [...itemParams, body(kindRef), ...q(WRITE)], produces: PRODUCES, responses: ok(kindRef, '200', '201') });
    if (has('delete')) obj.push({ method: 'delete', operation: `delete${ns}${kind}`, doc: `delete${article(kind)}${kind}`, action: 'delete', gvk, params: [...itemParams, body(deleteOptionsRef, false), ...q(DELETE)], produces: PRODUCES, responses: ok(deleted, '200', '202') });
    if (has('patch')) obj.push({ method: 'patch', operation: `patch${ns}${kind}`, doc: `partially update the specified ${kind}`, action: 'patch', gvk, params: [...itemParams, body(patchRef), ...q([...WRITE, 'force'])], consumes: PATCH_TYPES, produces: PRODUCES, responses: ok(kindRef, '200', '201') });
    this.add(`${gv}${nsPath}/${r.resource}/{name}`, r.group, r.version, obj);

    // Subresources: status and scale (get, replace, patch); pods/binding, pods/eviction, serviceaccounts/token (create).
    for (const sub of subresourcesOf(r)) {
      const subKind = sub.kind.kind;
      const subRef = sub.kind.kind === kind ? kindRef : this.defs.kind(subGoType(sub.kind), sub.kind.group, sub.kind.version, subKind);
      const subGvk = { group: sub.kind.group, kind: subKind, version: sub.kind.version };
      const Sub = sub.subresource[0]!.toUpperCase() + sub.subresource.slice(1);
      const subParams = [...nsParam, nameParam(sub.subresource === 'status' ? kind : subKind), pretty];
      const routes: Route[] = [];
      if (sub.verbs.includes('get') && (sub.subresource === 'status' || sub.subresource === 'scale')) routes.push({ method: 'get', operation: `read${ns}${kind}${Sub}`, doc: `read ${sub.subresource} of the specified ${kind}`, action: 'get', gvk: subGvk, params: subParams, produces: PRODUCES, responses: ok(subRef, '200') });
      if (sub.verbs.includes('update')) routes.push({ method: 'put', operation: `replace${ns}${kind}${Sub}`, doc: `replace ${sub.subresource} of the specified ${kind}`, action: 'put', gvk: subGvk, params: [...subParams, body(subRef), ...q(WRITE)], produces: PRODUCES, responses: ok(subRef, '200', '201') });
      if (sub.verbs.includes('patch')) routes.push({ method: 'patch', operation: `patch${ns}${kind}${Sub}`, doc: `partially update ${sub.subresource} of the specified ${kind}`, action: 'patch', gvk: subGvk, params: [...subParams, body(patchRef), ...q([...WRITE, 'force'])], consumes: PATCH_TYPES, produces: PRODUCES, responses: ok(subRef, '200', '201') });
      if (sub.verbs.includes('create')) routes.push({ method: 'post', operation: `create${ns}${kind}${Sub}`, doc: `create ${sub.subresource} of${article(kind)}${kind}`, action: 'post', gvk: subGvk, params: [...subParams, body(subRef), ...q(WRITE)], produces: PRODUCES, responses: ok(subRef, '200', '201', '202') });
      if (routes.length) this.add(`${gv}${nsPath}/${r.resource}/{name}/${sub.subresource}`, r.group, r.version, routes);
    }

    if (r.namespaced && has('list')) this.add(`${gv}/${r.resource}`, r.group, r.version, [{ method: 'get', operation: `list${kind}ForAllNamespaces`, doc: `list or watch objects of kind ${kind}`, action: 'list', gvk, params: [pretty, ...q(LIST)], produces: PRODUCES_WATCH, responses: ok(listRef, '200') }]);
    if (has('watch')) {
      const watchList = (operation: string, path: string, params: Json[]) => this.add(path, r.group, r.version, [{ method: 'get', operation, doc: `watch individual changes to a list of ${kind}. deprecated: use the 'watch' parameter with a list operation instead.`, action: 'watchlist', gvk, params, produces: PRODUCES_WATCH, responses: ok(watchRef, '200') }]);
      watchList(`watch${ns}${kind}List`, `${gv}/watch${nsPath}/${r.resource}`, [...nsParam, pretty, ...q(LIST)]);
      if (r.namespaced) watchList(`watch${kind}ListForAllNamespaces`, `${gv}/watch/${r.resource}`, [pretty, ...q(LIST)]);
      this.add(`${gv}/watch${nsPath}/${r.resource}/{name}`, r.group, r.version, [{ method: 'get', operation: `watch${ns}${kind}`, doc: `watch changes to an object of kind ${kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`, action: 'watch', gvk, params: [...nsParam, nameParam(kind), pretty, ...q(LIST)], produces: PRODUCES_WATCH, responses: ok(watchRef, '200') }]);
    }
  }

  /** <Kind>List: apiVersion, items, kind, metadata (a ListMeta), registered as a kind of its own. */
  private listKind(r: ResourceDef, goType: string): string {
    const listType = `${goType}List`;
    const name = defName(listType);
    if (!this.defs.defs[name]) {
      this.defs.defs[name] = {
        type: 'object',
        properties: { apiVersion: { type: 'string' }, items: { type: 'array', items: { $ref: this.defs.use(goType) } }, kind: { type: 'string' }, metadata: { $ref: this.defs.use('meta.ListMeta') } },
      };
    }
    return this.defs.kind(listType, r.group, r.version, r.listKind);
  }
}

const RESPONSE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '401': 'Unauthorized' };
/** Resources whose DELETE answers with the deleted object (their registries set ReturnDeletedObject); the rest answer a Status. */
const RETURNS_DELETED = new Set(['pods', 'services', 'serviceaccounts', 'persistentvolumeclaims', 'persistentvolumes', 'resourcequotas', 'podtemplates']);

const GROUP_ALIAS: Record<string, string> = { '': 'core', 'rbac.authorization.k8s.io': 'rbac' };
const goAlias = (group: string) => GROUP_ALIAS[group] ?? group.replace(/\.k8s\.io$/, '');
const kindGoType = (r: ResourceDef) => `${goAlias(r.group)}.${r.kind}`;
const subGoType = (k: { group: string; kind: string }) => `${goAlias(k.group)}.${k.kind}`;

// ---------------------------------------------------------------------------------------------
// Shared parameters (kube-openapi builder/parameters.go)
// ---------------------------------------------------------------------------------------------

/** hash/fnv New64 (FNV-1, 64-bit) of the UTF-8 bytes, first 6 bytes of the big-endian sum, URL base64. */
export function base64Hash(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(s)) h = ((h * 0x100000001b3n) & 0xffffffffffffffffn) ^ BigInt(b);
  const bytes: number[] = [];
  for (let i = 7; i >= 2; i--) bytes.push(Number((h >> BigInt(i * 8)) & 0xffn));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

/** deduplicateParameters: every parameter but names, fieldValidation, dryRun and kind-specific bodies becomes a #/parameters/ reference. */
function deduplicate(paths: Record<string, Json>): Record<string, Json> {
  const shareable = (p: Json) => {
    if ((p['in'] === 'query' || p['in'] === 'path') && p['name'] === 'name') return false;
    if (p['in'] === 'query' && (p['name'] === 'fieldValidation' || p['name'] === 'dryRun')) return false;
    if (p['in'] === 'body' && !String((p['schema'] as Json | undefined)?.['$ref'] ?? '').startsWith('#/definitions/io.k8s.apimachinery')) return false;
    return true;
  };
  const lists: Json[][] = [];
  for (const item of Object.values(paths)) {
    for (const m of ['get', 'put', 'post', 'delete', 'patch']) {
      const op = item[m] as Json | undefined;
      if (op?.['parameters']) lists.push(op['parameters'] as Json[]);
    }
    if (item['parameters']) lists.push(item['parameters'] as Json[]);
  }
  const shared = new Map<string, Json>();
  for (const list of lists) for (const p of list) if (shareable(p) && !shared.has(JSON.stringify(p))) shared.set(JSON.stringify(p), p);
  const names = new Map<string, string>();
  const parameters: Record<string, Json> = {};
  for (const k of [...shared.keys()].sort()) {
    const p = shared.get(k)!;
    let name = `${p['name']}-${base64Hash(k)}`;
    for (let i = 1; parameters[name]; i++) name = `${p['name']}-${i}`;
    parameters[name] = p;
    names.set(k, name);
  }
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const name = names.get(JSON.stringify(list[i]));
      if (name) list[i] = { $ref: `#/parameters/${name}` };
    }
  }
  return Object.fromEntries(Object.keys(parameters).sort().map((k) => [k, parameters[k]!]));
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

/** The Swagger 2.0 document, with objects in the order Go marshals spec.Swagger (maps sorted). */
export function buildOpenAPIV2(): Json {
  const defs = new Definitions();
  const paths = new PathsBuilder(defs);
  for (const r of RESOURCES) paths.resource(r);
  // Status, DeleteOptions and WatchEvent are kinds in every group-version the server serves.
  const gvs = [...new Map(RESOURCES.map((r) => [`${r.group}/${r.version}`, r])).values()];
  defs.kind('meta.Status', '', 'v1', 'Status');
  for (const r of gvs) {
    defs.kind('meta.DeleteOptions', r.group, r.version, 'DeleteOptions');
    defs.kind('meta.WatchEvent', r.group, r.version, 'WatchEvent');
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths.paths).sort().map((k) => [k, paths.paths[k]!]));
  const parameters = deduplicate(sortedPaths);
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: VERSION },
    paths: sortedPaths,
    definitions: defs.finish(),
    parameters,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}

// ---------------------------------------------------------------------------------------------
// Protobuf: gnostic's openapi_v2.Document, as ParseDocument builds it from the JSON
// ---------------------------------------------------------------------------------------------

let gnosticRoot: protobuf.Root | undefined;
/** The gnostic OpenAPI v2 message types (protobuf/gnostic-openapiv2.json, field names as the .proto spells them). */
export const gnosticTypes = () => (gnosticRoot ??= protobuf.Root.fromJSON(gnosticDescriptors as protobuf.INamespace));

/** Drops what proto3 would not write (empty strings, false, zero, empty lists); keeps messages, even empty ones. */
function compact(o: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || v === false || v === 0) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** A vendor extension value: gnostic's Any, the YAML text of the JSON value (yaml.v3 Marshal). */
const anyOf = (v: unknown): Json => ({ yaml: yamlStringify(v) });
const extensions = (o: Json) => Object.keys(o).filter((k) => k.startsWith('x-')).map((k) => ({ name: k, value: anyOf(o[k]) }));

function gSchema(s: Json): Json {
  const ap = s['additionalProperties'];
  const items = s['items'];
  const props = s['properties'] as Record<string, Json> | undefined;
  return compact({
    _ref: s['$ref'],
    format: s['format'],
    title: s['title'],
    description: s['description'],
    ...(s['default'] !== undefined ? { default: anyOf(s['default']) } : {}),
    unique_items: s['uniqueItems'],
    required: s['required'],
    enum: (s['enum'] as unknown[] | undefined)?.map(anyOf),
    additional_properties: ap === undefined ? undefined : typeof ap === 'boolean' ? { boolean: ap } : { schema: gSchema(ap as Json) },
    type: s['type'] === undefined ? undefined : { value: Array.isArray(s['type']) ? s['type'] : [s['type']] },
    items: items === undefined ? undefined : { schema: (Array.isArray(items) ? items : [items]).map((i) => gSchema(i as Json)) },
    all_of: (s['allOf'] as Json[] | undefined)?.map(gSchema),
    properties: props === undefined ? undefined : { additional_properties: Object.entries(props).map(([name, v]) => ({ name, value: gSchema(v) })) },
    vendor_extension: extensions(s),
  });
}

const SUB_SCHEMA: Record<string, string> = { query: 'query_parameter_sub_schema', path: 'path_parameter_sub_schema', header: 'header_parameter_sub_schema', formData: 'form_data_parameter_sub_schema' };

function gParameter(p: Json): Json {
  if (p['in'] === 'body') return { body_parameter: compact({ description: p['description'], name: p['name'], in: p['in'], required: p['required'], schema: gSchema(p['schema'] as Json), vendor_extension: extensions(p) }) };
  const sub = compact({ required: p['required'], in: p['in'], description: p['description'], name: p['name'], type: p['type'], format: p['format'], unique_items: p['uniqueItems'], vendor_extension: extensions(p) });
  return { non_body_parameter: { [SUB_SCHEMA[p['in'] as string]!]: sub } };
}
const gParametersItem = (p: Json): Json => (p['$ref'] ? { json_reference: { _ref: p['$ref'] } } : { parameter: gParameter(p) });

function gOperation(op: Json): Json {
  const responses = op['responses'] as Record<string, Json>;
  return compact({
    tags: op['tags'],
    summary: op['summary'],
    description: op['description'],
    operation_id: op['operationId'],
    produces: op['produces'],
    consumes: op['consumes'],
    parameters: (op['parameters'] as Json[] | undefined)?.map(gParametersItem),
    responses: {
      response_code: Object.entries(responses).map(([code, r]) => ({
        name: code,
        value: r['$ref'] ? { json_reference: { _ref: r['$ref'] } } : { response: compact({ description: r['description'], schema: r['schema'] ? { schema: gSchema(r['schema'] as Json) } : undefined, vendor_extension: extensions(r) }) },
      })),
    },
    schemes: op['schemes'],
    deprecated: op['deprecated'],
    vendor_extension: extensions(op),
  });
}

/** The JSON document as gnostic's NewDocument reads it (named lists keep the JSON's order). */
export function toGnostic(doc: Json): Json {
  const paths = doc['paths'] as Record<string, Json>;
  return compact({
    swagger: doc['swagger'],
    info: compact({ ...(doc['info'] as Json), vendor_extension: extensions(doc['info'] as Json) }),
    paths: {
      path: Object.entries(paths).map(([name, item]) => ({
        name,
        value: compact({
          ...Object.fromEntries(['get', 'put', 'post', 'delete', 'options', 'head', 'patch'].filter((m) => item[m]).map((m) => [m, gOperation(item[m] as Json)])),
          parameters: (item['parameters'] as Json[] | undefined)?.map(gParametersItem),
          vendor_extension: extensions(item),
        }),
      })),
    },
    definitions: { additional_properties: Object.entries(doc['definitions'] as Record<string, Json>).map(([name, s]) => ({ name, value: gSchema(s) })) },
    parameters: { additional_properties: Object.entries(doc['parameters'] as Record<string, Json>).map(([name, p]) => ({ name, value: gParameter(p) })) },
    security: (doc['security'] as Record<string, string[]>[]).map((req) => ({ additional_properties: Object.entries(req).map(([name, scopes]) => ({ name, value: compact({ value: scopes }) })) })),
    security_definitions: {
      additional_properties: Object.entries(doc['securityDefinitions'] as Record<string, Json>).map(([name, d]) => ({ name, value: { api_key_security: compact({ type: d['type'], name: d['name'], in: d['in'], description: d['description'] }) } })),
    },
    vendor_extension: extensions(doc),
  });
}

/** kube-openapi ToProtoBinary. */
export function encodeOpenAPIV2(doc: Json): Uint8Array {
  const t = gnosticTypes().lookupType('openapi.v2.Document');
  return t.encode(t.fromObject(toGnostic(doc))).finish();
}

// ---------------------------------------------------------------------------------------------
// The handler
// ---------------------------------------------------------------------------------------------

let served: { json: string; etag: string; protobuf: string } | undefined;
function servedSpec() {
  if (!served) {
    const doc = buildOpenAPIV2();
    const json = JSON.stringify(doc);
    const bytes = encodeOpenAPIV2(doc);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    served = { json, etag: bytesToHex(sha512(new TextEncoder().encode(json))).toUpperCase(), protobuf: btoa(bin) };
  }
  return served;
}

/** goautoneg.ParseAccept: clauses by q, then those with a concrete type, then a concrete subtype. */
function parseAccept(header: string): { type: string; subtype: string; q: number }[] {
  const out: { type: string; subtype: string; q: number; i: number }[] = [];
  header.split(',').forEach((part, i) => {
    const [range, ...params] = part.trim().split(';');
    const sp = range!.split('/');
    const type = sp[0]!.trim();
    let subtype: string;
    if (sp.length === 1 && type === '*') subtype = '*';
    else if (sp.length === 2) subtype = sp[1]!.trim();
    else return;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split('=', 2);
      if (v !== undefined && k!.trim() === 'q') q = Number.parseFloat(v) || 0;
    }
    out.push({ type, subtype, q, i });
  });
  const rank = (a: { type: string; subtype: string; q: number }) => [-a.q, a.type === '*' ? 1 : 0, a.subtype === '*' ? 1 : 0];
  return out.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let k = 0; k < 3; k++) if (ra[k] !== rb[k]) return ra[k]! - rb[k]!;
    return a.i - b.i;
  });
}

/** http.ServeContent's If-None-Match check (weak comparison; `*` matches anything). */
function etagMatches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/** GET /openapi/v2; undefined for any other path. */
export function openapiV2(path: string, accept: string | undefined, ifNoneMatch?: string): Resp | undefined {
  if (path.split('?')[0] !== '/openapi/v2') return undefined;
  const accepted: [string, 'json' | 'protobuf', string][] = [
    ['json', 'json', OPENAPI_V2_JSON],
    [OPENAPI_V2_PROTOBUF_DEPRECATED.slice('application/'.length), 'protobuf', OPENAPI_V2_PROTOBUF],
    [OPENAPI_V2_PROTOBUF.slice('application/'.length), 'protobuf', OPENAPI_V2_PROTOBUF],
  ];
  for (const clause of parseAccept(accept || '*/*')) {
    for (const [subtype, form, contentType] of accepted) {
      if (clause.type !== 'application' && clause.type !== '*') continue;
      if (clause.subtype !== subtype && clause.subtype !== '*') continue;
      const spec = servedSpec();
      const etag = `"${spec.etag}"`;
      if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) return { status: 304, headers: { Vary: 'Accept', Etag: etag }, body: '' };
      return { status: 200, headers: { 'Accept-Ranges': 'bytes', 'Content-Type': contentType, Etag: etag, Vary: 'Accept' }, body: form === 'json' ? spec.json : { $base64: spec.protobuf } };
    }
  }
  return { status: 406, headers: { Vary: 'Accept' }, body: '' };
}
