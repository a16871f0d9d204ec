/**
 * The PATCH handler's choices (patch.ts): which Content-Type is which patch type — go-restful's
 * route match first, then patch.go's exact check — and the Status each failure becomes.
 */
import { describe, expect, it } from 'vitest';
import { mergePatchBodyError, negotiatePatchType, patchObject } from './patch';

describe('negotiatePatchType (installer.go Consumes, then patch.go)', () => {
  it.each([
    ['application/strategic-merge-patch+json', 'strategic-merge-patch'],
    ['application/merge-patch+json', 'merge-patch'],
    ['application/json-patch+json', 'json-patch'],
    ['application/merge-patch+json; charset=utf-8', 'merge-patch'],
  ])('%s → %s', (ct, type) => expect(negotiatePatchType(ct, true)).toEqual({ ok: true, type }));

  it.each(['application/json', 'application/yaml', '', undefined, 'Application/Merge-Patch+JSON', 'text/plain'])('%s: go-restful refuses the route', (ct) => {
    expect(negotiatePatchType(ct, true)).toEqual({ ok: false, status: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: '415: Unsupported Media Type', reason: 'UnsupportedMediaType', details: {}, code: 415 } });
  });

  it('a header go-restful accepts but patch.go does not (a list of types): patch.go\'s 415 with the accepted types', () => {
    const r = negotiatePatchType('application/merge-patch+json, text/plain', true);
    expect(r).toMatchObject({ ok: false, status: { code: 415, reason: 'UnsupportedMediaType', message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml' } });
  });

  it('server-side apply is not modelled: 415 naming the three patch types the lab takes', () => {
    const r = negotiatePatchType('application/apply-patch+yaml', true);
    expect(r).toMatchObject({ ok: false, status: { code: 415, message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json' } });
  });

  it('a kind without struct tags takes no strategic merge patch (as a custom resource)', () => {
    expect(negotiatePatchType('application/strategic-merge-patch+json', false)).toMatchObject({ ok: false, status: { code: 415, message: '415: Unsupported Media Type' } });
  });
});

describe('merge patch bodies that are not objects', () => {
  it('null or a scalar: 400 Invalid JSON Patch; an object: fine', () => {
    expect(mergePatchBodyError(null)).toMatchObject({ code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' });
    expect(mergePatchBodyError(3)).toMatchObject({ code: 400, message: 'Invalid JSON Patch' });
    expect(mergePatchBodyError(undefined)).toMatchObject({ code: 400, message: 'Invalid JSON Patch' });
    expect(mergePatchBodyError({ a: 1 })).toBeUndefined();
  });
  it('an array becomes the whole document, which does not decode: 422', () => {
    expect(mergePatchBodyError([1, null])).toMatchObject({ code: 422, reason: 'Invalid', message: expect.stringMatching(/^ "" is invalid: patch: Invalid value: "\[1,null\]": couldn't get version\/kind; json parse error: json: cannot unmarshal array into Go value of type struct/) });
  });
});

describe('patchObject', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1', resourceVersion: '10', creationTimestamp: '2025-11-09T12:00:00Z' }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, status: { phase: 'Pending' } } as any;
  const req = { qualified: 'pods', kind: 'Pod', group: '', goType: 'core.Pod' };
  it('what a patch cannot change comes from the stored object', () => {
    const r = patchObject(pod, { ...req, type: 'json-patch', patch: [{ op: 'replace', path: '/metadata/creationTimestamp', value: '2030-01-01T00:00:00Z' }, { op: 'remove', path: '/metadata/uid' }] });
    expect(r).toMatchObject({ ok: true, object: { metadata: { uid: 'u1', creationTimestamp: '2025-11-09T12:00:00Z' } } });
  });
  it('a namespace that differs from the request\'s: 400', () => {
    const r = patchObject(pod, { ...req, type: 'strategic-merge-patch', patch: { metadata: { namespace: 'other' } } });
    expect(r).toMatchObject({ ok: false, code: 400, status: { reason: 'BadRequest', message: 'the namespace of the provided object does not match the namespace sent on the request' } });
  });
  it('more than 10000 operations: 413', () => {
    const r = patchObject(pod, { ...req, type: 'json-patch', patch: Array.from({ length: 10001 }, () => ({ op: 'test', path: '/kind', value: 'Pod' })) });
    expect(r).toMatchObject({ ok: false, code: 413, status: { reason: 'RequestEntityTooLarge', message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001' } });
  });
  it('a JSON patch that leaves no object: 422 from the decoder', () => {
    const r = patchObject(pod, { ...req, type: 'json-patch', patch: [{ op: 'replace', path: '', value: 'x' }, { op: 'replace', path: '', value: [1] }] });
    expect(r).toMatchObject({ ok: false, code: 422, status: { reason: 'Invalid' } });
  });
  it('a resourceVersion that is not a number: 500 with the storage layer\'s words', () => {
    const r = patchObject(pod, { ...req, type: 'strategic-merge-patch', patch: { metadata: { resourceVersion: 'abc' } } });
    expect(r).toMatchObject({ ok: false, code: 500, status: { message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax' } });
  });
});
