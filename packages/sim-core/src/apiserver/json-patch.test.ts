/**
 * RFC 6902 JSON patch against evanphx/json-patch v4.12.0's patch_test.go: Cases (applied and
 * compared), MutationTestCases, BadCases (must fail), TestCases (the test operation and its
 * "testing value <path> failed: test failed" text), TestAdd (array insertion bounds) and
 * EqualityCases. Upstream runs Cases with AccumulatedCopySizeLimit 100, as here.
 */
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, decodePatch, JsonPatchDecodeError, JsonPatchError, jsonEqual } from './json-patch';

/** applyPatch in patch_test.go: DecodePatch, then Apply (an empty document comes back as it is). */
function applyPatch(doc: string, patch: string, limit = 0): string {
  const ops = decodePatch(JSON.parse(patch));
  if (doc.length === 0) return doc;
  return JSON.stringify(applyJsonPatch(JSON.parse(doc), ops, { accumulatedCopySizeLimit: limit }));
}
const A = (n: number) => 'A'.repeat(n);

// patch_test.go Cases: [doc, patch, result]
const CASES: [string, string, string][] = [
  [``, `[ { "op": "add", "path": "/baz", "value": "qux" } ]`, ``],
  [`{ "foo": "bar"}`, `[ { "op": "add", "path": "/baz", "value": "qux" } ]`, `{ "baz": "qux", "foo": "bar" }`],
  [`{ "foo": [ "bar", "baz" ] }`, `[ { "op": "add", "path": "/foo/1", "value": "qux" } ]`, `{ "foo": [ "bar", "qux", "baz" ] }`],
  [`{ "foo": [ "bar", "baz" ] }`, `[ { "op": "add", "path": "/foo/-1", "value": "qux" } ]`, `{ "foo": [ "bar", "baz", "qux" ] }`],
  [`{ "baz": "qux", "foo": "bar" }`, `[ { "op": "remove", "path": "/baz" } ]`, `{ "foo": "bar" }`],
  [`{ "foo": [ "bar", "qux", "baz" ] }`, `[ { "op": "remove", "path": "/foo/1" } ]`, `{ "foo": [ "bar", "baz" ] }`],
  [`{ "baz": "qux", "foo": "bar" }`, `[ { "op": "replace", "path": "/baz", "value": "boo" } ]`, `{ "baz": "boo", "foo": "bar" }`],
  [`{ "foo": { "bar": "baz", "waldo": "fred" }, "qux": { "corge": "grault" } }`, `[ { "op": "move", "from": "/foo/waldo", "path": "/qux/thud" } ]`, `{ "foo": { "bar": "baz" }, "qux": { "corge": "grault", "thud": "fred" } }`],
  [`{ "foo": [ "all", "grass", "cows", "eat" ] }`, `[ { "op": "move", "from": "/foo/1", "path": "/foo/3" } ]`, `{ "foo": [ "all", "cows", "eat", "grass" ] }`],
  [`{ "foo": [ "all", "grass", "cows", "eat" ] }`, `[ { "op": "move", "from": "/foo/1", "path": "/foo/2" } ]`, `{ "foo": [ "all", "cows", "grass", "eat" ] }`],
  [`{ "foo": "bar" }`, `[ { "op": "add", "path": "/child", "value": { "grandchild": { } } } ]`, `{ "foo": "bar", "child": { "grandchild": { } } }`],
  [`{ "foo": ["bar"] }`, `[ { "op": "add", "path": "/foo/-", "value": ["abc", "def"] } ]`, `{ "foo": ["bar", ["abc", "def"]] }`],
  [`{ "foo": "bar", "qux": { "baz": 1, "bar": null } }`, `[ { "op": "remove", "path": "/qux/bar" } ]`, `{ "foo": "bar", "qux": { "baz": 1 } }`],
  [`{ "foo": "bar" }`, `[ { "op": "add", "path": "/baz", "value": null } ]`, `{ "baz": null, "foo": "bar" }`],
  [`{ "foo": ["bar"]}`, `[ { "op": "replace", "path": "/foo/0", "value": "baz"}]`, `{ "foo": ["baz"]}`],
  [`{ "foo": ["bar","baz"]}`, `[ { "op": "replace", "path": "/foo/0", "value": "bum"}]`, `{ "foo": ["bum","baz"]}`],
  [`{ "foo": ["bar","qux","baz"]}`, `[ { "op": "replace", "path": "/foo/1", "value": "bum"}]`, `{ "foo": ["bar", "bum","baz"]}`],
  [`[ {"foo": ["bar","qux","baz"]}]`, `[ { "op": "replace", "path": "/0/foo/0", "value": "bum"}]`, `[ {"foo": ["bum","qux","baz"]}]`],
  [`[ {"foo": ["bar","qux","baz"], "bar": ["qux","baz"]}]`, `[ { "op": "copy", "from": "/0/foo/0", "path": "/0/bar/0"}]`, `[ {"foo": ["bar","qux","baz"], "bar": ["bar", "baz"]}]`],
  [`[ {"foo": ["bar","qux","baz"], "bar": ["qux","baz"]}]`, `[ { "op": "copy", "from": "/0/foo/0", "path": "/0/bar"}]`, `[ {"foo": ["bar","qux","baz"], "bar": ["bar", "qux", "baz"]}]`],
  [`[ { "foo": {"bar": ["qux","baz"]}, "baz": {"qux": "bum"}}]`, `[ { "op": "copy", "from": "/0/foo/bar", "path": "/0/baz/bar"}]`, `[ { "baz": {"bar": ["qux","baz"], "qux":"bum"}, "foo": {"bar": ["qux","baz"]}}]`],
  [`{ "foo": ["bar"]}`, `[{"op": "copy", "path": "/foo/0", "from": "/foo"}]`, `{ "foo": [["bar"], "bar"]}`],
  [`{ "foo": ["bar","qux","baz"]}`, `[ { "op": "remove", "path": "/foo/-2"}]`, `{ "foo": ["bar", "baz"]}`],
  [`{ "foo": []}`, `[ { "op": "add", "path": "/foo/-1", "value": "qux"}]`, `{ "foo": ["qux"]}`],
  [`{ "bar": [{"baz": null}]}`, `[ { "op": "replace", "path": "/bar/0/baz", "value": 1 } ]`, `{ "bar": [{"baz": 1}]}`],
  [`{ "bar": [{"baz": 1}]}`, `[ { "op": "replace", "path": "/bar/0/baz", "value": null } ]`, `{ "bar": [{"baz": null}]}`],
  [`{ "bar": [null]}`, `[ { "op": "replace", "path": "/bar/0", "value": 1 } ]`, `{ "bar": [1]}`],
  [`{ "bar": [1]}`, `[ { "op": "replace", "path": "/bar/0", "value": null } ]`, `{ "bar": [null]}`],
  // The wrapping quotes around 'A's are included in the copy size: each copy adds 50 bytes.
  [`{ "foo": ["A", "${A(48)}"] }`, `[ { "op": "copy", "path": "/foo/-", "from": "/foo/1" }, { "op": "copy", "path": "/foo/-", "from": "/foo/1" }]`, `{ "foo": ["A", "${A(48)}", "${A(48)}", "${A(48)}"] }`],
  [
    `{ "id": "00000000-0000-0000-0000-000000000000", "parentID": "00000000-0000-0000-0000-000000000000" }`,
    `[ { "op": "test", "path": "", "value": { "id": "00000000-0000-0000-0000-000000000000", "parentID": "00000000-0000-0000-0000-000000000000" } },
       { "op": "replace", "path": "", "value": { "id": "759981e8-ec68-4639-a83e-513225914ecb", "originalID": "bar", "parentID": "00000000-0000-0000-0000-000000000000" } } ]`,
    `{ "id" : "759981e8-ec68-4639-a83e-513225914ecb", "originalID" : "bar", "parentID" : "00000000-0000-0000-0000-000000000000" }`,
  ],
];

