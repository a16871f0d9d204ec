/**
 * RFC 6902 JSON patch as kube-apiserver applies it for `Content-Type: application/json-patch+json`
 * (`kubectl patch --type=json`): a list of add / remove / replace / move / copy / test operations
 * on JSON Pointer paths (RFC 6901, `~1` is "/", `~0` is "~").
 *
 * Upstream: github.com/evanphx/json-patch v4.12.0 (gopkg.in/evanphx/json-patch.v4, what
 * k8s.io/apiserver v0.33.5 vendors) patch.go, ported with its quirks: negative array indices count
 * from the end (SupportNegativeIndices, on), `replace` of a missing object key adds it, `copy` from
 * a missing key copies null, `add` at index len+1 or beyond fails, copies are limited to 3 MiB in
 * total (AccumulatedCopySizeLimit, set by kube-apiserver's JSONPatchMaxCopyBytes), and the error
 * texts (errors.Wrapf: "<context>: <cause>"). k8s.io/apiserver/pkg/endpoints/handlers/patch.go
 * decides what the client sees: a patch that does not decode is a 400 with the JSON error, more
 * than 10000 operations a 413, and any failure while applying a 422 whose message is only "the
 * server rejected our request due to an error in our request" — the reason below stays inside.
 *
 * Differs: values are compared as parsed JSON (evanphx compares scalars by their compact bytes,
 * so `1.0` is not `1` there); the document is the parsed object, not bytes.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

/** jsonpatch.Operation: the raw members of one operation object. */
export type Operation = Record<string, Json>;

export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchError';
  }
}

/** A body that is not a JSON patch at all (json.Unmarshal into jsonpatch.Patch failed): the apiserver's 400. */
export class JsonPatchDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonPatchDecodeError';
  }
}

/** patch.go maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** kube-apiserver's --json-patch-max-copy-bytes default (server_run_options.go), the accumulated copy limit. */
export const JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024;

const ErrTestFailed = 'test failed';
const ErrMissing = 'missing value';
const ErrInvalidIndex = 'invalid index referenced';

const wrap = (msg: string, cause: string) => new JsonPatchError(`${msg}: ${cause}`);

function isMap(v: unknown): v is JsonMap {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number
}

/** DecodePatch on an already-parsed body: json.Unmarshal into jsonpatch.Patch ([]map[string]*json.RawMessage). */
export function decodePatch(body: unknown): Operation[] {
  if (body === undefined) throw new JsonPatchDecodeError('unexpected end of JSON input');
  if (body === null) return [];
  if (!Array.isArray(body)) throw new JsonPatchDecodeError(`json: cannot unmarshal ${jsonKind(body)} into Go value of type jsonpatch.Patch`);
  const bad = body.find((op) => op !== null && !isMap(op));
  if (bad !== undefined) throw new JsonPatchDecodeError(`json: cannot unmarshal ${jsonKind(bad)} into Go value of type jsonpatch.Operation`);
  return body.map((op) => (op ?? {}) as Operation);
}

