/**
 * Strategic merge patch, the apply direction, against upstream's tables:
 * k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go (v0.33.5) — TestCustomStrategicMergePatch,
 * TestStrategicMergePatch (every case's two-way patch applied to the original, and three-way patch
 * applied to the current object), TestReplaceWithRawExtension, TestSortMergeLists, the apply half
 * of TestNumberConversion and TestUnknownField. The tables run unchanged on upstream's synthetic
 * MergeItem schema (its Go struct tags, ported below). Patch creation — kubectl's half — is not
 * ported, so a case's expected patch is applied rather than a computed one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergePatch } from './rmw';
import { goFormat, PatchMetaFromStruct, schemaFor, sliceStable, sortMergeListsByName, StrategicMergePatchError, strategicMergePatch, strategicMergePatchErrorCode, strategicMergePatchJSON, type GoStructs } from './strategic-merge-patch';
import { CREATE_STRATEGIC_MERGE_PATCH_TEST_CASE_DATA, CUSTOM_STRATEGIC_MERGE_PATCH_RAW_TEST_CASES, CUSTOM_STRATEGIC_MERGE_PATCH_TEST_CASE_DATA, REPLACE_RAW_EXTENSION_PATCH_TEST_CASES, SORT_MERGE_LIST_TEST_CASE_DATA, STRATEGIC_MERGE_PATCH_RAW_TEST_CASES, type RawTestCase } from './strategic-merge-patch.testdata';

// patch_test.go: type MergeItem, type RetainKeysMergeItem (runtime.RawExtension has no JSON fields).
const MERGE_ITEM: GoStructs = {
  'test.MergeItem': {
    name: 'string',
    value: 'string',
    other: 'string',
    mergingList: ['[]test.MergeItem', 'merge', 'name'],
    nonMergingList: '[]test.MergeItem',
    mergingIntList: ['[]int', 'merge'],
    nonMergingIntList: '[]int',
    mergeItemPtr: ['*test.MergeItem', 'merge', 'name'],
    simpleMap: 'map[string]string',
    replacingItem: ['runtime.RawExtension', 'replace'],
    retainKeysMap: ['test.RetainKeysMergeItem', 'retainKeys'],
    retainKeysMergingList: ['[]test.MergeItem', 'merge,retainKeys', 'name'],
  },
  'test.RetainKeysMergeItem': {
    name: 'string',
    value: 'string',
    other: 'string',
    simpleMap: 'map[string]string',
    mergingIntList: ['[]int', 'merge'],
    mergingList: ['[]test.MergeItem', 'merge', 'name'],
    nonMergingList: '[]test.MergeItem',
  },
  'runtime.RawExtension': {},
  // patch_test.go: type PrecisionItem
  'test.PrecisionItem': { name: 'string', int32: 'int32', int64: 'int64', float32: 'float32', float64: 'float64' },
};
const schema = new PatchMetaFromStruct('test.MergeItem', MERGE_ITEM);

type Obj = Record<string, any>;

/** sigs.k8s.io/yaml YAMLToJSON, then json.Unmarshal into a map: an empty document is null. */
const yamlToObject = (y: string | undefined): Obj | null => (y === undefined ? null : ((parse(y) as Obj | null | undefined) ?? null));
/** testObjectToJSONOrFail + sortJsonOrFail: nil stays nil, anything else has its merge lists sorted. */
const sorted = (o: Obj | null | undefined): Obj | null => (o === undefined || o === null ? null : sortMergeListsByName(structuredClone(o), schema));

/** testPatchApplication: the result must equal `expected` (lists in order), or the error contain `expectedError`. */
function testPatchApplication(original: Obj | null, patch: Obj | null, expected: Obj | null, expectedError = ''): void {
  if (expectedError) {
    expect(() => strategicMergePatch(original ?? {}, patch ?? {}, schema)).toThrow(expectedError);
    return;
  }
  expect(strategicMergePatch(original ?? {}, patch ?? {}, schema)).toEqual(expected ?? {});
}

interface YamlCase {
  description: string;
  original?: Obj;
  twoWay?: Obj;
  modified?: Obj;
  current?: Obj;
  threeWay?: Obj;
  result?: Obj;
  twoWayResult?: Obj;
}
const yamlCases = (text: string): YamlCase[] => (parse(text) as { testCases: YamlCase[] }).testCases;