// patch_test.go MutationTestCases: the patch must change the document.
const MUTATIONS: [string, string][] = [
  [`{ "foo": "bar", "qux": { "baz": 1, "bar": null } }`, `[ { "op": "remove", "path": "/qux/bar" } ]`],
  [`{ "foo": "bar", "qux": { "baz": 1, "bar": null } }`, `[ { "op": "replace", "path": "/qux/baz", "value": null } ]`],
];

// patch_test.go BadCases: each must fail; the error text is evanphx's.
const BAD: [string, string, string][] = [
  [`{ "foo": "bar" }`, `[ { "op": "add", "path": "/baz/bat", "value": "qux" } ]`, 'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
  [`{ "a": { "b": { "d": 1 } } }`, `[ { "op": "remove", "path": "/a/b/c" } ]`, "error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value"],
  [`{ "a": { "b": { "d": 1 } } }`, `[ { "op": "move", "from": "/a/b/c", "path": "/a/b/e" } ]`, "error in move for path: 'c': Unable to remove nonexistent key: c: missing value"],
  [`{ "a": { "b": [1] } }`, `[ { "op": "remove", "path": "/a/b/1" } ]`, "error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index referenced"],
  [`{ "a": { "b": [1] } }`, `[ { "op": "move", "from": "/a/b/1", "path": "/a/b/2" } ]`, "error in move for path: '1': Unable to access invalid index: 1: invalid index referenced"],
  [`{ "foo": "bar" }`, `[ { "op": "add", "pathz": "/baz", "value": "qux" } ]`, 'add operation failed to decode path: missing value'],
  [`{ "foo": "bar" }`, `[ { "op": "add", "path": "", "value": "qux" } ]`, 'add operation does not apply: doc is missing path: "": missing value'],
  [`{ "foo": ["bar","baz"]}`, `[ { "op": "replace", "path": "/foo/2", "value": "bum"}]`, 'replace operation does not apply: doc is missing key: /foo/2: missing value'],
  [`{ "foo": ["bar","baz"]}`, `[ { "op": "add", "path": "/foo/-4", "value": "bum"}]`, "error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index referenced"],
  [`{ "name":{ "foo": "bat", "qux": "bum"}}`, `[ { "op": "replace", "path": "/foo/bar", "value":"baz"}]`, 'replace operation does not apply: doc is missing path: /foo/bar: missing value'],
  [`{ "foo": ["bar"]}`, `[ {"op": "add", "path": "/foo/2", "value": "bum"}]`, "error in add for path: '/foo/2': Unable to access invalid index: 2: invalid index referenced"],
  [`{ "foo": []}`, `[ {"op": "remove", "path": "/foo/-"}]`, `error in remove for path: '/foo/-': strconv.Atoi: parsing "-": invalid syntax`],
  [`{ "foo": []}`, `[ {"op": "remove", "path": "/foo/-1"}]`, "error in remove for path: '/foo/-1': Unable to access invalid index: -1: invalid index referenced"],
  [`{ "foo": ["bar"]}`, `[ {"op": "remove", "path": "/foo/-2"}]`, "error in remove for path: '/foo/-2': Unable to access invalid index: -2: invalid index referenced"],
  [`{}`, `[ {"op":null,"path":""} ]`, 'Unexpected kind: unknown'],
  [`{}`, `[ {"op":"add","path":null} ]`, 'add operation failed to decode path: missing value'],
  [`{}`, `[ { "op": "copy", "from": null }]`, 'copy operation failed to decode from: operation, missing from field: missing value'],
  [`{ "foo": ["bar"]}`, `[{"op": "copy", "path": "/foo/6666666666", "from": "/"}]`, "error while adding value during copy: Unable to access invalid index: 6666666666: invalid index referenced"],
  // Can't copy into an index greater than the size of the array
  [`{ "foo": ["bar"]}`, `[{"op": "copy", "path": "/foo/2", "from": "/foo/0"}]`, 'error while adding value during copy: Unable to access invalid index: 2: invalid index referenced'],
  // Accumulated copy size cannot exceed AccumulatedCopySizeLimit (51 bytes a copy, limit 100).
  [`{ "foo": ["A", "${A(49)}"] }`, `[ { "op": "copy", "path": "/foo/-", "from": "/foo/1" }, { "op": "copy", "path": "/foo/-", "from": "/foo/1" }]`, 'Unable to complete the copy, the accumulated size increase of copy is 102, exceeding the limit 100'],
  // Can't move into an index greater than or equal to the size of the array
  [`{ "foo": [ "all", "grass", "cows", "eat" ] }`, `[ { "op": "move", "from": "/foo/1", "path": "/foo/4" } ]`, "error in move for path: '/foo/4': Unable to access invalid index: 4: invalid index referenced"],
];

/** compareJSON: both sides unmarshalled into a map — a document that is not an object is nil, so two arrays always compare equal. */
function compareJSON(a: string, b: string): boolean {
  const asMap = (t: string) => {
    try {
      const v = JSON.parse(t);
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  };
  return jsonEqual(asMap(a), asMap(b));
}

describe('TestAllCases (evanphx/json-patch v4.12.0 patch_test.go)', () => {
  it.each(CASES)('%s + %s', (doc, patch, result) => {
    expect(compareJSON(applyPatch(doc, patch, 100), result)).toBe(true);
  });
  it('the array documents upstream cannot compare (compareJSON sees nil) give what RFC 6902 says', () => {
    expect(JSON.parse(applyPatch(CASES[18]![0], CASES[18]![1]))).toEqual([{ foo: ['bar', 'qux', 'baz'], bar: ['bar', 'qux', 'baz'] }]);
    expect(JSON.parse(applyPatch(CASES[19]![0], CASES[19]![1]))).toEqual([{ foo: ['bar', 'qux', 'baz'], bar: 'bar' }]);
    expect(JSON.parse(applyPatch(CASES[17]![0], CASES[17]![1]))).toEqual([{ foo: ['bum', 'qux', 'baz'] }]);
  });
  it.each(MUTATIONS)('mutation: %s + %s', (doc, patch) => {
    expect(JSON.parse(applyPatch(doc, patch, 100))).not.toEqual(JSON.parse(doc));
  });
  it.each(BAD)('bad: %s + %s', (doc, patch, message) => {
    expect(() => applyPatch(doc, patch, 100)).toThrow(new JsonPatchError(message));
  });
});

describe('TestAllTest (the test operation)', () => {
  // [doc, patch, passes, failedPath]
  it.each([
    [`{ "baz": "qux", "foo": [ "a", 2, "c" ] }`, `[ { "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": 2 } ]`, true, ''],
    [`{ "baz": "qux" }`, `[ { "op": "test", "path": "/baz", "value": "bar" } ]`, false, '/baz'],
    [`{ "baz": "qux", "foo": ["a", 2, "c"] }`, `[ { "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": "c" } ]`, false, '/foo/1'],
    [`{ "baz": "qux" }`, `[ { "op": "test", "path": "/foo", "value": 42 } ]`, false, '/foo'],
    [`{ "baz": "qux" }`, `[ { "op": "test", "path": "/foo", "value": null } ]`, true, ''],
    [`{ "foo": null }`, `[ { "op": "test", "path": "/foo", "value": null } ]`, true, ''],
    [`{ "foo": {} }`, `[ { "op": "test", "path": "/foo", "value": null } ]`, false, '/foo'],
    [`{ "foo": [] }`, `[ { "op": "test", "path": "/foo", "value": null } ]`, false, '/foo'],
    [`{ "baz/foo": "qux" }`, `[ { "op": "test", "path": "/baz~1foo", "value": "qux"} ]`, true, ''],
    [`{ "foo": [] }`, `[ { "op": "test", "path": "/foo"} ]`, false, '/foo'],
  ] as const)('%s + %s', (doc, patch, passes, failedPath) => {
    if (passes) expect(() => applyPatch(doc, patch)).not.toThrow();
    else expect(() => applyPatch(doc, patch)).toThrow(`testing value ${failedPath} failed: test failed`);
  });
});

describe('TestAdd (array insertion)', () => {
  // partialArray.add on an empty array, through an add at /a/<key>.
  it.each([
    ['should work', '0', '', true],
    ['index too large', '1', 'Unable to access invalid index: 1: invalid index referenced', true],
    ['negative should work', '-1', '', true],
    ['negative too small', '-2', 'Unable to access invalid index: -2: invalid index referenced', true],
    ['negative but negative disabled', '-1', 'Unable to access invalid index: -1: invalid index referenced', false],
  ] as const)('%s', (_, key, err, negatives) => {
    const run = () => applyJsonPatch({ a: [] }, [{ op: 'add', path: `/a/${key}`, value: null }], { supportNegativeIndices: negatives });
    if (err) expect(run).toThrow(`error in add for path: '/a/${key}': ${err}`);
    else expect(run()).toEqual({ a: [null] });
  });
});

describe('TestEquality', () => {
  it.each([
    ['ExtraKeyFalse', `{"foo": "bar"}`, `{"foo": "bar", "baz": "qux"}`, false],
    ['StripWhitespaceTrue', `{\n"foo": "bar",\n"baz": "qux"\n}`, `{"foo": "bar", "baz": "qux"}`, true],
    ['KeysOutOfOrderTrue', `{"baz": "qux", "foo": "bar"}`, `{"foo": "bar", "baz": "qux"}`, true],
    ['ComparingNullFalse', `{"foo": null}`, `{"foo": "bar"}`, false],
    ['ComparingNullTrue', `{"foo": null}`, `{"foo": null}`, true],
    ['ArrayOutOfOrderFalse', `["foo", "bar", "baz"]`, `["bar", "baz", "foo"]`, false],
    ['ArrayTrue', `["foo", "bar", "baz"]`, `["foo", "bar", "baz"]`, true],
    ['NonStringTypesTrue', `{"int": 6, "bool": true, "float": 7.0, "string": "the_string", "null": null}`, `{"int": 6, "bool": true, "float": 7.0, "string": "the_string", "null": null}`, true],
    ['NestedNullFalse', `{"foo": ["an", "array"], "bar": {"an": "object"}}`, `{"foo": null, "bar": null}`, false],
    ['NullCompareStringFalse', `"foo"`, `null`, false],
    ['NullCompareIntFalse', `6`, `null`, false],
    ['NullCompareFloatFalse', `6.01`, `null`, false],
    ['NullCompareBoolFalse', `false`, `null`, false],
  ] as const)('%s', (_, a, b, equal) => {
    expect(jsonEqual(JSON.parse(a), JSON.parse(b))).toBe(equal);
    expect(jsonEqual(JSON.parse(b), JSON.parse(a))).toBe(equal);
  });
});

describe('DecodePatch: what json.Unmarshal into jsonpatch.Patch says', () => {
  it.each([
    [{ op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['x', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [[1], 'json: cannot unmarshal number into Go value of type jsonpatch.Operation'],
    [undefined, 'unexpected end of JSON input'],
  ])('%j', (body, message) => {
    expect(() => decodePatch(body)).toThrow(new JsonPatchDecodeError(message));
  });
  it('null is an empty patch; a null operation has no kind', () => {
    expect(decodePatch(null)).toEqual([]);
    expect(() => applyJsonPatch({}, decodePatch([null]))).toThrow('Unexpected kind: unknown');
  });
});
