/**
 * Strategic merge patch, the apply direction: what kube-apiserver does with a PATCH whose
 * Content-Type is application/strategic-merge-patch+json (kubectl apply, kubectl patch's default,
 * the kubelet's pod and node status). Lists whose Go field carries `patchStrategy:"merge"` merge
 * element by element — by `patchMergeKey` for lists of objects (containers by name, conditions by
 * type), as a deduplicated union for lists of scalars (finalizers) — and honour the directives
 * `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<f>` and
 * `$setElementOrder/<f>`; every other list is replaced whole; null deletes a key.
 *
 * Upstream: k8s.io/apimachinery/pkg/util/strategicpatch/patch.go (v0.33.5) StrategicMergeMapPatch
 * → mergeMap, mergePatchIntoOriginal, mergeSlice, normalizeElementOrder …, ported function by
 * function with the same names, including Go's map-and-slice quirks that decide list order
 * (sort.SliceStable with upstream's comparator) and the error texts (mergepatch/errors.go,
 * strategicpatch/errors.go, third_party/forked/golang/json/fields.go); meta.go
 * PatchMetaFromStruct (the schema is the Go struct tags, here `patch-meta.ts`);
 * k8s.io/apiserver/pkg/endpoints/handlers/patch.go interpretStrategicMergePatchError (which
 * errors are a 400, a 422 or a 500).
 *
 * Leaves out: patch creation (CreateTwoWayMergePatch / CreateThreeWayMergePatch — kubectl's side),
 * the OpenAPI-backed schemas (the server uses the struct tags), and Go's random map order: keys
 * are visited in the patch's order.
 */
import { GO_STRUCTS, type FieldMeta } from './patch-meta';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

const directiveMarker = '$patch';
const deleteDirective = 'delete';
const replaceDirective = 'replace';
const mergeDirective = 'merge';
const retainKeysStrategy = 'retainKeys';
const deleteFromPrimitiveListDirectivePrefix = '$deleteFromPrimitiveList';
const retainKeysDirective = '$' + retainKeysStrategy;
const setElementOrderDirectivePrefix = '$setElementOrder';

// ---------------------------------------------------------------------------------------------
// Errors (mergepatch/errors.go). `sentinel` names the mergepatch.Err* value, which decides the
// HTTP status in patch.go interpretStrategicMergePatchError.

export type Sentinel = 'ErrBadJSONDoc' | 'ErrNoListOfLists' | 'ErrBadPatchFormatForPrimitiveList' | 'ErrBadPatchFormatForRetainKeys' | 'ErrBadPatchFormatForSetElementOrderList' | 'ErrPatchContentNotMatchRetainKeys' | 'ErrUnsupportedStrategicMergePatchFormat';

const SENTINEL_TEXT: Record<Sentinel, string> = {
  ErrBadJSONDoc: 'invalid JSON document',
  ErrNoListOfLists: 'lists of lists are not supported',
  ErrBadPatchFormatForPrimitiveList: 'invalid patch format of primitive list',
  ErrBadPatchFormatForRetainKeys: 'invalid patch format of retainKeys',
  ErrBadPatchFormatForSetElementOrderList: 'invalid patch format of setElementOrder list',
  ErrPatchContentNotMatchRetainKeys: "patch content doesn't match retainKeys list",
  ErrUnsupportedStrategicMergePatchFormat: 'strategic merge patch format is not supported',
};

export class StrategicMergePatchError extends Error {
  constructor(
    message: string,
    readonly sentinel?: Sentinel,
  ) {
    super(message);
    this.name = 'StrategicMergePatchError';
  }
}

const sentinel = (s: Sentinel) => new StrategicMergePatchError(SENTINEL_TEXT[s], s);
const fail = (message: string) => new StrategicMergePatchError(message);

/** How patch.go answers an error from StrategicMergeMapPatch: 400 BadRequest, 422 (generic) or 500. */
export function strategicMergePatchErrorCode(e: StrategicMergePatchError): 400 | 422 | 500 {
  switch (e.sentinel) {
    case 'ErrBadJSONDoc':
    case 'ErrBadPatchFormatForPrimitiveList':
    case 'ErrBadPatchFormatForRetainKeys':
    case 'ErrBadPatchFormatForSetElementOrderList':
    case 'ErrUnsupportedStrategicMergePatchFormat':
      return 400;
    case 'ErrNoListOfLists':
    case 'ErrPatchContentNotMatchRetainKeys':
      return 422;
    default:
      return 500;
  }
}