describe('TestCustomStrategicMergePatch (patch_test.go)', () => {
  const cases = yamlCases(CUSTOM_STRATEGIC_MERGE_PATCH_TEST_CASE_DATA);
  it('has the upstream table', () => expect(cases.length).toBe(18));
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_, c) => {
    // twoWayTestCaseToJSONOrFail: everything sorted by merge key, expected = twoWayResult ?? modified.
    testPatchApplication(sorted(c.original), sorted(c.twoWay), sorted(c.twoWayResult ?? c.modified));
  });
  it.each(CUSTOM_STRATEGIC_MERGE_PATCH_RAW_TEST_CASES.map((c) => [c.description, c] as const))('raw: %s', (_, c) => {
    testPatchApplication(yamlToObject(c.original), yamlToObject(c.twoWay), yamlToObject(c.twoWayResult ?? c.modified), c.expectedError);
  });
});

describe('TestStrategicMergePatch (patch_test.go createStrategicMergePatchTestCaseData)', () => {
  const cases = yamlCases(CREATE_STRATEGIC_MERGE_PATCH_TEST_CASE_DATA);
  it('has the upstream table', () => expect(cases.length).toBe(22));
  it.each(cases.map((c) => [c.description, c] as const))('%s / TwoWay', (_, c) => {
    testPatchApplication(sorted(c.original), sorted(c.twoWay), sorted(c.twoWayResult ?? c.modified));
  });
  // testThreeWayPatch: a "conflict" case applies its (forced) three-way patch only when it has a result.
  const threeWay = cases.filter((c) => !(c.description.includes('conflict') && !c.result));
  it.each(threeWay.map((c) => [c.description, c] as const))('%s / ThreeWay', (_, c) => {
    testPatchApplication(sorted(c.current), sorted(c.threeWay), sorted(c.result));
  });
});

function rawCaseTests(cases: RawTestCase[]) {
  it.each(cases.map((c) => [c.description, c] as const))('%s / TwoWay', (_, c) => {
    testPatchApplication(yamlToObject(c.original), yamlToObject(c.twoWay), yamlToObject(c.twoWayResult ?? c.modified), c.expectedError);
  });
  const threeWay = cases.filter((c) => c.result !== undefined);
  it.each(threeWay.map((c) => [c.description, c] as const))('%s / ThreeWay', (_, c) => {
    testPatchApplication(yamlToObject(c.current), yamlToObject(c.threeWay), yamlToObject(c.result), c.expectedError);
  });
}

describe('TestStrategicMergePatch (patch_test.go strategicMergePatchRawTestCases)', () => {
  it('has the upstream table', () => expect(STRATEGIC_MERGE_PATCH_RAW_TEST_CASES.length).toBe(94));
  rawCaseTests(STRATEGIC_MERGE_PATCH_RAW_TEST_CASES);
  it('bad original / bad patch: ErrBadJSONDoc, a 400', () => {
    for (const [o, p] of [
      ['<THIS IS NOT JSON>', '{}'],
      ['{}', '<THIS IS NOT JSON>'],
    ] as const) {
      let err: unknown;
      try {
        strategicMergePatchJSON(o, p, schema);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StrategicMergePatchError);
      expect((err as Error).message).toBe('invalid JSON document');
      expect(strategicMergePatchErrorCode(err as StrategicMergePatchError)).toBe(400);
    }
  });
});

describe('TestReplaceWithRawExtension (patch_test.go)', () => {
  rawCaseTests(REPLACE_RAW_EXTENSION_PATCH_TEST_CASES);
});

describe('TestSortMergeLists (patch_test.go)', () => {
  const cases = (parse(SORT_MERGE_LIST_TEST_CASE_DATA) as { testCases: { description: string; original: Obj; sorted: Obj }[] }).testCases;
  it.each(cases.map((c) => [c.description, c] as const))('%s', (_, c) => {
    expect(sortMergeListsByName(c.original, schema)).toEqual(c.sorted);
  });
});