function has(m: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

/** Operation.Kind(): "op" as a string, else "unknown". */
function kindOf(o: Operation): string {
  return has(o, 'op') && typeof o.op === 'string' ? o.op : 'unknown';
}

/** Operation.Path() / From(): [value, error text]. */
function member(o: Operation, name: 'path' | 'from'): [string, string | undefined] {
  if (has(o, name) && o[name] !== null) {
    const v = o[name];
    if (typeof v === 'string') return [v, undefined];
    return ['unknown', `json: cannot unmarshal ${jsonKind(v)} into Go value of type string`];
  }
  return ['unknown', name === 'path' ? `operation missing path field: ${ErrMissing}` : `operation, missing from field: ${ErrMissing}`];
}

/** Operation.value(): undefined when the operation has no "value" member (a nil *lazyNode). */
function valueOf(o: Operation): Json | undefined {
  return has(o, 'value') ? o.value! : undefined;
}

const decodePatchKey = (k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** strconv.Atoi's errors. */
function atoi(s: string): number | string {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return `strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`;
  return Number(n);
}

interface Options {
  supportNegativeIndices: boolean;
  accumulatedCopySizeLimit: number;
}

/** A container (partialDoc or partialArray) and the parent slot holding it, so arrays can grow. */
type Got = { ok: true; value: Json | undefined } | { ok: false; err: string };

interface Container {
  get(key: string): Got;
  set(key: string, v: Json): string | undefined;
  add(key: string, v: Json): string | undefined;
  remove(key: string): string | undefined;
}

function docContainer(d: JsonMap): Container {
  return {
    get: (key) => ({ ok: true, value: has(d, key) ? d[key] : undefined }),
    set: (key, v) => {
      d[key] = v;
      return undefined;
    },
    add: (key, v) => {
      d[key] = v;
      return undefined;
    },
    remove: (key) => {
      if (!has(d, key)) return `Unable to remove nonexistent key: ${key}: ${ErrMissing}`;
      delete d[key];
      return undefined;
    },
  };
}

function aryContainer(a: Json[], opts: Options): Container {
  const invalid = (idx: number) => `Unable to access invalid index: ${idx}: ${ErrInvalidIndex}`;
  return {
    get: (key) => {
      let idx = atoi(key);
      if (typeof idx === 'string') return { ok: false, err: idx };
      if (idx < 0) {
        if (!opts.supportNegativeIndices || idx < -a.length) return { ok: false, err: invalid(idx) };
        idx += a.length;
      }
      if (idx >= a.length) return { ok: false, err: invalid(idx) };
      return { ok: true, value: a[idx] };
    },
    set: (key, v) => {
      let idx = atoi(key);
      if (typeof idx === 'string') return idx;
      if (idx < 0) {
        if (!opts.supportNegativeIndices || idx < -a.length) return invalid(idx);
        idx += a.length;
      }
      a[idx] = v;
      return undefined;
    },
    add: (key, v) => {
      if (key === '-') {
        a.push(v);
        return undefined;
      }
      let idx = atoi(key);
      if (typeof idx === 'string') return `value was not a proper array index: '${key}': ${idx}`;
      const size = a.length + 1;
      if (idx >= size) return invalid(idx);
      if (idx < 0) {
        if (!opts.supportNegativeIndices || idx < -size) return invalid(idx);
        idx += size;
      }
      a.splice(idx, 0, v);
      return undefined;
    },
    remove: (key) => {
      let idx = atoi(key);
      if (typeof idx === 'string') return idx;
      if (idx >= a.length) return invalid(idx);
      if (idx < 0) {
        if (!opts.supportNegativeIndices || idx < -a.length) return invalid(idx);
        idx += a.length;
      }
      a.splice(idx, 1);
      return undefined;
    },
  };
}

function containerOf(v: Json | undefined, opts: Options): Container | undefined {
  if (Array.isArray(v)) return aryContainer(v, opts);
  if (isMap(v)) return docContainer(v);
  return undefined;
}

/** findObject: the container holding the path's last token, and that token decoded. */
function findObject(root: Json, path: string, opts: Options): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = containerOf(root, opts);
  if (!doc) return undefined;
  for (const part of split.slice(1, -1)) {
    const next = doc.get(decodePatchKey(part));
    if (!next.ok || next.value === undefined || next.value === null) return undefined;
    const c = containerOf(next.value, opts);
    if (!c) return undefined;
    doc = c;
  }
  return [doc, decodePatchKey(split[split.length - 1]!)];
}

function getChecked(c: Container, key: string): [Json | undefined, string | undefined] {
  const g = c.get(key);
  return g.ok ? [g.value, undefined] : [undefined, g.err];
}

/** lazyNode.equal: deep JSON equality (null members count). */
export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]!));
  }
  if (isMap(a) || isMap(b)) {
    if (!isMap(a) || !isMap(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => has(b, k) && jsonEqual(a[k]!, b[k]!));
  }
  return a === b;
}

/**
 * Patch.Apply: applies `ops` to a copy of `doc` and returns it. Throws JsonPatchError with
 * evanphx's text for the first operation that fails.
 */