// Go's fmt for the values json.Unmarshal produces (map[string]interface{}, []interface{}, string,
// int64 / float64 — the apiserver decodes with sigs.k8s.io/json's PreserveInts — bool, nil).

type GoKind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
  }
  return 'nil';
}

/** reflect.TypeOf(v).String(), and "%!s(<nil>)" for nil as fmt prints a nil Type with %s. */
function goTypeName(v: unknown): string {
  switch (goKind(v)) {
    case 'map':
      return 'map[string]interface {}';
    case 'slice':
      return '[]interface {}';
    case 'nil':
      return '%!s(<nil>)';
    default:
      return goKind(v);
  }
}

/** %v of a float64 (strconv 'g', shortest): exponent form when the exponent is below -4 or at least 6. */
function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  const [mant, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

/** fmt's %v (verb 'v') or %s (verb 's') of a decoded JSON value. */
export function goFormat(v: unknown, verb: 'v' | 's' = 'v'): string {
  const k = goKind(v);
  switch (k) {
    case 'nil':
      return verb === 'v' ? '<nil>' : '%!s(<nil>)';
    case 'string':
      return v as string;
    case 'bool':
      return verb === 'v' ? String(v) : `%!s(bool=${v})`;
    case 'int64':
      return verb === 'v' ? String(v) : `%!s(int64=${v})`;
    case 'float64':
      return verb === 'v' ? goFloat(v as number) : `%!s(float64=${goFloat(v as number)})`;
    case 'slice':
      return `[${(v as unknown[]).map((x) => goFormat(x, verb)).join(' ')}]`;
    case 'map': {
      const m = v as Record<string, unknown>;
      return `map[${Object.keys(m)
        .sort(byteOrder)
        .map((key) => `${key}:${goFormat(m[key], verb)}`)
        .join(' ')}]`;
    }
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const errNoMergeKey = (m: unknown, k: string) => fail(`map: ${goFormat(m)} does not contain declared merge key: ${k}`);
const errBadArgType = (expected: string, actual: unknown) => fail(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errBadPatchType = (t: unknown, m: unknown) => fail(`unknown patch type: ${goFormat(t, 's')} in map: ${goFormat(m)}`);

// ---------------------------------------------------------------------------------------------
// The schema: LookupPatchMeta over Go types (meta.go PatchMetaFromStruct, forked json fields.go).

export interface PatchMeta {
  patchStrategies: string[];
  patchMergeKey: string;
}

export interface LookupPatchMeta {
  lookupPatchMetadataForStruct(key: string): [LookupPatchMeta, PatchMeta];
  lookupPatchMetadataForSlice(key: string): [LookupPatchMeta, PatchMeta];
  name(): string;
}

/** Go struct types by qualified name ("core.PodSpec"), each field by its JSON name. */
export type GoStructs = Record<string, Record<string, FieldMeta>>;

const PRIMITIVE_KINDS = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64']);

/**
 * A Go type as text: `*T`, `[]T`, `map[K]V`, a primitive, or a struct named in `structs`
 * (anything else — time.Time, interface{} — counts as an opaque struct or interface).
 */
export class PatchMetaFromStruct implements LookupPatchMeta {
  constructor(
    readonly t: string,
    readonly structs: GoStructs,
  ) {}

  /** reflect.Kind's String(). */
  kind(): string {
    const t = this.t;
    if (t.startsWith('*')) return 'ptr';
    if (t.startsWith('[]')) return 'slice';
    if (t.startsWith('map[')) return 'map';
    if (t === 'byte') return 'uint8';
    if (PRIMITIVE_KINDS.has(t)) return t;
    if (t === 'interface{}') return 'interface';
    return 'struct';
  }

  name(): string {
    return this.kind();
  }

  lookupPatchMetadataForStruct(key: string): [LookupPatchMeta, PatchMeta] {
    let t = this.t;
    if (t.startsWith('*')) t = t.slice(1);
    const deref = new PatchMetaFromStruct(t, this.structs);
    if (deref.kind() !== 'struct') throw fail(`merging an object in json but data type is not struct, instead is: ${deref.kind()}`);
    const fields = this.structs[t] ?? {};
    // encoding/json's field match: exact name first, else a case-insensitive one.
    let f: FieldMeta | undefined = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : undefined;
    if (f === undefined) {
      const lower = key.toLowerCase();
      const k = Object.keys(fields).find((n) => n.toLowerCase() === lower);
      if (k !== undefined) f = fields[k];
    }
    if (f === undefined) throw fail(`unable to find api field in struct ${t.slice(t.lastIndexOf('.') + 1)} for the json field ${JSON.stringify(key)}`);
    const [type, strategy = '', mergeKey = ''] = typeof f === 'string' ? [f] : f;
    return [new PatchMetaFromStruct(type, this.structs), { patchStrategies: strategy.split(','), patchMergeKey: mergeKey }];
  }

  lookupPatchMetadataForSlice(key: string): [LookupPatchMeta, PatchMeta] {
    const [sub, meta] = this.lookupPatchMetadataForStruct(key);
    let t = (sub as PatchMetaFromStruct).t;
    let elem: string;
    if (t.startsWith('[]')) {
      elem = t.slice(2);
      if (elem.startsWith('[]')) throw fail('unexpected slice of slice');
    } else if (t.startsWith('*')) {
      t = t.slice(1);
      elem = t.startsWith('[]') ? t.slice(2) : t;
    } else throw fail(`expected slice or array type, but got: ${this.kind()}`);
    return [new PatchMetaFromStruct(elem, this.structs), meta];
  }
}

/** The schema for a served kind's Go type ("core.Pod", "apps.Deployment", "autoscaling.Scale"). */
export function schemaFor(goType: string): PatchMetaFromStruct | undefined {
  return GO_STRUCTS[goType] ? new PatchMetaFromStruct(goType, GO_STRUCTS) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The apply direction (patch.go).

export interface MergeOptions {
  mergeParallelList: boolean;
  ignoreUnmatchedNulls: boolean;
}

/**
 * StrategicMergeMapPatchUsingLookupPatchMeta: apply `patch` to `original` (neither is changed).
 * Throws StrategicMergePatchError with upstream's text.
 */
export function strategicMergePatch(original: unknown, patch: unknown, schema: LookupPatchMeta): JsonMap {
  const o = structuredClone(original ?? {}) as JsonMap;
  const p = structuredClone(patch ?? {}) as JsonMap;
  if (!isMap(o) || !isMap(p)) throw sentinel('ErrBadJSONDoc');
  return mergeMap(o, p, schema, { mergeParallelList: true, ignoreUnmatchedNulls: true });
}

/** StrategicMergePatch on JSON text (handleUnmarshal: text that is not a JSON object is ErrBadJSONDoc). */
export function strategicMergePatchJSON(original: string | null, patch: string | null, schema: LookupPatchMeta): string {
  return JSON.stringify(strategicMergePatch(handleUnmarshal(original), handleUnmarshal(patch), schema));
}

function handleUnmarshal(j: string | null): JsonMap {
  if (j === null) return {};
  let v: unknown;
  try {
    v = JSON.parse(j);
  } catch {
    throw sentinel('ErrBadJSONDoc');
  }
  if (v === null) return {};
  if (!isMap(v)) throw sentinel('ErrBadJSONDoc');
  return v;
}

function isMap(v: unknown): v is JsonMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function has(m: JsonMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

function handleDirectiveInMergeMap(directive: Json, patch: JsonMap): JsonMap {
  if (directive === replaceDirective) {
    delete patch[directiveMarker];
    return patch;
  }
  if (directive === deleteDirective) return {};
  throw errBadPatchType(directive, patch);
}

function containsDirectiveMarker(item: Json): boolean {
  return isMap(item) && has(item, directiveMarker);
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (mergeKey.length === 0) return left === right;
  if (!isMap(left)) throw errBadArgType('map[string]interface {}', left);
  if (!isMap(right)) throw errBadArgType('map[string]interface {}', right);
  if (!has(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === deleteFromPrimitiveListDirectivePrefix) throw sentinel('ErrBadPatchFormatForPrimitiveList');
    if (prefix === setElementOrderDirectivePrefix) throw sentinel('ErrBadPatchFormatForSetElementOrderList');
    throw fail(`fail to find unknown prefix ${JSON.stringify(prefix)} in ${s}\n`);
  }
  return s.slice(i + 1);
}

function validatePatchWithSetOrderList(patchList: Json | undefined, setOrderList: Json, mergeKey: string): void {
  // A nil []interface{} (absent list) passes the type assertion in Go.
  const typedSetOrderList = setOrderList;
  const typedPatchList = patchList === undefined ? [] : patchList;
  if (!Array.isArray(typedSetOrderList)) throw sentinel('ErrBadPatchFormatForSetElementOrderList');
  if (!Array.isArray(typedPatchList)) throw sentinel('ErrBadPatchFormatForSetElementOrderList');
  if (typedSetOrderList.length === 0 || typedPatchList.length === 0) return;
  const nonDeleteList = mergeKey.length > 0 ? extractToDeleteItems(typedPatchList)[0] : typedPatchList;
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDeleteList.length && setOrderIndex < typedSetOrderList.length) {
    if (containsDirectiveMarker(nonDeleteList[patchIndex]!)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(nonDeleteList[patchIndex]!, typedSetOrderList[setOrderIndex]!, mergeKey)) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDeleteList.length && setOrderIndex >= typedSetOrderList.length) {
    throw fail(`The order in patch list:\n${goFormat(typedPatchList)}\n doesn't match ${setElementOrderDirectivePrefix} list:\n${goFormat(setOrderList)}\n`);
  }
}

/** Returns [skipProcessing, isDeletionList, noPrefixKey]. */
function preprocessDeletionListForMerging(key: string, original: JsonMap, patchVal: Json, mergeDeletionList: boolean): [boolean, boolean, string] {
  if (key.startsWith(deleteFromPrimitiveListDirectivePrefix)) {
    if (!mergeDeletionList) {
      original[key] = patchVal;
      return [true, false, ''];
    }
    return [false, true, extractKey(key, deleteFromPrimitiveListDirectivePrefix)];
  }
  return [false, false, ''];
}

function applyRetainKeysDirective(original: JsonMap, patch: JsonMap, options: MergeOptions): void {
  if (!has(patch, retainKeysDirective)) return;
  const retainKeysInPatch = patch[retainKeysDirective]!;
  delete patch[retainKeysDirective];
  if (!options.mergeParallelList) {
    if (has(original, retainKeysDirective)) {
      if (JSON.stringify(original[retainKeysDirective]) !== JSON.stringify(retainKeysInPatch)) {
        throw fail(`${goFormat(original[retainKeysDirective])} and ${goFormat(retainKeysInPatch)} are not deep equal: this may happen when calculating the 3-way diff patch`);
      }
    } else original[retainKeysDirective] = retainKeysInPatch;
    return;
  }
  if (!Array.isArray(retainKeysInPatch)) throw sentinel('ErrBadPatchFormatForRetainKeys');
  const m = new Set<unknown>(retainKeysInPatch);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(deleteFromPrimitiveListDirectivePrefix) || k.startsWith(setElementOrderDirectivePrefix)) continue;
    if (!m.has(k)) throw sentinel('ErrBadPatchFormatForRetainKeys');
  }
  for (const k of Object.keys(original)) if (!m.has(k)) delete original[k];
}

function mergePatchIntoOriginal(original: JsonMap, patch: JsonMap, schema: LookupPatchMeta, mergeOptions: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!has(patch, key) || !key.startsWith(setElementOrderDirectivePrefix)) continue;
    const setElementOrderInPatch = patch[key]!;
    if (!mergeOptions.mergeParallelList) {
      if (has(original, key)) {
        if (JSON.stringify(original[key]) !== JSON.stringify(setElementOrderInPatch)) throw sentinel('ErrBadPatchFormatForSetElementOrderList');
      } else original[key] = setElementOrderInPatch;
    }
    delete patch[key];

    if (!Array.isArray(setElementOrderInPatch)) throw errBadArgType('[]interface {}', setElementOrderInPatch);
    const typedSetElementOrderList = setElementOrderInPatch;
    const originalKey = extractKey(key, setElementOrderDirectivePrefix);
    const foundOriginal = has(original, originalKey);
    const foundPatch = has(patch, originalKey);
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalFieldValue: Json[] | undefined;
    let patchFieldValue: Json[] | undefined;
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType('[]interface {}', originalList);
      originalFieldValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType('[]interface {}', patchList);
      patchFieldValue = patchList;
    }
    const [subschema, patchMeta] = schema.lookupPatchMetadataForSlice(originalKey);
    const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.patchStrategies);
    validatePatchWithSetOrderList(patchFieldValue, typedSetElementOrderList, patchMeta.patchMergeKey);

    let merged: Json[];
    if (foundOriginal && !foundPatch) merged = originalFieldValue ?? [];
    else if (!foundOriginal && foundPatch) {
      const [v, keep] = removeDirectives(patchFieldValue ?? []);
      if (!keep) continue;
      merged = v as Json[];
    } else if (foundOriginal && foundPatch) {
      const backing: Backing = { arr: [...originalFieldValue!], len: originalFieldValue!.length, cap: goCap(originalFieldValue!.length), attached: true };
      merged = mergeSliceHandler(originalList!, patchList!, subschema, patchStrategy, patchMeta.patchMergeKey, false, mergeOptions, backing);
      // originalFieldValue shares its array with the slice mergeSlice changed in place.
      originalFieldValue = backing.arr.slice(0, originalFieldValue!.length);
    } else continue;

    const [patchItems, serverOnlyItems] = patchMeta.patchMergeKey.length === 0 ? partitionPrimitivesByPresentInList(merged, typedSetElementOrderList) : partitionMapsByPresentInList(merged, typedSetElementOrderList, patchMeta.patchMergeKey);
    const kind = sliceElementType(originalFieldValue, patchFieldValue);
    original[originalKey] = normalizeElementOrder(patchItems, serverOnlyItems, typedSetElementOrderList, originalFieldValue ?? [], patchMeta.patchMergeKey, kind);
    delete patch[originalKey];
  }
}

