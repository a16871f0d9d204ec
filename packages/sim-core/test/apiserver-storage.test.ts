/**
 * Storage and quota through the simulated cluster, as a client sees them over the API: k3s's
 * default StorageClass, StorageClass and PersistentVolumeClaim defaulting and validation in the
 * apiserver's words, DefaultStorageClass admission, the PV controller's events on Pending claims,
 * the resource quota controller's status and the ResourceQuota admission plugin's refusal.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FRONT_DOOR_RESPONSE, makeFrontDoor } from '../src/client/front-door';
import { Simulation } from '../src/kernel/simulation';
import { ms, seconds } from '../src/kernel/time';
import { ADMIN_CERT } from '../src/scenarios/tower-fleet';

const CLIENT = 'laptop/test-client';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

function lab() {
  const sim = new Simulation('tower-fleet', { seed: 5, setup: (k, b) => k.spawn('laptop', 'test-client', makeFrontDoor(b.processes.apiserver, '127.0.0.1')) });
  sim.runUntil(seconds(1));
  let next = 1;
  const call = (method: string, path: string, body?: unknown, accept = 'application/json') => {
    const reqId = next++;
    sim.addInput({ atUs: sim.now, type: 'command', to: CLIENT, kind: 'http', payload: { reqId, realConn: 'c1', remote: '10.89.97.10:5000', method, path, headers: { Accept: accept, 'Content-Type': 'application/json' }, ...(body !== undefined ? { body } : {}), cert: ADMIN_CERT } });
    const find = () => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === reqId);
    let res = undefined as ReturnType<typeof find>;
    for (let i = 0; i < 200 && !(res = find()); i++) sim.runFor(ms(10));
    return (res?.data ?? { status: 0, body: undefined }) as { status: number; body: any };
  };
  const eventsFor = (ns: string, name: string) => (call('GET', `/api/v1/namespaces/${ns}/events`).body.items as any[]).filter((e) => e.involvedObject.name === name && e.involvedObject.kind === 'PersistentVolumeClaim');
  return { sim, call, eventsFor };
}

const pvc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec });
const rwo10 = (extra: Record<string, unknown> = {}) => ({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, ...extra });

describe('storage: StorageClasses, PersistentVolumeClaims, the PV controller', () => {
  it("k3s's local-path is the default class, as its manifest and the deploy controller write it", () => {
    const { call } = lab();
    const sc = call('GET', '/apis/storage.k8s.io/v1/storageclasses/local-path');
    expect(sc.status).toBe(200);
    expect(sc.body).toMatchObject({ provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' });
    const a = sc.body.metadata.annotations;
    expect(a).toMatchObject({ defaultVolumeType: 'local', 'storageclass.kubernetes.io/is-default-class': 'true', 'objectset.rio.cattle.io/id': '', 'objectset.rio.cattle.io/owner-gvk': 'k3s.cattle.io/v1, Kind=Addon', 'objectset.rio.cattle.io/owner-name': 'local-storage', 'objectset.rio.cattle.io/owner-namespace': 'kube-system' });
    expect(sc.body.metadata.labels).toEqual({ 'objectset.rio.cattle.io/hash': '183f35c65ffbc3064603f43f1580d8c68a2dabd4' });
    // The applied annotation is gzip + raw base64 of the applied object (keys sorted).
    const applied = JSON.parse(gunzipSync(Buffer.from(a['objectset.rio.cattle.io/applied'], 'base64')).toString());
    expect(applied).toMatchObject({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'rancher.io/local-path', metadata: { name: 'local-path', labels: { 'objectset.rio.cattle.io/hash': '183f35c65ffbc3064603f43f1580d8c68a2dabd4' } } });
    expect(a['objectset.rio.cattle.io/applied']).toMatch(/^H4sIAAAAAAAA\/[A-Za-z0-9+/]+$/);
  });

  it('a StorageClass is defaulted (Delete, Immediate) and printed as upstream; a missing provisioner is refused', () => {
    const { call } = lab();
    const created = call('POST', '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'longhorn-ssd' }, provisioner: 'driver.longhorn.io', parameters: { numberOfReplicas: '2', staleReplicaTimeout: '30' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    const table = call('GET', '/apis/storage.k8s.io/v1/storageclasses', undefined, TABLE).body;
    expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
    expect(table.rows.map((r: any) => r.cells.slice(0, 5))).toEqual([
      ['local-path (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false],
      ['longhorn-ssd', 'driver.longhorn.io', 'Delete', 'Immediate', false],
    ]);
    const bad = call('POST', '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nope' }, reclaimPolicy: 'Recycle' });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toBe('StorageClass.storage.k8s.io "nope" is invalid: [provisioner: Required value, reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"]');
  });

  it("claims: validation and decoding in the apiserver's words", () => {
    const { call } = lab();
    const empty = call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('bad', {}));
    expect(empty.status).toBe(422);
    expect(empty.body.message).toBe('PersistentVolumeClaim "bad" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]');
    const mode = call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('bad', rwo10({ accessModes: ['ReadWriteSometimes'] })));
    expect(mode.body.message).toBe('PersistentVolumeClaim "bad" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"');
    const zero = call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('bad', rwo10({ resources: { requests: { storage: '0' } } })));
    expect(zero.body.message).toBe('PersistentVolumeClaim "bad" is invalid: spec.resources[storage]: Invalid value: "0": must be greater than zero');
    const gb = call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('bad', rwo10({ resources: { requests: { storage: '10GB' } } })));
    expect(gb.status).toBe(400);
    expect(gb.body.message).toBe(`PersistentVolumeClaim in version "v1" cannot be handled as a PersistentVolumeClaim: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    expect(call('GET', '/api/v1/namespaces/default/persistentvolumeclaims/bad').status).toBe(404);
  });

  it('a claim without a class gets local-path (DefaultStorageClass), is Pending and waits for its first consumer', () => {
    const { sim, call, eventsFor } = lab();
    const c = call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('cache', rwo10({ resources: { requests: { storage: '1024Mi' } } })));
    expect(c.status).toBe(201);
    expect(c.body.spec).toMatchObject({ storageClassName: 'local-path', volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } } });
    expect(c.body.status).toEqual({ phase: 'Pending' });
    sim.runFor(seconds(1));
    const evs = eventsFor('default', 'cache');
    expect(evs.map((e) => [e.type, e.reason, e.message, e.source.component])).toEqual([['Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding', 'persistentvolume-controller']]);
    // The controller resyncs every 15 s: the same event again, counted.
    sim.runFor(seconds(31));
    expect(eventsFor('default', 'cache')[0].count).toBe(3);
    const table = call('GET', '/api/v1/namespaces/default/persistentvolumeclaims', undefined, TABLE).body;
    expect(table.columnDefinitions.map((x: any) => x.name)).toEqual(['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode']);
    expect(table.rows[0].cells.slice(0, 7)).toEqual(['cache', 'Pending', '', '', '', 'local-path', '<unset>']);
  });

  it('an external provisioner that is not running: the claim is annotated and waits (ExternalProvisioning); a missing class is ProvisioningFailed', () => {
    const { sim, call, eventsFor } = lab();
    call('POST', '/apis/storage.k8s.io/v1/storageclasses', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'longhorn-ssd' }, provisioner: 'driver.longhorn.io' });
    expect(call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('postgres-data', rwo10({ storageClassName: 'longhorn-ssd' }))).status).toBe(201);
    expect(call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('old-data', rwo10({ storageClassName: 'longhorn' }))).status).toBe(201);
    sim.runFor(seconds(1));
    const got = call('GET', '/api/v1/namespaces/default/persistentvolumeclaims/postgres-data').body;
    expect(got.metadata.annotations).toEqual({ 'volume.beta.kubernetes.io/storage-provisioner': 'driver.longhorn.io', 'volume.kubernetes.io/storage-provisioner': 'driver.longhorn.io' });
    expect(got.status.phase).toBe('Pending');
    const ext = eventsFor('default', 'postgres-data');
    expect(ext.map((e) => [e.type, e.reason, e.message])).toEqual([['Normal', 'ExternalProvisioning', "Waiting for a volume to be created either by the external provisioner 'driver.longhorn.io' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."]]);
    expect(ext[0].involvedObject.resourceVersion).toBe(got.metadata.resourceVersion);
    expect(eventsFor('default', 'old-data').map((e) => [e.type, e.reason, e.message])).toEqual([['Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "longhorn" not found']]);
  });
});

describe('ResourceQuota: the controller fills status, admission refuses what would exceed it', () => {
  it('persistentvolumeclaims and requests.storage: used/hard kept, the 6th claim refused in upstream words', () => {
    const { sim, call } = lab();
    expect(call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'my-app' } }).status).toBe(201);
    const q = call('POST', '/api/v1/namespaces/my-app/resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'storage-quota', namespace: 'my-app' }, spec: { hard: { 'requests.storage': '50Gi', persistentvolumeclaims: '5' } } });
    expect(q.status).toBe(201);
    expect(q.body.status).toEqual({});
    sim.runFor(seconds(1));
    expect(call('GET', '/api/v1/namespaces/my-app/resourcequotas/storage-quota').body.status).toEqual({ hard: { persistentvolumeclaims: '5', 'requests.storage': '50Gi' }, used: { persistentvolumeclaims: '0', 'requests.storage': '0' } });
    for (let i = 1; i <= 5; i++) expect(call('POST', '/api/v1/namespaces/my-app/persistentvolumeclaims', pvc(`data-${i}`, rwo10())).status).toBe(201);
    const sixth = call('POST', '/api/v1/namespaces/my-app/persistentvolumeclaims', pvc('data-6', rwo10()));
    expect(sixth.status).toBe(403);
    expect(sixth.body).toMatchObject({ reason: 'Forbidden', details: { name: 'data-6', kind: 'persistentvolumeclaims' } });
    expect(sixth.body.message).toBe('persistentvolumeclaims "data-6" is forbidden: exceeded quota: storage-quota, requested: persistentvolumeclaims=1,requests.storage=10Gi, used: persistentvolumeclaims=5,requests.storage=50Gi, limited: persistentvolumeclaims=5,requests.storage=50Gi');
    const table = call('GET', '/api/v1/namespaces/my-app/resourcequotas', undefined, TABLE).body;
    expect(table.columnDefinitions.map((x: any) => x.name)).toEqual(['Name', 'Request', 'Limit', 'Age']);
    expect(table.rows[0].cells.slice(0, 3)).toEqual(['storage-quota', 'persistentvolumeclaims: 5/5, requests.storage: 50Gi/50Gi', '']);
    // Deleting a claim gives its share back (the controller's replenishment), and the next fits.
    expect(call('DELETE', '/api/v1/namespaces/my-app/persistentvolumeclaims/data-1').status).toBe(200);
    sim.runFor(seconds(1));
    expect(call('GET', '/api/v1/namespaces/my-app/resourcequotas/storage-quota').body.status.used).toEqual({ persistentvolumeclaims: '4', 'requests.storage': '40Gi' });
    expect(call('POST', '/api/v1/namespaces/my-app/persistentvolumeclaims', pvc('data-6', rwo10({ resources: { requests: { storage: '5Gi' } } }))).status).toBe(201);
  });

  it('two creates racing for the last unit: the second quota write conflicts, is checked again with the fresh quota, and refused', () => {
    const { sim, call } = lab();
    call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'race' } });
    call('POST', '/api/v1/namespaces/race/resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'one' }, spec: { hard: { persistentvolumeclaims: '1' } } });
    sim.runFor(seconds(1));
    // Both requests arrive before either quota write has come back from etcd.
    for (const [reqId, name] of [[901, 'a'], [902, 'b']] as const) sim.addInput({ atUs: sim.now, type: 'command', to: CLIENT, kind: 'http', payload: { reqId, realConn: `r${reqId}`, remote: '10.89.97.10:5000', method: 'POST', path: '/api/v1/namespaces/race/persistentvolumeclaims', headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: pvc(name, rwo10()), cert: ADMIN_CERT } });
    sim.runFor(seconds(1));
    const res = (id: number) => sim.trace.entries.find((e) => e.type === 'note' && e.kind === FRONT_DOOR_RESPONSE && (e.data as { reqId: number }).reqId === id)!.data as { status: number; body: any };
    expect([res(901).status, res(902).status].sort()).toEqual([201, 403]);
    const refused = [res(901), res(902)].find((r) => r.status === 403)!;
    expect(refused.body.message).toMatch(/^persistentvolumeclaims "[ab]" is forbidden: exceeded quota: one, requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: persistentvolumeclaims=1$/);
    expect(call('GET', '/api/v1/namespaces/race/resourcequotas/one').body.status.used).toEqual({ persistentvolumeclaims: '1' });
  });

  it('pods: a quota on requests.cpu needs every container to ask, and counts pods', () => {
    const { sim, call } = lab();
    call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    call('POST', '/api/v1/namespaces/team/resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '1', 'requests.cpu': '500m', 'requests.memory': '1Gi' } } });
    sim.runFor(seconds(1));
    const pod = (name: string, requests?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { schedulerName: 'manual', containers: [{ name: 'app', image: 'nginx:1.27', ...(requests ? { resources: { requests } } : {}) }] } });
    const bare = call('POST', '/api/v1/namespaces/team/pods', pod('bare'));
    expect(bare.status).toBe(403);
    expect(bare.body.message).toBe('pods "bare" is forbidden: failed quota: compute: must specify requests.cpu for: app; requests.memory for: app');
    expect(call('POST', '/api/v1/namespaces/team/pods', pod('one', { cpu: '300m', memory: '512Mi' })).status).toBe(201);
    const two = call('POST', '/api/v1/namespaces/team/pods', pod('two', { cpu: '300m', memory: '512Mi' }));
    expect(two.body.message).toBe('pods "two" is forbidden: exceeded quota: compute, requested: pods=1,requests.cpu=300m, used: pods=1,requests.cpu=300m, limited: pods=1,requests.cpu=500m');
    expect(call('GET', '/api/v1/namespaces/team/resourcequotas/compute').body.status.used).toEqual({ pods: '1', 'requests.cpu': '300m', 'requests.memory': '512Mi' });
  });
});

describe('StorageObjectInUseProtection: the pvc-protection finalizer and its controller', () => {
  it('a claim is created with kubernetes.io/pvc-protection; deleted, it goes once no scheduled pod uses it', () => {
    const { sim, call } = lab();
    const c = call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('held', rwo10()));
    expect(c.body.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    // A pod on a node that uses the claim (schedulerName manual: the test binds it).
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user' }, spec: { schedulerName: 'manual', nodeName: 'k3s-worker-9', containers: [{ name: 'app', image: 'nginx:1.27' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'held' } }] } };
    expect(call('POST', '/api/v1/namespaces/default/pods', pod).status).toBe(201);
    const del = call('DELETE', '/api/v1/namespaces/default/persistentvolumeclaims/held');
    expect(del.status).toBe(200);
    sim.runFor(seconds(1));
    const kept = call('GET', '/api/v1/namespaces/default/persistentvolumeclaims/held');
    expect(kept.status).toBe(200);
    expect(kept.body.metadata.deletionTimestamp).toBeDefined();
    expect(kept.body.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expect(call('DELETE', '/api/v1/namespaces/default/pods/user?gracePeriodSeconds=0').status).toBe(200);
    sim.runFor(seconds(1));
    expect(call('GET', '/api/v1/namespaces/default/persistentvolumeclaims/held').status).toBe(404);
  });
});

describe('namespace deletion takes claims and quotas with it', () => {
  it('the namespace controller deletes them (the claim through its protection finalizer) and the namespace goes', () => {
    const { sim, call } = lab();
    call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    call('POST', '/api/v1/namespaces/gone/resourcequotas', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { persistentvolumeclaims: '2' } } });
    sim.runFor(seconds(1));
    expect(call('POST', '/api/v1/namespaces/gone/persistentvolumeclaims', pvc('x', rwo10())).status).toBe(201);
    expect(call('DELETE', '/api/v1/namespaces/gone').status).toBe(200);
    sim.runFor(seconds(30));
    expect(call('GET', '/api/v1/namespaces/gone/persistentvolumeclaims/x').status).toBe(404);
    expect(call('GET', '/api/v1/namespaces/gone').status).toBe(404);
  });
});