export function applyJsonPatch(doc: unknown, ops: Operation[], options: Partial<Options> = {}): Json {
  const opts: Options = { supportNegativeIndices: true, accumulatedCopySizeLimit: JSON_PATCH_MAX_COPY_BYTES, ...options };
  const holder = { root: structuredClone(doc) as Json };
  let accumulatedCopySize = 0;
  const find = (path: string) => findObject(holder.root, path, opts);
  for (const op of ops) {
    const kind = kindOf(op);
    switch (kind) {
      case 'add': {
        const [path, perr] = member(op, 'path');
        if (perr) throw wrap('add operation failed to decode path', ErrMissing);
        const f = find(path);
        if (!f) throw wrap(`add operation does not apply: doc is missing path: ${JSON.stringify(path)}`, ErrMissing);
        const err = f[0].add(f[1], structuredClone(valueOf(op) ?? null));
        if (err) throw wrap(`error in add for path: '${path}'`, err);
        break;
      }
      case 'remove': {
        const [path, perr] = member(op, 'path');
        if (perr) throw wrap('remove operation failed to decode path', ErrMissing);
        const f = find(path);
        if (!f) throw wrap(`remove operation does not apply: doc is missing path: ${JSON.stringify(path)}`, ErrMissing);
        const err = f[0].remove(f[1]);
        if (err) throw wrap(`error in remove for path: '${path}'`, err);
        break;
      }
      case 'replace': {
        const [path, perr] = member(op, 'path');
        if (perr) throw wrap('replace operation failed to decode path', perr);
        if (path === '') {
          const v = valueOf(op);
          // A scalar value is refused with errors.Wrapf(nil, …), which is nil: nothing happens.
          if (Array.isArray(v) || isMap(v)) holder.root = structuredClone(v);
          break;
        }
        const f = find(path);
        if (!f) throw wrap(`replace operation does not apply: doc is missing path: ${path}`, ErrMissing);
        const [, gerr] = getChecked(f[0], f[1]);
        if (gerr) throw wrap(`replace operation does not apply: doc is missing key: ${path}`, ErrMissing);
        const err = f[0].set(f[1], structuredClone(valueOf(op) ?? null));
        if (err) throw wrap(`error in remove for path: '${path}'`, err);
        break;
      }
      case 'move': {
        const [from, ferr] = member(op, 'from');
        if (ferr) throw wrap('move operation failed to decode from', ferr);
        const f = find(from);
        if (!f) throw wrap(`move operation does not apply: doc is missing from path: ${from}`, ErrMissing);
        const [val, gerr] = getChecked(f[0], f[1]);
        if (gerr) throw wrap(`error in move for path: '${f[1]}'`, gerr);
        const rerr = f[0].remove(f[1]);
        if (rerr) throw wrap(`error in move for path: '${f[1]}'`, rerr);
        const [path, perr] = member(op, 'path');
        if (perr) throw wrap('move operation failed to decode path', perr);
        const t = find(path);
        if (!t) throw wrap(`move operation does not apply: doc is missing destination path: ${path}`, ErrMissing);
        const aerr = t[0].add(t[1], val ?? null);
        if (aerr) throw wrap(`error in move for path: '${path}'`, aerr);
        break;
      }
      case 'test': {
        const [path, perr] = member(op, 'path');
        if (perr) throw wrap('test operation failed to decode path', perr);
        const want = valueOf(op);
        if (path === '') {
          if (jsonEqual(holder.root, want)) break;
          throw wrap(`testing value ${path} failed`, ErrTestFailed);
        }
        const f = find(path);
        if (!f) throw wrap(`test operation does not apply: is missing path: ${path}`, ErrMissing);
        const [val, gerr] = getChecked(f[0], f[1]);
        if (gerr) throw wrap(`error in test for path: '${path}'`, gerr);
        if (val === undefined || val === null) {
          // A missing or null member passes against a null (or absent) value.
          if (want === undefined || want === null) break;
          throw wrap(`testing value ${path} failed`, ErrTestFailed);
        }
        if (want === undefined || !jsonEqual(val, want)) throw wrap(`testing value ${path} failed`, ErrTestFailed);
        break;
      }
      case 'copy': {
        const [from, ferr] = member(op, 'from');
        if (ferr) throw wrap('copy operation failed to decode from', ferr);
        const f = find(from);
        if (!f) throw wrap(`copy operation does not apply: doc is missing from path: ${from}`, ErrMissing);
        const [val, gerr] = getChecked(f[0], f[1]);
        if (gerr) throw wrap(`error in copy for from: '${from}'`, gerr);
        const [path, perr] = member(op, 'path');
        if (perr) throw wrap('copy operation failed to decode path', ErrMissing);
        const t = find(path);
        if (!t) throw wrap(`copy operation does not apply: doc is missing destination path: ${path}`, ErrMissing);
        const copy = val === undefined ? null : structuredClone(val);
        accumulatedCopySize += val === undefined || val === null ? 0 : new TextEncoder().encode(JSON.stringify(val)).length;
        if (opts.accumulatedCopySizeLimit > 0 && accumulatedCopySize > opts.accumulatedCopySizeLimit) {
          throw new JsonPatchError(`Unable to complete the copy, the accumulated size increase of copy is ${accumulatedCopySize}, exceeding the limit ${opts.accumulatedCopySizeLimit}`);
        }
        const aerr = t[0].add(t[1], copy);
        if (aerr) throw wrap('error while adding value during copy', aerr);
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${kind}`);
    }
  }
  return holder.root;
}

