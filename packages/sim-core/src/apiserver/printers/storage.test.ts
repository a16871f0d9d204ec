import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { accessModesAsString, printPersistentVolume, printPersistentVolumeClaim, printResourceQuota, printStorageClass } from './storage';

// Cells as pkg/printers/internalversion/printers.go (v1.33.3) computes them; Add(1.9e9) prints "0s".
const now = Date.parse('2025-11-09T12:00:00Z');
const soon = new Date(now + 1900).toISOString();
const o = (kind: string, name: string, rest: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name, creationTimestamp: soon, ...meta }, ...rest });

describe('storage printers', () => {
  it('GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, duplicates once', () => {
    expect(accessModesAsString(['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'])).toBe('RWO,RWX');
    expect(accessModesAsString(['ReadWriteOncePod', 'ReadOnlyMany'])).toBe('ROX,RWOP');
  });
  it('printPersistentVolumeClaim: capacity and modes only once bound; Terminating while deleted; the beta class annotation first', () => {
    const pending = o('PersistentVolumeClaim', 'data', { spec: { storageClassName: 'longhorn-ssd', volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } } }, status: { phase: 'Pending' } });
    expect(printPersistentVolumeClaim(pending, now)).toEqual(['data', 'Pending', '', '', '', 'longhorn-ssd', '<unset>', '0s', 'Filesystem']);
    const bound = o('PersistentVolumeClaim', 'data', { spec: { volumeName: 'pvc-1', storageClassName: 'x' }, status: { phase: 'Bound', capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'] } }, { annotations: { 'volume.beta.kubernetes.io/storage-class': 'beta' }, deletionTimestamp: soon });
    expect(printPersistentVolumeClaim(bound, now)).toEqual(['data', 'Terminating', 'pvc-1', '1Gi', 'RWO', 'beta', '<unset>', '0s', '<unset>']);
  });
  it('printPersistentVolume: claim as namespace/name', () => {
    const pv = o('PersistentVolume', 'pv1', { spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'manual', volumeMode: 'Filesystem' }, status: { phase: 'Bound' } });
    expect(printPersistentVolume(pv, now)).toEqual(['pv1', '5Gi', 'RWO', 'Retain', 'Bound', 'default/data', 'manual', '<unset>', '', '0s', 'Filesystem']);
  });
  it('printStorageClass: "(default)" after the name of a default class (GA or beta annotation), defaults when unset', () => {
    expect(printStorageClass(o('StorageClass', 'sc1', { provisioner: 'kubernetes.io/glusterfs' }), now)).toEqual(['sc1', 'kubernetes.io/glusterfs', 'Delete', 'Immediate', false, '0s']);
    expect(printStorageClass(o('StorageClass', 'old', { provisioner: 'p', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true }, { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }), now)).toEqual(['old (default)', 'p', 'Retain', 'WaitForFirstConsumer', true, '0s']);
  });
  it('printResourceQuota: used/hard by name, limits.* in LIMIT, a missing used is 0', () => {
    const rq = o('ResourceQuota', 'compute', { status: { hard: { 'limits.memory': '2Gi', pods: '10', 'requests.cpu': '1' }, used: { pods: '3', 'requests.cpu': '500m' } } });
    expect(printResourceQuota(rq, now)).toEqual(['compute', 'pods: 3/10, requests.cpu: 500m/1', 'limits.memory: 0/2Gi', '0s']);
  });
});
