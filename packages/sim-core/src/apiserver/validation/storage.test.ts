import { describe, expect, it } from 'vitest';
import { defaultPersistentVolumeClaim, defaultResourceQuota, defaultStorageClass } from '../defaults';
import { aggregate } from './field';
import { quantityDecodeError, validatePersistentVolume, validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate } from './persistent-volume';
import { validateResourceQuota } from './resource-quota';
import { isQualifiedName, validateStorageClass } from './storage';

// Texts from pkg/apis/core/validation/validation.go, pkg/apis/storage/validation/validation.go and
// apimachinery's IsQualifiedName (v1.33), as `kubectl create` shows them after "is invalid: ".
const sc = (o: Record<string, unknown>) => {
  const x = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, ...o } as any;
  defaultStorageClass(x);
  const errs = validateStorageClass(x);
  return errs.length ? aggregate(errs) : '';
};
const pvc = (spec: Record<string, unknown>, name = 'data') => {
  const x = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec } as any;
  defaultPersistentVolumeClaim(x);
  const errs = validatePersistentVolumeClaim(x);
  return errs.length ? aggregate(errs) : '';
};
const rq = (hard: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const x = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard, ...extra } } as any;
  defaultResourceQuota(x);
  const errs = validateResourceQuota(x);
  return errs.length ? aggregate(errs) : '';
};

describe('StorageClass defaulting and validation', () => {
  it('SetDefaults_StorageClass: Delete and Immediate when unset, kept when set', () => {
    const x: any = { metadata: { name: 'a' }, provisioner: 'p', reclaimPolicy: 'Retain' };
    defaultStorageClass(x);
    expect([x.reclaimPolicy, x.volumeBindingMode]).toEqual(['Retain', 'Immediate']);
  });
  it('provisioner is required and a qualified name; reclaimPolicy and volumeBindingMode are enumerations', () => {
    expect(sc({})).toBe('provisioner: Required value');
    expect(sc({ provisioner: 'driver.longhorn.io' })).toBe('');
    expect(sc({ provisioner: 'a/b/c' })).toBe(`provisioner: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`);
    expect(sc({ provisioner: 'p', reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' })).toBe('[reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain", volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"]');
    expect(isQualifiedName('rancher.io/local-path')).toEqual([]);
    expect(isQualifiedName('/x')).toEqual(['prefix part must be non-empty']);
  });
});

describe('PersistentVolumeClaim defaulting and validation', () => {
  it('volumeMode Filesystem, status Pending, quantities canonical', () => {
    const x: any = { metadata: { name: 'a' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2048Mi' } } } };
    defaultPersistentVolumeClaim(x);
    expect(x.spec.volumeMode).toBe('Filesystem');
    expect(x.spec.resources.requests.storage).toBe('2Gi');
    expect(x.status).toEqual({ phase: 'Pending' });
  });
  it('access modes and the storage request, in upstream order and words', () => {
    expect(pvc({})).toBe('[spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]');
    expect(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } })).toBe('');
    expect(pvc({ accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'], resources: { requests: { storage: '1Gi' } } })).toBe('spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes');
    expect(pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '-1Gi' } } })).toBe('spec.resources[storage]: Invalid value: "-1Gi": must be greater than zero');
    expect(pvc({ accessModes: ['ReadWriteOnce'], volumeMode: 'Raw', resources: { requests: { storage: '1Gi' } } })).toBe('spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem"');
    expect(pvc({ accessModes: ['ReadWriteOnce'], storageClassName: 'Longhorn_SSD', resources: { requests: { storage: '1Gi' } } })).toBe(`spec.storageClassName: Invalid value: "Longhorn_SSD": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
  });
  it('a quantity that does not parse is a decode error before validation', () => {
    expect(quantityDecodeError('PersistentVolumeClaim', 'v1', { spec: { resources: { requests: { storage: '10GB' } } } })).toBe(`PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    expect(quantityDecodeError('ResourceQuota', 'v1', { spec: { hard: { pods: '10' } } })).toBeUndefined();
  });
  it('a PersistentVolume needs capacity, access modes and exactly one volume type', () => {
    expect(aggregate(validatePersistentVolume({ metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }))).toBe('spec: Required value: must specify a volume type');
    expect(validatePersistentVolume({ metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } } })).toEqual([]);
  });
});

describe('PersistentVolumeClaim updates', () => {
  const spec = (extra: Record<string, unknown>) => ({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } }, volumeName: 'mariadb-pv', volumeMode: 'Filesystem', ...extra });
  it('the spec is immutable: the error carries cmp.Diff of the specs (an ArgoCD sync against v1.3x printed exactly this)', () => {
    const errs = validatePersistentVolumeClaimUpdate({ metadata: { name: 'mariadb-pvc' }, spec: spec({}) }, { metadata: { name: 'mariadb-pvc' }, spec: spec({ storageClassName: 'manual' }) });
    expect(aggregate(errs)).toBe(
      [
        'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
        '  core.PersistentVolumeClaimSpec{',
        '  \t... // 2 identical fields',
        '  \tResources:        {Requests: {s"storage": {i: {...}, s: "2Gi", Format: "BinarySI"}}},',
        '  \tVolumeName:       "mariadb-pv",',
        '- \tStorageClassName: &"manual",',
        '+ \tStorageClassName: nil,',
        '  \tVolumeMode:       &"Filesystem",',
        '  \tDataSource:       nil,',
        '  \t... // 2 identical fields',
        '  }',
      ].join('\n'),
    );
  });
  it('a class where there was none, and a first volumeName, are allowed', () => {
    expect(validatePersistentVolumeClaimUpdate({ metadata: { name: 'a' }, spec: spec({ storageClassName: 'local-path' }) }, { metadata: { name: 'a' }, spec: spec({ volumeName: '' }) })).toEqual([]);
  });
});

describe('ResourceQuota validation', () => {
  it('standard quota names, qualified names, non-negative whole counts', () => {
    expect(rq({ 'requests.storage': '50Gi', persistentvolumeclaims: '5', 'count/deployments.apps': '2' })).toBe('');
    expect(rq({ storage: '1Gi' })).toBe('spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota');
    expect(rq({ foo: '1' })).toBe('[spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified, spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota]');
    expect(rq({ pods: '-1' })).toBe('spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0');
    expect(rq({ persistentvolumeclaims: '1.5' })).toBe('spec.hard[persistentvolumeclaims]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:"DecimalSI"}: must be an integer');
  });
  it('scopes must fit the resources and each other', () => {
    expect(rq({ pods: '2' }, { scopes: ['BestEffort', 'NotBestEffort'] })).toBe('spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes');
    expect(rq({ 'requests.storage': '1Gi' }, { scopes: ['Terminating'] })).toBe('spec.scopes: Invalid value: []core.ResourceQuotaScope{"Terminating"}: unsupported scope applied to resource');
  });
});
