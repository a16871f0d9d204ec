import { describe, expect, it } from 'vitest';
import { applyMutation, defaultPod, mergePatch } from './rmw';

// RFC 7386 Appendix A, the merge-patch examples.
describe('JSON merge patch (RFC 7386 appendix A)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, want) => expect(mergePatch(target, patch)).toEqual(want));
});

describe('pod defaulting', () => {
  it('fills what v1 defaulting and admission fill', () => {
    const p: any = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'nginx:1.27' }] } };
    defaultPod(p);
    expect(p.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', serviceAccountName: 'default', enableServiceLinks: true, priority: 0 });
    expect(p.spec.containers.map((c: any) => c.imagePullPolicy)).toEqual(['Always', 'IfNotPresent']);
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    expect(p.status.phase).toBe('Pending');
  });

  it('graceful delete: bound pods get a deletion timestamp; unbound ones go at once', () => {
    const now = Date.parse('2025-11-09T12:00:00Z');
    const bound: any = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { nodeName: 'n', terminationGracePeriodSeconds: 45 }, status: { phase: 'Running' } };
    const r = applyMutation(bound, { kind: 'graceful-delete', graceSeconds: null }, now);
    expect(r.ok && !r.delete && r.object.metadata.deletionTimestamp).toBe('2025-11-09T12:00:45Z');
    const unbound = applyMutation({ ...bound, spec: {} }, { kind: 'graceful-delete', graceSeconds: null }, now);
    expect(unbound.ok && unbound.delete).toBe(true);
  });
});
