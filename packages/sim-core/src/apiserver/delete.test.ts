import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../objects/meta';
import { deletedResponse, deleteOptionsFrom, deleteStrategyFor, planDelete, planNamespaceDelete, shouldDeleteDuringUpdate, validateDeleteOptions } from './delete';
import { errorText } from './validation/field';

const NOW = Date.parse('2025-11-09T12:00:00Z');
const apps = deleteStrategyFor('apps', 'deployments');
const pods = deleteStrategyFor('', 'pods');
const core = deleteStrategyFor('', 'configmaps');

const deploy = (extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '7', generation: 3, ...extra }, spec: {} });
const pod = (extra: Partial<KubeObject['metadata']> = {}, spec: Record<string, unknown> = { nodeName: 'n1', terminationGracePeriodSeconds: 30 }): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'p-1', resourceVersion: '9', generation: 1, ...extra }, spec, status: { phase: 'Running' } });

describe('DeleteOptions (handlers/delete.go, ValidateDeleteOptions)', () => {
  it('come from a non-empty body, else from the query', () => {
    const q = new URLSearchParams('propagationPolicy=Orphan&gracePeriodSeconds=5');
    expect(deleteOptionsFrom({ propagationPolicy: 'Foreground' }, q)).toEqual({ ok: true, options: { propagationPolicy: 'Foreground' } });
    expect(deleteOptionsFrom(undefined, q)).toEqual({ ok: true, options: { propagationPolicy: 'Orphan', gracePeriodSeconds: 5 } });
    expect(deleteOptionsFrom(undefined, new URLSearchParams('gracePeriodSeconds=soon'))).toEqual({ ok: false, message: 'strconv.ParseInt: parsing "soon": invalid syntax' });
  });

  it('refuse orphanDependents with a propagation policy, and unknown policies', () => {
    expect(validateDeleteOptions({ orphanDependents: true, propagationPolicy: 'Orphan' }).map(errorText)).toEqual(['propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set']);
    expect(validateDeleteOptions({ propagationPolicy: 'Sideways' }).map(errorText)).toEqual(['propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"']);
  });
});