function partitionPrimitivesByPresentInList(original: Json[], partitionBy: Json[]): [Json[], Json[]] {
  const inPatch = new Set<unknown>(partitionBy);
  const patch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of original) (inPatch.has(v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMapsByPresentInList(original: Json[], partitionBy: Json[], mergeKey: string): [Json[], Json[]] {
  const patch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of original) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const [, , found] = findMapInSliceBasedOnKeyValue(partitionBy, mergeKey, v[mergeKey]!);
    (found ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/** Returns the value to use and whether the field or element is kept at all. */
function removeDirectives(obj: Json): [Json, boolean] {
  if (obj === null) return [obj, true];
  if (isMap(obj)) {
    if (has(obj, directiveMarker)) return [null, false];
    for (const k of Object.keys(obj)) {
      const [v, keep] = removeDirectives(obj[k]!);
      if (keep) obj[k] = v;
      else delete obj[k];
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: Json[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

export function mergeMap(original: JsonMap | null, patch: JsonMap, schema: LookupPatchMeta, mergeOptions: MergeOptions): JsonMap {
  if (has(patch, directiveMarker)) return handleDirectiveInMergeMap(patch[directiveMarker]!, patch);
  const orig: JsonMap = original ?? {};
  applyRetainKeysDirective(orig, patch, mergeOptions);
  mergePatchIntoOriginal(orig, patch, schema, mergeOptions);

  for (const key of Object.keys(patch)) {
    if (!has(patch, key)) continue;
    let k = key;
    const patchV = patch[key]!;
    const [skipProcessing, isDeleteList, noPrefixKey] = preprocessDeletionListForMerging(k, orig, patchV, mergeOptions.mergeParallelList);
    if (skipProcessing) continue;
    if (noPrefixKey.length > 0) k = noPrefixKey;

    if (patchV === null) {
      delete orig[k];
      if (mergeOptions.ignoreUnmatchedNulls) continue;
    }
    if (!has(orig, k)) {
      if (!isDeleteList) {
        if (mergeOptions.ignoreUnmatchedNulls) discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) orig[k] = v;
        else delete orig[k];
      }
      continue;
    }
    const originalType = goKind(orig[k]);
    const patchType = goKind(patchV);
    if (originalType !== patchType) {
      if (!isDeleteList) {
        if (mergeOptions.ignoreUnmatchedNulls) discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) orig[k] = v;
        else delete orig[k];
      }
      continue;
    }
    if (originalType === 'map') {
      const [subschema, patchMeta] = schema.lookupPatchMetadataForStruct(k);
      const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.patchStrategies);
      orig[k] = mergeMapHandler(orig[k]!, patchV, subschema, patchStrategy, mergeOptions);
    } else if (originalType === 'slice') {
      const [subschema, patchMeta] = schema.lookupPatchMetadataForSlice(k);
      const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.patchStrategies);
      orig[k] = mergeSliceHandler(orig[k]!, patchV, subschema, patchStrategy, patchMeta.patchMergeKey, isDeleteList, mergeOptions);
    } else {
      const [v, keep] = removeDirectives(patchV);
      if (keep) orig[k] = v;
      else delete orig[k];
    }
  }
  return orig;
}

function discardNullValuesFromPatch(patchV: Json): void {
  if (isMap(patchV)) {
    for (const k of Object.keys(patchV)) {
      if (patchV[k] === null) delete patchV[k];
      else discardNullValuesFromPatch(patchV[k]!);
    }
  } else if (Array.isArray(patchV)) for (const v of patchV) discardNullValuesFromPatch(v);
}

function mergeMapHandler(original: Json, patch: Json, schema: LookupPatchMeta, fieldPatchStrategy: string, mergeOptions: MergeOptions): JsonMap {
  if (!isMap(original)) throw errBadArgType('map[string]interface {}', original);
  if (!isMap(patch)) throw errBadArgType('map[string]interface {}', patch);
  if (fieldPatchStrategy !== replaceDirective) return mergeMap(original, patch, schema, mergeOptions);
  return patch;
}

function mergeSliceHandler(original: Json, patch: Json, schema: LookupPatchMeta, fieldPatchStrategy: string, fieldPatchMergeKey: string, isDeleteList: boolean, mergeOptions: MergeOptions, backing?: Backing): Json[] {
  if (!Array.isArray(original)) throw errBadArgType('[]interface {}', original);
  if (!Array.isArray(patch)) throw errBadArgType('[]interface {}', patch);
  if (fieldPatchStrategy === mergeDirective || isDeleteList) return mergeSlice(original, patch, schema, fieldPatchMergeKey, mergeOptions, isDeleteList, backing);
  return patch;
}

/**
 * The array behind a Go slice. mergeSlice deletes from and appends to `original` in place, which
 * a caller holding the same slice (mergePatchIntoOriginal's originalFieldValue, used afterwards
 * as the live order) sees — within the slice's capacity. Upstream's table depends on it ("add map
 * and delete map from merging list"), so it is modelled: `arr[0:len]` is the current slice,
 * `cap` what json.Unmarshal's appends left (see goCap), `attached` false once an append had to
 * reallocate or `$patch: replace` swapped in the patch list.
 */
interface Backing {
  arr: Json[];
  len: number;
  cap: number;
  attached: boolean;
}

/** The capacity of a []interface{} that json.Unmarshal grew by appending n elements (growslice, 16-byte elements). */
export function goCap(n: number): number {
  let cap = 0;
  for (let i = 1; i <= n; i++) {
    if (i <= cap) continue;
    if (i > 2 * cap) cap = i;
    else if (cap < 256) cap *= 2;
    else while (cap < i) cap += (cap + 3 * 256) >> 2;
  }
  return cap;
}

function mergeSlice(original: Json[], patch: Json[], schema: LookupPatchMeta, mergeKey: string, mergeOptions: MergeOptions, isDeleteList: boolean, backing?: Backing): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementType(original, patch);
  let merged: Json[];
  if (kind !== 'map') {
    if (mergeOptions.mergeParallelList && isDeleteList) return deleteFromSlice(original, patch);
    // both := append(original, patch...); deduplicateScalars(both) — in original's array if it fits.
    if (backing?.attached && original.length + patch.length <= backing.cap) {
      patch.forEach((v, i) => (backing.arr[original.length + i] = v));
      merged = backing.arr.slice(0, deduplicateScalarsInPlace(backing.arr, original.length + patch.length));
      original = backing.arr.slice(0, original.length);
    } else {
      const both = [...original, ...patch];
      merged = both.slice(0, deduplicateScalarsInPlace(both, both.length));
    }
  } else {
    if (mergeKey === '') throw fail(`cannot merge lists without merge key for ${schema.name()}`);
    let b: Backing = backing?.attached ? backing : { arr: [...original], len: original.length, cap: original.length, attached: true };
    const [replaced, rest] = mergeSliceWithSpecialElements(b, patch, mergeKey);
    // `$patch: replace`: the patch list becomes the original, in a new array.
    if (replaced) b = { arr: [...replaced], len: replaced.length, cap: replaced.length, attached: true };
    original = b.arr.slice(0, b.len);
    patch = rest;
    // Go appends to its own copy of the slice header: `original` keeps its length here.
    merged = mergeSliceWithoutSpecialElements(b, patch, mergeKey, schema, mergeOptions);
  }
  const [patchItems, serverOnlyItems] = mergeKey.length === 0 ? partitionPrimitivesByPresentInList(merged, patch) : partitionMapsByPresentInList(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnlyItems, patch, original, mergeKey, kind);
}

/**
 * Applies `$patch: delete` elements to `b` in place; returns the patch list without its special
 * elements as the new original after a `$patch: replace` (and nothing left to merge), else
 * [null, the rest of the patch].
 */
function mergeSliceWithSpecialElements(b: Backing, patch: Json[], mergeKey: string): [Json[] | null, Json[]] {
  const patchWithoutSpecialElements: Json[] = [];
  let replace = false;
  for (const v of patch) {
    const typedV = v as JsonMap;
    if (!has(typedV, directiveMarker)) {
      patchWithoutSpecialElements.push(v);
      continue;
    }
    const patchType = typedV[directiveMarker]!;
    if (patchType === deleteDirective) {
      if (has(typedV, mergeKey)) deleteMatchingEntries(b, mergeKey, typedV[mergeKey]!);
      else throw errNoMergeKey(typedV, mergeKey);
    } else if (patchType === replaceDirective) replace = true;
    else if (patchType === mergeDirective) throw fail('merging lists cannot yet be specified in the patch');
    else throw errBadPatchType(patchType, typedV);
  }
  return replace ? [patchWithoutSpecialElements, []] : [null, patchWithoutSpecialElements];
}

/** original = append(original[:i], original[i+1:]...) for every match: shifts left in place. */
function deleteMatchingEntries(b: Backing, mergeKey: string, mergeValue: Json): void {
  for (;;) {
    const [, i, found] = findMapInSliceBasedOnKeyValue(b.arr.slice(0, b.len), mergeKey, mergeValue);
    if (!found) break;
    b.arr.copyWithin(i, i + 1, b.len);
    b.len--;
  }
}

function mergeSliceWithoutSpecialElements(b: Backing, patch: Json[], mergeKey: string, schema: LookupPatchMeta, mergeOptions: MergeOptions): Json[] {
  let original = b.arr.slice(0, b.len);
  for (const v of patch) {
    const typedV = v as JsonMap;
    if (!has(typedV, mergeKey)) throw errNoMergeKey(typedV, mergeKey);
    const [originalMap, originalKey, found] = findMapInSliceBasedOnKeyValue(original, mergeKey, typedV[mergeKey]!);
    if (found) {
      // mergeMap merges into originalMap itself, so the element (and any array sharing it) changes in place.
      original[originalKey] = mergeMap(originalMap, typedV, schema, mergeOptions);
    } else if (b.attached && original.length < b.cap) {
      b.arr[original.length] = v;
      original = b.arr.slice(0, original.length + 1);
    } else {
      b.attached = false;
      original = [...original, v];
    }
  }
  return original;
}

function deleteFromSlice(current: Json[], toDelete: Json[]): Json[] {
  const del = new Set<unknown>(toDelete);
  return current.filter((v) => !del.has(v));
}

function findMapInSliceBasedOnKeyValue(m: Json[], key: string, value: Json): [JsonMap | null, number, boolean] {
  for (let k = 0; k < m.length; k++) {
    const typedV = m[k]!;
    if (!isMap(typedV)) throw fail(`value for key ${k} is not a map`);
    if (has(typedV, key) && typedV[key] === value) return [typedV, k, true];
  }
  return [null, 0, false];
}

/** deduplicateScalars on s[0:n], in place as Go does it (the last element moves into each duplicate's slot); returns the new length. */
function deduplicateScalarsInPlace(s: Json[], n: number): number {
  let length = n - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        length--;
        j--;
      }
    }
  }
  return length + 1;
}