describe('TestNumberConversion (patch_test.go), the apply half', () => {
  const precision = new PatchMetaFromStruct('test.PrecisionItem', MERGE_ITEM);
  // JSON numbers are IEEE doubles here, so int64 max compares as the double it rounds to.
  it.each([
    ['empty', '{}', '{}', '{}'],
    ['int32 medium', '{"int32":1000000}', '{"name":"newname"}', '{"int32":1000000,"name":"newname"}'],
    ['int32 max', '{"int32":2147483647}', '{"name":"newname"}', '{"int32":2147483647,"name":"newname"}'],
    ['int64 medium', '{"int64":1000000}', '{"name":"newname"}', '{"int64":1000000,"name":"newname"}'],
    ['int64 max', '{"int64":9223372036854775807}', '{"name":"newname"}', '{"int64":9223372036854775807,"name":"newname"}'],
    ['float32 max', '{"float32":3.4028234663852886e+38}', '{"name":"newname"}', '{"float32":3.4028234663852886e+38,"name":"newname"}'],
    ['float64 max', '{"float64":1.7976931348623157e+308}', '{"name":"newname"}', '{"float64":1.7976931348623157e+308,"name":"newname"}'],
  ])('%s', (_, old, patch, want) => {
    expect(JSON.parse(strategicMergePatchJSON(old, patch, precision))).toEqual(JSON.parse(want));
  });
});

describe('TestUnknownField (patch_test.go), the apply half', () => {
  it.each([
    ['no diff', '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}', '{}', '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}'],
    ['no diff even if modified null', '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}', '{"complex_nullable":{"key":null}}', '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{},"name":"foo","scalar":true}'],
    ['discard nulls in nested and adds not nulls', '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}', '{"complex_nullable":{"key":{"keynotnull":"value","keynull":null}}}', '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{"key":{"keynotnull":"value"}},"name":"foo","scalar":true}'],
    ['discard if modified all nulls', '{}', '{"complex":{"nested":null}}', '{"complex":{}}'],
    ['add only not nulls', '{}', '{"complex":{"nested":null,"nested2":"foo"}}', '{"complex":{"nested2":"foo"}}'],
    ['null values in original are preserved', '{"thing":null}', '{"nested":{"value":5}}', '{"nested":{"value":5},"thing":null}'],
    ['nested null values in original are preserved', '{"complex":{"key":null},"thing":null}', '{"nested":{"value":5}}', '{"complex":{"key":null},"nested":{"value":5},"thing":null}'],
    ['add empty slices', '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}', '{"complex_nullable":[]}', '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":[],"name":"foo","scalar":true}'],
    ['filter nulls from nested slices', '{}', '{"complex_nullable":[{"inner_one":{"key_one":"foo","key_two":null}}]}', '{"complex_nullable":[{"inner_one":{"key_one":"foo"}}]}'],
    ['filter if slice is all empty', '{}', '{"complex_nullable":[{"inner_one":{"key_one":null,"key_two":null}}]}', '{"complex_nullable":[{"inner_one":{}}]}'],
    ['not filter nulls from non-associative slice', '{}', '{"complex_nullable":["key1",null,"key2"]}', '{"complex_nullable":["key1",null,"key2"]}'],
    ['added only', '{"name":"foo"}', '{"array":[1,2,3],"complex":{"nested":true},"scalar":true}', '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}'],
    ['removed only (two-way)', '{"name":"foo","scalar":true,"complex":{"nested":true}}', '{"complex":null,"scalar":null}', '{"name":"foo"}'],
    ['removed only (three-way)', '{"name":"foo","scalar":true,"complex":{"nested":true},"array":[1,2,3]}', '{"complex":null,"scalar":null}', '{"array":[1,2,3],"name":"foo"}'],
  ])('%s', (_, original, patch, want) => {
    expect(JSON.parse(strategicMergePatchJSON(original, patch, schema))).toEqual(JSON.parse(want));
  });
  it('diff: merging into a field the struct does not have is an error (a 500 on the server)', () => {
    const run = () => strategicMergePatchJSON('{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}', '{"complex":{"nested":false}}', schema);
    expect(run).toThrow('unable to find api field in struct MergeItem for the json field "complex"');
    try {
      run();
    } catch (e) {
      expect(strategicMergePatchErrorCode(e as StrategicMergePatchError)).toBe(500);
    }
  });
});

