import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { admitDefaultStorageClass, defaultStorageClass } from './default-storage-class';
import { checkQuotaRequest } from './resource-quota';

const quota = (hard: Record<string, string>, used?: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'storage-quota', namespace: 'my-app', resourceVersion: '7' }, spec: { hard, ...spec }, status: { hard, ...(used ? { used } : {}) } });
const claim = (name: string, storage = '10Gi', cls?: string): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'my-app' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...(cls !== undefined ? { storageClassName: cls } : {}) } });

describe('ResourceQuota admission (CheckRequest)', () => {
  it('charges a claim to the quota and hands back the new usage', () => {
    const r = checkQuotaRequest([quota({ 'requests.storage': '50Gi', persistentvolumeclaims: '5' }, { 'requests.storage': '0', persistentvolumeclaims: '0' })], 'persistentvolumeclaims', claim('a'), 0);
    expect(r.ok && r.updated.map((q) => q.status.used)).toEqual([{ persistentvolumeclaims: '1', 'requests.storage': '10Gi' }]);
  });
  it('refuses what would exceed a hard limit, naming only the exceeded resources', () => {
    const r = checkQuotaRequest([quota({ 'requests.storage': '50Gi', persistentvolumeclaims: '5' }, { 'requests.storage': '45Gi', persistentvolumeclaims: '2' })], 'persistentvolumeclaims', claim('a'), 0);
    expect(r).toEqual({ ok: false, message: 'exceeded quota: storage-quota, requested: requests.storage=10Gi, used: requests.storage=45Gi, limited: requests.storage=50Gi' });
  });
  it('a quota whose usage the controller has not computed yet refuses everything it tracks', () => {
    const r = checkQuotaRequest([quota({ 'requests.storage': '50Gi', persistentvolumeclaims: '5' })], 'persistentvolumeclaims', claim('a'), 0);
    expect(r).toEqual({ ok: false, message: 'status unknown for quota: storage-quota, resources: persistentvolumeclaims,requests.storage' });
  });
  it('per-class limits (<class>.storageclass.storage.k8s.io/…) count only that class', () => {
    const q = quota({ 'gold.storageclass.storage.k8s.io/requests.storage': '15Gi' }, { 'gold.storageclass.storage.k8s.io/requests.storage': '10Gi' });
    expect(checkQuotaRequest([q], 'persistentvolumeclaims', claim('a', '10Gi', 'silver'), 0)).toEqual({ ok: true, updated: [] });
    expect(checkQuotaRequest([q], 'persistentvolumeclaims', claim('b', '10Gi', 'gold'), 0)).toMatchObject({ ok: false, message: 'exceeded quota: storage-quota, requested: gold.storageclass.storage.k8s.io/requests.storage=10Gi, used: gold.storageclass.storage.k8s.io/requests.storage=10Gi, limited: gold.storageclass.storage.k8s.io/requests.storage=15Gi' });
  });
  it('a quota with scopes never matches a claim (VolumeAttributesClass gate off in v1.33); BestEffort scope matches pods without requests', () => {
    const pod = (requests?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'my-app' }, spec: { containers: [{ name: 'c', image: 'x', ...(requests ? { resources: { requests } } : {}) }] } });
    const be = quota({ pods: '1' }, { pods: '1' }, { scopes: ['BestEffort'] });
    expect(checkQuotaRequest([be], 'pods', pod(), 0)).toMatchObject({ ok: false });
    expect(checkQuotaRequest([be], 'pods', pod({ cpu: '100m' }), 0)).toEqual({ ok: true, updated: [] });
  });
});

describe('DefaultStorageClass admission', () => {
  const sc = (name: string, created: string, isDefault: boolean): KubeObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name, creationTimestamp: created, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) } });
  it('the newest default wins, then the name', () => {
    expect(defaultStorageClass([sc('a', '2025-01-01T00:00:00Z', true), sc('b', '2025-02-01T00:00:00Z', true), sc('c', '2026-01-01T00:00:00Z', false)])!.metadata.name).toBe('b');
    expect(defaultStorageClass([sc('z', '2025-01-01T00:00:00Z', true), sc('y', '2025-01-01T00:00:00Z', true)])!.metadata.name).toBe('y');
  });
  it('a claim that names a class, even "", keeps it', () => {
    const classes = [sc('local-path', '2025-01-01T00:00:00Z', true)];
    const none = claim('x', '1Gi', '');
    expect(admitDefaultStorageClass(none, classes)).toBeUndefined();
    expect(none.spec.storageClassName).toBe('');
    const bare = claim('y');
    expect(admitDefaultStorageClass(bare, classes)).toBe('local-path');
    expect(bare.spec.storageClassName).toBe('local-path');
  });
});