/** sliceElementType: the common element kind of the lists, or upstream's error. */
function sliceElementType(...slices: (Json[] | undefined)[]): GoKind {
  let prev: GoKind | undefined;
  for (const s of slices) {
    for (const v of s ?? []) {
      const cur = goKind(v);
      if (prev === undefined) {
        prev = cur;
        if (prev === 'slice') throw sentinel('ErrNoListOfLists');
      } else if (prev !== cur) {
        throw fail(`list element types are not identical: ${goFormat(slices.map((x) => x ?? []))}`);
      }
    }
  }
  if (prev === undefined) throw fail('no elements in any of the given slices');
  return prev;
}

function extractRetainKeysPatchStrategy(strategies: string[]): [boolean, string] {
  switch (strategies.length) {
    case 0:
      return [false, ''];
    case 1:
      return strategies[0] === retainKeysStrategy ? [true, ''] : [false, strategies[0]!];
    case 2:
      if (strategies[0] === retainKeysStrategy) return [true, strategies[1]!];
      if (strategies[1] === retainKeysStrategy) return [true, strategies[0]!];
      throw fail(`unexpected patch strategy: [${strategies.join(' ')}]`);
    default:
      throw fail(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

// --- element order -------------------------------------------------------------------------------

function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: GoKind): Json[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: GoKind): Json[] {
  const less = (l: Json, r: Json): [boolean, boolean] => {
    const li = index(serverOrder, l, mergeKey, kind);
    const ri = index(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 ? [li < ri, true] : [false, false];
  };
  const size = left.length + right.length;
  let i = 0;
  let j = 0;
  const s: Json[] = [];
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) s.push(right[j++]!);
    else if (j >= right.length && i < left.length) s.push(left[i++]!);
    else {
      const [isLess, foundBoth] = less(left[i]!, right[j]!);
      if (foundBoth && isLess) s.push(left[i++]!);
      else s.push(right[j++]!);
    }
  }
  return s;
}

function index(l: Json[], valToLookUp: Json, mergeKey: string, kind: GoKind): number {
  const getVal = kind === 'map' ? (item: Json): Json | undefined => (isMap(item) ? item[mergeKey] : null) ?? null : (item: Json) => item;
  const want = getVal(valToLookUp);
  for (let i = 0; i < l.length; i++) if (getVal(l[i]!) === want) return i;
  return -1;
}

function extractToDeleteItems(l: Json[]): [Json[], Json[]] {
  const nonDelete: Json[] = [];
  const toDelete: Json[] = [];
  for (const v of l) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    if (has(v, directiveMarker) && v[directiveMarker] === deleteDirective) toDelete.push(v);
    else nonDelete.push(v);
  }
  return [nonDelete, toDelete];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: Json[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
      if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: GoKind): Json[] {
  let toDelete: Json[] = [];
  let items = [...toSort];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, order);
    [items, toDelete] = extractToDeleteItems(items);
  }
  // sort.SliceStable with upstream's comparator, which is not a strict order when an item is
  // missing from `order` — so Go's exact algorithm decides.
  sliceStable(items, (a, b) => {
    const ii = index(order, a, mergeKey, kind);
    if (ii >= 0) {
      const ij = index(order, b, mergeKey, kind);
      if (ij >= 0) return ii < ij;
    }
    return true;
  });
  return [...items, ...toDelete];
}

