/**
 * The PATCH handler's mechanics: which patch type the Content-Type names, and how a patch of that
 * type turns the stored object into the object to write — or into upstream's error Status.
 *
 * Upstream: k8s.io/apiserver/pkg/endpoints/handlers/patch.go (v0.33.5) PatchResource (the
 * Content-Type, cut at ";", must be one of the route's patch types, else
 * negotiation.NewUnsupportedMediaTypeError), jsonPatcher / smpPatcher applyPatchToCurrentObject,
 * strategicPatchObject, interpretStrategicMergePatchError, patcher.applyPatch (namespace and name
 * checks: rest.EnsureObjectNamespaceMatchesRequestNamespace, checkName); installer.go (the route
 * Consumes json-patch, merge-patch, strategic-merge-patch and apply-patch — go-restful answers
 * "415: Unsupported Media Type" for anything else, through server/handler.go serviceErrorHandler);
 * registry/generic/registry/store.go Update (a resourceVersion in the patched object is a
 * precondition); registry/rest/update.go BeforeUpdate (generation, uid, creationTimestamp and
 * deletionTimestamp come from the stored object; a changed uid is "field is immutable"); the
 * registry strategies' PrepareForUpdate (an update of the main resource keeps the stored status).
 *
 * Leaves out: server-side apply (application/apply-patch+yaml is refused with a 415 that names
 * the types the lab accepts), managedFields, dryRun, fieldValidation for patches, admission, and
 * the typed round trip (upstream decodes the patched map into the Go type, which drops unknown
 * fields and rejects wrong types; here only keys beginning with "$" — leftover directives — are
 * dropped). JSON merge patch keeps its older path in rmw.ts.
 */
import type { KubeObject } from '../objects/meta';
import type { Status } from './status';
import { aggregate, invalid, type FieldError } from './validation/field';
import { applyJsonPatch, decodePatch, JsonPatchDecodeError, JsonPatchError, MAX_JSON_PATCH_OPERATIONS } from './json-patch';
import { schemaFor, StrategicMergePatchError, strategicMergePatch, strategicMergePatchErrorCode } from './strategic-merge-patch';
import { KIND_GO_TYPES } from './patch-meta';

export type PatchType = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

const MEDIA_TYPES: Record<PatchType, string> = {
  'json-patch': 'application/json-patch+json',
  'merge-patch': 'application/merge-patch+json',
  'strategic-merge-patch': 'application/strategic-merge-patch+json',
  'apply-patch': 'application/apply-patch+yaml',
};