describe('directive errors, in upstream words', () => {
  const err = (original: Obj, patch: Obj) => {
    try {
      strategicMergePatch(original, patch, schema);
    } catch (e) {
      return { message: (e as Error).message, code: strategicMergePatchErrorCode(e as StrategicMergePatchError) };
    }
    return undefined;
  };
  it('an unknown $patch in a map or a list element', () => {
    expect(err({ name: 'a' }, { $patch: 'frobnicate' })).toEqual({ message: 'unknown patch type: frobnicate in map: map[$patch:frobnicate]', code: 500 });
    expect(err({ mergingList: [{ name: 'a' }] }, { mergingList: [{ name: 'a', $patch: 'nope' }] })).toEqual({ message: 'unknown patch type: nope in map: map[$patch:nope name:a]', code: 500 });
    expect(err({ mergingList: [{ name: 'a' }] }, { mergingList: [{ $patch: 'merge' }] })).toEqual({ message: 'merging lists cannot yet be specified in the patch', code: 500 });
  });
  it('a list element without its merge key', () => {
    expect(err({ mergingList: [{ name: 'a' }] }, { mergingList: [{ value: 'b' }] })).toEqual({ message: 'map: map[value:b] does not contain declared merge key: name', code: 500 });
    expect(err({ mergingList: [{ name: 'a' }] }, { mergingList: [{ $patch: 'delete', value: 1 }] })).toEqual({ message: 'map: map[$patch:delete value:1] does not contain declared merge key: name', code: 500 });
  });
  it('malformed directives are a 400', () => {
    expect(err({}, { $retainKeys: 'name' })).toEqual({ message: 'invalid patch format of retainKeys', code: 400 });
    expect(err({ name: 'a', value: 'b' }, { $retainKeys: ['name'], other: 'x' })).toEqual({ message: 'invalid patch format of retainKeys', code: 400 });
    expect(err({ mergingList: [{ name: 'a' }] }, { '$setElementOrder/mergingList': 'a' })).toEqual({ message: 'expected a []interface {}, but received a string', code: 500 });
    expect(err({ mergingList: [{ name: 'a' }, { name: 'b' }] }, { '$setElementOrder/mergingList': [{ name: 'b' }], mergingList: [{ name: 'a', value: 1 }] })?.message).toContain("doesn't match $setElementOrder list");
  });
  it('lists of lists are a 422', () => {
    expect(err({ mergingIntList: [[1]] }, { mergingIntList: [[2]] })).toEqual({ message: 'lists of lists are not supported', code: 422 });
  });
  it('mixed element types', () => {
    expect(err({ mergingIntList: [1] }, { mergingIntList: ['a'] })).toEqual({ message: 'list element types are not identical: [[1] [a]]', code: 500 });
  });
});