/** Go's sort.SliceStable (insertion sort in blocks of 20, then SymMerge), in place. */
export function sliceStable<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const n = data.length;
  const lessIdx = (i: number, j: number) => less(data[i]!, data[j]!);
  const swap = (i: number, j: number) => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessIdx(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, k: number) => {
    for (let i = 0; i < k; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessIdx(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessIdx(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const nn = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = nn - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = nn - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessIdx(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = nn - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}

// --- sortMergeListsByName (upstream's helper for order-insensitive comparison in its tests) --------

export function sortMergeListsByName(s: JsonMap, schema: LookupPatchMeta): JsonMap {
  const newS: JsonMap = {};
  for (const [k, v0] of Object.entries(s)) {
    let v = v0;
    if (k === retainKeysDirective) {
      if (!Array.isArray(v)) throw sentinel('ErrBadPatchFormatForRetainKeys');
      v = sortScalars(v);
    } else if (k.startsWith(deleteFromPrimitiveListDirectivePrefix)) {
      if (!Array.isArray(v)) throw sentinel('ErrBadPatchFormatForPrimitiveList');
      v = sortScalars(v);
    } else if (k.startsWith(setElementOrderDirectivePrefix)) {
      if (!Array.isArray(v)) throw sentinel('ErrBadPatchFormatForSetElementOrderList');
    } else if (k !== directiveMarker) {
      if (isMap(v)) {
        const [subschema] = schema.lookupPatchMetadataForStruct(k);
        v = sortMergeListsByName(v, subschema);
      } else if (Array.isArray(v)) {
        const [subschema, patchMeta] = schema.lookupPatchMetadataForSlice(k);
        const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.patchStrategies);
        if (patchStrategy === mergeDirective) v = sortMergeListsByNameArray(v, subschema, patchMeta.patchMergeKey);
      }
    }
    newS[k] = v;
  }
  return newS;
}

function sortMergeListsByNameArray(s: Json[], schema: LookupPatchMeta, mergeKey: string): Json[] {
  if (s.length === 0) return s;
  const t = sliceElementType(s);
  if (t !== 'map') {
    const c = [...s];
    return sortScalars(c.slice(0, deduplicateScalarsInPlace(c, c.length)));
  }
  const newS = s.map((elem) => sortMergeListsByName(elem as JsonMap, schema));
  return stableSortBy(newS, (m) => goFormat((m as JsonMap)[mergeKey] ?? null));
}

function sortScalars(s: Json[]): Json[] {
  return stableSortBy([...s], (v) => goFormat(v));
}

function stableSortBy(s: Json[], key: (v: Json) => string): Json[] {
  return s
    .map((v, i) => ({ v, i, k: key(v) }))
    .sort((a, b) => byteOrder(a.k, b.k) || a.i - b.i)
    .map((x) => x.v);
}