function failure(code: number, reason: string, message: string, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** errors.NewGenericServerResponse(code, "", GroupResource{}, "", msg, 0, false) for the codes patch.go uses. */
function genericServerResponse(code: 415 | 422, serverMessage: string): Status {
  if (code === 415) return failure(415, 'UnsupportedMediaType', serverMessage, {});
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** An error that is not a metav1.Status: responsewriters.ErrorToAPIStatus makes it a 500 with no reason. */
function internal(message: string): Status {
  const st = failure(500, '', message);
  delete (st as { reason?: string }).reason;
  return st;
}

const badRequest = (message: string) => failure(400, 'BadRequest', message);

/** The Go type whose struct tags drive a strategic merge patch of this kind, if the lab has it. */
export function goTypeFor(apiVersion: string, kind: string): string | undefined {
  return KIND_GO_TYPES[`${apiVersion}/${kind}`];
}

/**
 * Which patch the request carries. Built-in kinds accept all four patch types (installer.go); a
 * kind without struct tags answers as a custom resource does (no strategic merge patch).
 */
export function negotiatePatchType(contentType: string | undefined, strategic: boolean): { ok: true; type: PatchType } | { ok: false; status: Status } {
  const accepted: PatchType[] = strategic ? ['json-patch', 'merge-patch', 'strategic-merge-patch', 'apply-patch'] : ['json-patch', 'merge-patch', 'apply-patch'];
  const header = contentType ?? '';
  // go-restful's route selection (Route.matchesContentType): any listed type, parameters dropped.
  const consumed = header.split(',').some((part) => accepted.some((t) => MEDIA_TYPES[t] === part.split(';')[0]!.trim()));
  if (!consumed) return { ok: false, status: genericServerResponse(415, '415: Unsupported Media Type') };
  // patch.go: the header up to the first ";" must be a patch type exactly.
  const i = header.indexOf(';');
  const mt = i > 0 ? header.slice(0, i) : header;
  const type = accepted.find((t) => MEDIA_TYPES[t] === mt);
  // Server-side apply is not modelled: answered as a server whose patch types leave it out.
  const served = accepted.filter((t) => t !== 'apply-patch');
  if (!type || type === 'apply-patch') return { ok: false, status: failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${(type === 'apply-patch' ? served : accepted).map((t) => MEDIA_TYPES[t]).join(', ')}`) };
  return { ok: true, type };
}

/**
 * A JSON merge patch body that evanphx's MergePatch refuses before it reads the object: anything
 * but a JSON object ("Invalid JSON Patch", 400). An array replaces the whole object, which then
 * does not decode (422).
 */
export function mergePatchBodyError(body: unknown): Status | undefined {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return undefined;
  if (Array.isArray(body)) {
    const text = JSON.stringify(pruneNulls(body));
    const err = 'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
    return nonStructuredInvalid([invalid('patch', text, err)]);
  }
  return badRequest('Invalid JSON Patch');
}

function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, pruneNulls(x)]));
  return v;
}

/** errors.NewInvalid(schema.GroupKind{}, "", errs): no kind or name, so the message starts ` "" is invalid`. */
function nonStructuredInvalid(errs: FieldError[]): Status {
  return failure(422, 'Invalid', ` "" is invalid: ${aggregate(errs)}`, { causes: errs.map((e) => ({ reason: e.type, message: aggregate([e]).slice(e.field.length + 2), field: e.field })) });
}

/** How the json serializer names a JSON value that cannot go into a Go map. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number
}

export type PatchOutcome = { ok: true; object: KubeObject } | { ok: false; code: 400 | 409 | 413 | 422 | 500; message: string; status: Status };

const fromStatus = (st: Status): PatchOutcome => ({ ok: false, code: st.code as 400 | 409 | 413 | 422 | 500, message: st.message, status: st });

/** Kinds whose registry strategy keeps the stored status on an update of the main resource. */
const STATUS_KEPT_ON_UPDATE = new Set(['Pod', 'Node', 'Service', 'Namespace', 'Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'PersistentVolumeClaim', 'PersistentVolume']);

export interface PatchRequest {
  type: 'strategic-merge-patch' | 'json-patch';
  patch: unknown;
  /** The Go type for a strategic merge patch ("core.Pod", "autoscaling.Scale"). */
  goType?: string;
  /** The status subresource: only the patched status is kept. */
  status?: boolean;
  /** Group-qualified resource for a conflict's message ("deployments.apps"). */
  qualified: string;
  /** kind (and group) for a validation error's message. */
  kind: string;
  group: string;
}

/**
 * patcher.applyPatch and the store's update checks: apply the patch to `current` (the stored
 * object, with its resourceVersion) and return the object to write, or upstream's Status.
 */
export function patchObject(current: KubeObject, r: PatchRequest): PatchOutcome {
  let patched: unknown;
  if (r.type === 'strategic-merge-patch') {
    const p = r.patch;
    // kjson.UnmarshalCaseSensitivePreserveInts into map[string]interface{}.
    if (p === undefined) return fromStatus(badRequest('unexpected end of JSON input'));
    if (p !== null && (typeof p !== 'object' || Array.isArray(p))) return fromStatus(badRequest(`json: cannot unmarshal ${jsonKind(p)} into Go value of type map[string]interface {}`));
    const schema = schemaFor(r.goType ?? '');
    if (!schema) return fromStatus(badRequest('strategic merge patch format is not supported'));
    try {
      patched = strategicMergePatch(current, p ?? {}, schema);
    } catch (e) {
      if (!(e instanceof StrategicMergePatchError)) throw e;
      const code = strategicMergePatchErrorCode(e);
      return fromStatus(code === 400 ? badRequest(e.message) : code === 422 ? genericServerResponse(422, e.message) : internal(e.message));
    }
  } else {
    let ops;
    try {
      ops = decodePatch(r.patch);
    } catch (e) {
      if (!(e instanceof JsonPatchDecodeError)) throw e;
      return fromStatus(badRequest(e.message));
    }
    if (ops.length > MAX_JSON_PATCH_OPERATIONS) return fromStatus(failure(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`));
    try {
      patched = applyJsonPatch(current, ops);
    } catch (e) {
      if (!(e instanceof JsonPatchError)) throw e;
      // The reason (e.message) is not in the answer: patch.go passes isUnexpectedResponse=false.
      return fromStatus(genericServerResponse(422, e.message));
    }
  }
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) {
    const err = `couldn't get version/kind; json parse error: json: cannot unmarshal ${patched === null ? 'null' : jsonKind(patched)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
    return fromStatus(nonStructuredInvalid([invalid('patch', JSON.stringify(patched), err)]));
  }
  const obj = dropDirectives(patched) as KubeObject;
  const cur = current.metadata;
  const meta = (obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {}) as KubeObject['metadata'];
  obj.metadata = meta;
  // EnsureObjectNamespaceMatchesRequestNamespace, then checkName.
  const ns = cur.namespace ?? '';
  if (!meta.namespace) {
    if (ns) meta.namespace = ns;
  } else if (meta.namespace !== ns) {
    if (ns) return fromStatus(badRequest('the namespace of the provided object does not match the namespace sent on the request'));
    delete meta.namespace;
  }
  if ((meta.name ?? '') !== cur.name) return fromStatus(badRequest(`the name of the object (${meta.name ?? ''}) does not match the name on the URL (${cur.name})`));
  // Store.Update: a resourceVersion in the object is a precondition ("" and "0" are none).
  const rv = meta.resourceVersion;
  if (rv !== undefined && rv !== null && rv !== '' && rv !== '0') {
    if (!/^\d+$/.test(String(rv))) return fromStatus(internal(`resourceVersion: Invalid value: ${JSON.stringify(String(rv))}: strconv.ParseUint: parsing ${JSON.stringify(String(rv))}: invalid syntax`));
    if (String(rv) !== String(cur.resourceVersion)) return fromStatus(conflictStatus(r.qualified, cur.name));
  }
  // BeforeUpdate: what a request cannot change.
  if (cur.generation !== undefined) meta.generation = cur.generation;
  else delete meta.generation;
  if (!meta.uid) meta.uid = cur.uid;
  if (cur.creationTimestamp) meta.creationTimestamp = cur.creationTimestamp;
  if (cur.deletionTimestamp) meta.deletionTimestamp = cur.deletionTimestamp;
  if (cur.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds === undefined) meta.deletionGracePeriodSeconds = cur.deletionGracePeriodSeconds;
  meta.resourceVersion = cur.resourceVersion;
  if (meta.uid !== cur.uid) {
    const errs = [invalid('metadata.uid', meta.uid, 'field is immutable')];
    const qualifiedKind = r.group ? `${r.kind}.${r.group}` : r.kind;
    return fromStatus(failure(422, 'Invalid', `${qualifiedKind} ${JSON.stringify(cur.name)} is invalid: ${aggregate(errs)}`, { name: cur.name, ...(r.group ? { group: r.group } : {}), kind: r.kind, causes: errs.map((e) => ({ reason: e.type, message: aggregate([e]).slice(e.field.length + 2), field: e.field })) }));
  }
  if (r.status) return { ok: true, object: prepareStatusUpdate(r.kind, current, obj) };
  if (STATUS_KEPT_ON_UPDATE.has(r.kind)) {
    if (current.status === undefined) delete obj.status;
    else obj.status = structuredClone(current.status);
  }
  return { ok: true, object: obj };
}

function conflictStatus(qualified: string, name: string): Status {
  const i = qualified.indexOf('.');
  const resource = i < 0 ? qualified : qualified.slice(0, i);
  const group = i < 0 ? '' : qualified.slice(i + 1);
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, ...(group ? { group } : {}), kind: resource });
}

/** The typed decode drops what is not a field; a key beginning with "$" never is. */
function dropDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropDirectives);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('$')).map(([k, x]) => [k, dropDirectives(x)]));
  return v;
}

/**
 * The status strategies' PrepareForUpdate, for any write through `/status`: the spec stays as it
 * was; metadata goes through (flannel writes its node annotations through nodes/status), except
 * what the kind keeps: a pod's deletionTimestamp and ownerReferences (pkg/registry/core/pod/
 * strategy.go podStatusStrategy), the apps workloads' labels (pkg/registry/apps/deployment/strategy.go and its siblings).
 */
export function prepareStatusUpdate(kind: string, current: KubeObject, updated: KubeObject): KubeObject {
  const out = structuredClone(updated);
  const keep = (from: Record<string, unknown>, to: Record<string, unknown>, field: string) => {
    if (from[field] === undefined) delete to[field];
    else to[field] = structuredClone(from[field]);
  };
  keep(current as unknown as Record<string, unknown>, out as unknown as Record<string, unknown>, 'spec');
  const meta = (o: KubeObject) => o.metadata as unknown as Record<string, unknown>;
  if (kind === 'Pod') for (const f of ['deletionTimestamp', 'ownerReferences']) keep(meta(current), meta(out), f);
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(kind)) keep(meta(current), meta(out), 'labels');
  return out;
}