describe('Store.Delete (store.go, rest/delete.go)', () => {
  it('Background (apps/v1 default): gone at once; Foreground and Orphan: marked with their finalizer', () => {
    expect(planDelete(deploy(), {}, apps, NOW)).toMatchObject({ ok: true, action: 'delete' });
    expect(planDelete(deploy(), { propagationPolicy: 'Background' }, apps, NOW)).toMatchObject({ ok: true, action: 'delete' });
    const fg = planDelete(deploy(), { propagationPolicy: 'Foreground' }, apps, NOW);
    expect(fg.ok && fg.action).toBe('update');
    expect(fg.ok && fg.object.metadata).toMatchObject({ finalizers: ['foregroundDeletion'], deletionTimestamp: '2025-11-09T12:00:00Z', deletionGracePeriodSeconds: 0, generation: 4 });
    const orphan = planDelete(deploy(), { propagationPolicy: 'Orphan' }, apps, NOW);
    expect(orphan.ok && orphan.object.metadata.finalizers).toEqual(['orphan']);
    // orphanDependents=false is not a foreground request (shouldDeleteDependents).
    expect(planDelete(deploy(), { orphanDependents: false }, apps, NOW)).toMatchObject({ ok: true, action: 'delete' });
  });

  it('a later Background delete of an object waiting in the foreground takes the finalizer away and deletes it', () => {
    const waiting = deploy({ finalizers: ['foregroundDeletion'], deletionTimestamp: '2025-11-09T11:59:00Z', deletionGracePeriodSeconds: 0 });
    expect(planDelete(waiting, { propagationPolicy: 'Background' }, apps, NOW)).toMatchObject({ ok: true, action: 'delete' });
    // Without a policy, its finalizer says Foreground: nothing changes.
    expect(planDelete(waiting, {}, apps, NOW)).toMatchObject({ ok: true, action: 'unchanged' });
  });

  it('other finalizers keep the object: marked once, then left as it is', () => {
    const held = planDelete(deploy({ finalizers: ['example.com/hold'] }), {}, core, NOW);
    expect(held.ok && held.action).toBe('update');
    expect(held.ok && held.object.metadata.deletionTimestamp).toBe('2025-11-09T12:00:00Z');
    const again = planDelete(held.ok ? held.object : deploy(), {}, core, NOW + 60_000);
    expect(again.ok && again.action).toBe('unchanged');
  });

  it('preconditions: 409s worded with the Kind', () => {
    expect(planDelete(deploy(), { preconditions: { uid: 'other' } }, apps, NOW)).toEqual({ ok: false, code: 409, qualified: 'Deployment.apps', message: 'the UID in the precondition (other) does not match the UID in record (u-1). The object might have been deleted and then recreated' });
    expect(planDelete(deploy(), { preconditions: { resourceVersion: '6' } }, apps, NOW)).toEqual({ ok: false, code: 409, qualified: 'Deployment.apps', message: 'the ResourceVersion in the precondition (6) does not match the ResourceVersion in record (7). The object might have been modified' });
    expect(planDelete(pod(), { preconditions: { uid: 'x' } }, pods, NOW)).toMatchObject({ ok: false, qualified: 'Pod' });
  });

  it('pods: graceful, only a shorter grace period replaces a pending one, the final delete writes then removes', () => {
    const first = planDelete(pod(), {}, pods, NOW);
    expect(first.ok && first.action).toBe('update');
    const marked = first.ok ? first.object : pod();
    expect(marked.metadata).toMatchObject({ deletionTimestamp: '2025-11-09T12:00:30Z', deletionGracePeriodSeconds: 30, generation: 2 });
    expect(planDelete(marked, {}, pods, NOW + 1000)).toMatchObject({ ok: true, action: 'none' });
    expect(planDelete(marked, { gracePeriodSeconds: 45 }, pods, NOW + 1000)).toMatchObject({ ok: true, action: 'none' });
    const final = planDelete(marked, { gracePeriodSeconds: 0, preconditions: { uid: 'p-1' } }, pods, NOW + 2000);
    expect(final.ok && final.action).toBe('update-then-delete');
    expect(final.ok && final.object.metadata).toMatchObject({ deletionTimestamp: '2025-11-09T12:00:00Z', deletionGracePeriodSeconds: 0 });
    // Unscheduled pods go at once.
    expect(planDelete(pod({}, {}), {}, pods, NOW)).toMatchObject({ ok: true, action: 'update-then-delete' });
  });

  it('a pod with a finalizer stays after its final delete, until the finalizer goes', () => {
    const first = planDelete(pod({ finalizers: ['example.com/hold'] }), {}, pods, NOW);
    const marked = first.ok ? first.object : pod();
    const final = planDelete(marked, { gracePeriodSeconds: 0 }, pods, NOW);
    expect(final.ok && final.action).toBe('update');
    const stays = final.ok ? final.object : pod();
    expect(stays.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(shouldDeleteDuringUpdate(marked, { ...marked, metadata: { ...marked.metadata, finalizers: [] } }, false)).toBe(false);
    expect(shouldDeleteDuringUpdate(stays, { ...stays, metadata: { ...stays.metadata, finalizers: [] } }, false)).toBe(true);
  });

  it('a finished delete answers a Status, or the object where the store returns deleted objects', () => {
    expect(deletedResponse('apps', 'deployments', deploy())).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'web', group: 'apps', kind: 'deployments', uid: 'u-1' } });
    expect(deletedResponse('', 'configmaps', deploy())).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'web', kind: 'configmaps', uid: 'u-1' } });
    expect(deletedResponse('', 'pods', pod())).toMatchObject({ kind: 'Pod' });
  });
});

describe('namespace REST.Delete (pkg/registry/core/namespace/storage)', () => {
  const ns = (extra: Partial<KubeObject['metadata']> = {}, finalizers = ['kubernetes']): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', uid: 'n-1', resourceVersion: '3', ...extra }, spec: finalizers.length ? { finalizers } : {}, status: { phase: 'Active' } });

  it('marks it Terminating first, answers it while spec.finalizers remain, deletes it once they are gone', () => {
    const first = planNamespaceDelete(ns(), { propagationPolicy: 'Background' }, NOW);
    expect(first.ok && first.action).toBe('update');
    const term = first.ok ? first.object : ns();
    expect(term.status.phase).toBe('Terminating');
    expect(term.metadata.deletionTimestamp).toBe('2025-11-09T12:00:00Z');
    expect(term.metadata.finalizers).toBeUndefined();
    expect(planNamespaceDelete(term, {}, NOW)).toMatchObject({ ok: true, action: 'none' });
    expect(planNamespaceDelete({ ...term, spec: {} }, {}, NOW)).toMatchObject({ ok: true, action: 'delete' });
    expect(planNamespaceDelete(ns(), { propagationPolicy: 'Foreground' }, NOW)).toMatchObject({ ok: true, object: { metadata: { finalizers: ['foregroundDeletion'] } } });
  });

  it('its preconditions are worded by the namespace registry', () => {
    expect(planNamespaceDelete(ns(), { preconditions: { uid: 'x' } }, NOW)).toEqual({ ok: false, code: 409, qualified: 'namespaces', message: 'Precondition failed: UID in precondition: x, UID in object meta: n-1' });
  });

  it('the finalize that empties spec.finalizers deletes it (ShouldDeleteNamespaceDuringUpdate)', () => {
    const term = { ...ns({ deletionTimestamp: '2025-11-09T12:00:00Z' }), status: { phase: 'Terminating' } };
    expect(shouldDeleteDuringUpdate(term, { ...term, spec: {} }, true)).toBe(true);
    expect(shouldDeleteDuringUpdate(term, term, true)).toBe(false);
  });
});