describe('the served kinds: upstream struct tags', () => {
  const smp = (o: unknown, p: unknown, sch: Parameters<typeof strategicMergePatch>[2]): any => strategicMergePatch(o, p, sch);
  const pod = schemaFor('core.Pod')!;
  const node = schemaFor('core.Node')!;
  const deployment = schemaFor('apps.Deployment')!;
  // Without $setElementOrder (kubectl apply sends one), a new element goes before the ones the patch
  // does not mention unless the live order places it (mergeSortedSlice): the new port 443 before 80.
  it('containers merge by name, env by name, ports by containerPort', () => {
    const original = { spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }, { name: 'sidecar', image: 'busybox' }] } };
    const patch = { spec: { containers: [{ name: 'web', image: 'nginx:1.28', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 443 }] }] } };
    expect(smp(original, patch, pod)).toEqual({
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1.28', env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP' }] },
          { name: 'sidecar', image: 'busybox' },
        ],
      },
    });
  });
  it('tolerations and node taints have no merge strategy: the list is replaced', () => {
    const p = smp({ spec: { tolerations: [{ key: 'a', operator: 'Exists' }] } }, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } }, pod);
    expect(p.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    const n = smp({ spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } }, { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] } }, node);
    expect(n.spec.taints).toEqual([{ key: 'b', effect: 'NoExecute' }]);
  });
  it('finalizers: a merged list of scalars (union), and $deleteFromPrimitiveList removes', () => {
    const o = { metadata: { finalizers: ['a', 'b'] } };
    expect(smp(o, { metadata: { finalizers: ['b', 'c'] } }, pod).metadata.finalizers).toEqual(['a', 'b', 'c']);
    expect(smp(o, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, pod).metadata.finalizers).toEqual(['b']);
  });
  it('pod status conditions merge by type (what the kubelet sends)', () => {
    const o = { status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } };
    const p = { metadata: { uid: 'u' }, status: { '$setElementOrder/conditions': [{ type: 'Ready' }, { type: 'PodScheduled' }], conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(smp(o, p, pod)).toEqual({ metadata: { uid: 'u' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] } });
  });
  it("a Deployment's strategy is retainKeys: kubectl apply switching to Recreate drops rollingUpdate", () => {
    const o = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } };
    const p = { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } };
    expect(smp(o, p, deployment)).toEqual({ spec: { strategy: { type: 'Recreate' } } });
  });
  it('$patch: replace on a container list and $patch: delete on an element', () => {
    const o = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
    expect(smp(o, { spec: { containers: [{ name: 'c', image: 'z' }, { $patch: 'replace' }] } }, pod).spec.containers).toEqual([{ name: 'c', image: 'z' }]);
    expect(smp(o, { spec: { containers: [{ name: 'a', $patch: 'delete' }] } }, pod).spec.containers).toEqual([{ name: 'b', image: 'y' }]);
  });
  it('an unknown field with a map on both sides is an error naming the Go struct', () => {
    expect(() => smp({ spec: { bogus: { a: 1 } } }, { spec: { bogus: { a: 2 } } }, pod)).toThrow('unable to find api field in struct PodSpec for the json field "bogus"');
  });
});

describe("Go's sort.SliceStable", () => {
  it('is stable and sorts like Go for a consistent order, at any length', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 100 }), (xs) => {
        const items = xs.map((v, i) => ({ v, i }));
        sliceStable(items, (a, b) => a.v < b.v);
        expect(items).toEqual(xs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i));
      }),
    );
  });
});

describe('property: without lists, a strategic merge patch is a JSON merge patch', () => {
  // Objects of objects and scalars, no arrays and no "$" keys: SMP has nothing to do but RFC 7386.
  const key = fc.constantFrom('a', 'b', 'c', 'name', 'value', 'other');
  const scalar = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean());
  const { tree } = fc.letrec((tie) => ({ tree: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, scalar, tie('tree')), { maxKeys: 4 }) }));
  const { patch } = fc.letrec((tie) => ({ patch: fc.dictionary(key, fc.oneof({ depthSize: 'small' }, scalar, fc.constant(null), tie('patch')), { maxKeys: 4 }) }));
  // A schema of structs all the way down (any field name, no strategies), like an untagged Go type.
  const open = { lookupPatchMetadataForStruct: () => [open, { patchStrategies: [''], patchMergeKey: '' }], lookupPatchMetadataForSlice: () => [open, { patchStrategies: [''], patchMergeKey: '' }], name: () => 'struct' } as any;
  it('StrategicMergePatch(o, p) == MergePatch(o, p)', () => {
    fc.assert(
      fc.property(tree, patch, (o, p) => {
        expect(strategicMergePatch(o, p, open)).toEqual(mergePatch(o, p));
      }),
      { numRuns: 500 },
    );
  });
});

describe("Go's fmt, as the error texts print values", () => {
  it.each([
    [{ b: 1, a: 'x', c: [true, null] }, 'map[a:x b:1 c:[true <nil>]]'],
    [1.5, '1.5'],
    [1234567.5, '1.2345675e+06'],
    [0.00001, '1e-05'],
    [123456.5, '123456.5'],
  ])('%j → %s', (v, want) => expect(goFormat(v)).toBe(want));
  it('%s of what is not a string', () => {
    expect(goFormat(1, 's')).toBe('%!s(int64=1)');
    expect(goFormat(true, 's')).toBe('%!s(bool=true)');
    expect(goFormat(null, 's')).toBe('%!s(<nil>)');
  });
});
