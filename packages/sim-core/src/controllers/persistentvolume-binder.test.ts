import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../objects/meta';
import { syncClaim } from './persistentvolume-binder';

const classes: Record<string, KubeObject> = {
  'local-path': { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' } as KubeObject,
  'longhorn-ssd': { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'longhorn-ssd' }, provisioner: 'driver.longhorn.io', volumeBindingMode: 'Immediate' } as KubeObject,
  legacy: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'legacy' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' } as KubeObject,
};
const claim = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default', uid: 'u1', ...(annotations ? { annotations } : {}) }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec }, status: { phase: 'Pending' } });
const events = (actions: ReturnType<typeof syncClaim>) => actions.map((a) => (a.type === 'event' ? `${a.eventType} ${a.reason}: ${a.message}` : 'update'));

describe('PV controller, unbound claims (syncUnboundClaim)', () => {
  it('WaitForFirstConsumer: no pod yet, then an unscheduled pod names it', () => {
    expect(events(syncClaim(claim({ storageClassName: 'local-path' }), classes, []))).toEqual(['Normal WaitForFirstConsumer: waiting for first consumer to be created before binding']);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default' }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } } as KubeObject;
    expect(events(syncClaim(claim({ storageClassName: 'local-path' }), classes, [pod]))).toEqual(['Normal WaitForPodScheduled: waiting for pod web-0 to be scheduled']);
    // Once the scheduler has picked a node (selected-node), the claim is provisioned like an Immediate one.
    expect(events(syncClaim(claim({ storageClassName: 'local-path' }, { 'volume.kubernetes.io/selected-node': 'k3s-worker-1' }), classes, []))).toEqual(['update', "Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."]);
  });
  it('an external provisioner: annotate once, then only the event', () => {
    const first = syncClaim(claim({ storageClassName: 'longhorn-ssd' }), classes, []);
    expect(first[0]).toMatchObject({ type: 'update-claim', claim: { metadata: { annotations: { 'volume.beta.kubernetes.io/storage-provisioner': 'driver.longhorn.io', 'volume.kubernetes.io/storage-provisioner': 'driver.longhorn.io' } } } });
    expect(events(syncClaim(claim({ storageClassName: 'longhorn-ssd' }, { 'volume.kubernetes.io/storage-provisioner': 'driver.longhorn.io' }), classes, []))).toEqual(["Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'driver.longhorn.io' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."]);
  });
  it('a class that does not exist, an in-tree provisioner the controller lacks, and no class at all', () => {
    expect(events(syncClaim(claim({ storageClassName: 'longhorn' }), classes, []))).toEqual(['Warning ProvisioningFailed: storageclass.storage.k8s.io "longhorn" not found']);
    expect(events(syncClaim(claim({ storageClassName: 'legacy' }), classes, []))).toEqual(['Warning ProvisioningFailed: no provisionable volume plugin matched']);
    expect(events(syncClaim(claim({ storageClassName: '' }), classes, []))).toEqual(['Normal FailedBinding: no persistent volumes available for this claim and no storage class is set']);
  });
  it('a claim without a class gets the default one (retroactive assignment); bound claims are left alone', () => {
    const upd = syncClaim(claim({}), classes, []);
    expect(upd).toMatchObject([{ type: 'update-claim', claim: { spec: { storageClassName: 'local-path' } } }]);
    expect(syncClaim(claim({ volumeName: 'pv1', storageClassName: 'longhorn' }, { 'pv.kubernetes.io/bind-completed': 'yes' }), classes, [])).toEqual([]);
  });
});
