/**
 * Real kubectl (1.27 and 1.33) against `lab serve` with the seed's storage manifests, applied
 * verbatim from docs/examples/storage/: the StorageClasses (nfs-vault, the three tiers — whose
 * local-path is k3s's own default class, so `apply` configures it), the PersistentVolumeClaims
 * (Pending: the lab runs no Longhorn, NFS CSI driver or local-path provisioner, so the PV
 * controller's events say what they wait for) and the storage quota of namespace my-app, which
 * refuses a sixth claim in the ResourceQuota admission plugin's words. Same skip rules as
 * kubectl-frontdoor.test.ts (skip when the binaries are missing, fail under CI=true).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.27', '1.33']);
const EXAMPLES = join(__dirname, '../../../docs/examples/storage');
const example = (name: string) => join(EXAMPLES, name);

/** Table rows with runs of spaces collapsed and ages replaced (they move with the clock). */
const rows = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) =>
      l
        .trim()
        .split(/ {2,}/)
        .map((t) => t.replace(/^\d+[smhdy](\d+[smh])?$/, 'AGE'))
        .join(' | '),
    );

const claim = (name: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: longhorn-ssd
  resources:
    requests:
      storage: 10Gi
`;

for (const b of bins) {
  describe(`kubectl ${b.version}: the seed's storage manifests against lab serve`, () => {
    const lab = labServeForKubectl(b, { name: 'storage', seed: 3 });
    const { k } = lab;
    const { kIn } = lab;
    const until = (what: string, ok: () => Promise<boolean>) => lab.until(what, ok, 100);


    it("a fresh k3s has one StorageClass, local-path, marked (default)", async () => {
      const r = await k('get', 'sc');
      expect(r.stderr).toBe('');
      expect(rows(r.stdout)).toEqual(['NAME | PROVISIONER | RECLAIMPOLICY | VOLUMEBINDINGMODE | ALLOWVOLUMEEXPANSION | AGE', 'local-path (default) | rancher.io/local-path | Delete | WaitForFirstConsumer | false | AGE']);
    });

    it("apply -f of the seed's StorageClasses: created, and k3s's local-path configured", async () => {
      const nfs = await k('apply', '-f', example('storageclass-nfs-vault.yaml'));
      expect(nfs.stderr).toBe('');
      expect(nfs.stdout).toBe('storageclass.storage.k8s.io/nfs-vault created\n');
      const tiers = await k('apply', '-f', example('storage-tiers.yaml'));
      expect(tiers.code).toBe(0);
      expect(tiers.stdout).toBe('storageclass.storage.k8s.io/longhorn-ssd created\nstorageclass.storage.k8s.io/nfs-bulk created\nstorageclass.storage.k8s.io/local-path configured\n');
      // local-path came from k3s's manifest, not from kubectl apply.
      expect(tiers.stderr).toContain('Warning: resource storageclasses/local-path is missing the kubectl.kubernetes.io/last-applied-configuration annotation');
      const sc = await k('get', 'sc');
      expect(rows(sc.stdout)).toEqual([
        'NAME | PROVISIONER | RECLAIMPOLICY | VOLUMEBINDINGMODE | ALLOWVOLUMEEXPANSION | AGE',
        'local-path (default) | rancher.io/local-path | Delete | WaitForFirstConsumer | false | AGE',
        'longhorn-ssd | driver.longhorn.io | Delete | Immediate | false | AGE',
        'nfs-bulk | nfs.csi.k8s.io | Delete | Immediate | false | AGE',
        'nfs-vault | nfs.csi.k8s.io | Delete | Immediate | false | AGE',
      ]);
    });

    it('the claims stay Pending with their class; describe shows the PV controller waiting for the external provisioner', async () => {
      const c = await k('apply', '-f', example('pvc-postgres-and-media.yaml'));
      expect(c.stderr).toBe('');
      expect(c.stdout).toBe('persistentvolumeclaim/postgres-data created\npersistentvolumeclaim/media-library created\n');
      const pvc = await k('get', 'pvc');
      expect(rows(pvc.stdout)).toEqual(['NAME | STATUS | VOLUME | CAPACITY | ACCESS MODES | STORAGECLASS | VOLUMEATTRIBUTESCLASS | AGE', 'media-library | Pending | nfs-bulk | <unset> | AGE', 'postgres-data | Pending | longhorn-ssd | <unset> | AGE']);
      let d = '';
      await until('the ExternalProvisioning event', async () => (d = (await k('describe', 'pvc', 'postgres-data')).stdout).includes('ExternalProvisioning'));
      expect(d).toMatch(/^Name: +postgres-data$/m);
      expect(d).toMatch(/^StorageClass: +longhorn-ssd$/m);
      expect(d).toMatch(/^Status: +Pending$/m);
      expect(d).toMatch(/^Finalizers: +\[kubernetes\.io\/pvc-protection\]$/m);
      expect(d).toMatch(/^ +volume\.kubernetes\.io\/storage-provisioner: driver\.longhorn\.io$/m);
      expect(d).toMatch(/Normal +ExternalProvisioning +\S+( \(x\d+ over \S+\))? +persistentvolume-controller +Waiting for a volume to be created either by the external provisioner 'driver\.longhorn\.io' or manually by the system administrator\. If volume creation is delayed, please verify that the provisioner is running and correctly registered\./);
      // The seed's other postgres-data (class longhorn) applied over this one: a claim's spec is immutable.
      const again = await k('apply', '-f', example('pvc-postgres-data-longhorn.yaml'));
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('PersistentVolumeClaim "postgres-data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n');
      expect(again.stderr).toContain('- \tStorageClassName: &"longhorn-ssd",\n+ \tStorageClassName: &"longhorn",\n');
      const media = await k('describe', 'pvc', 'media-library');
      expect(media.stdout).toMatch(/^Access Modes: *$/m);
      expect(media.stdout).toMatch(/external provisioner 'nfs\.csi\.k8s\.io'/);
    });

    it('a claim whose class does not exist (the seed\'s first example, class longhorn) is ProvisioningFailed', async () => {
      expect((await k('create', 'namespace', 'phase2')).stdout).toBe('namespace/phase2 created\n');
      expect((await k('apply', '-n', 'phase2', '-f', example('pvc-postgres-data-longhorn.yaml'))).stdout).toBe('persistentvolumeclaim/postgres-data created\n');
      let d = '';
      await until('the ProvisioningFailed event', async () => (d = (await k('describe', 'pvc', '-n', 'phase2', 'postgres-data')).stdout).includes('ProvisioningFailed'));
      expect(d).toMatch(/Warning +ProvisioningFailed +\S+( \(x\d+ over \S+\))? +persistentvolume-controller +storageclass\.storage\.k8s\.io "longhorn" not found/);
    });

    it('kubectl create quota (a protobuf body from 1.33) and get pv: no volumes, since nothing provisions them', async () => {
      const q = await k('create', 'quota', 'pods', '--hard=pods=3,requests.storage=1Ti', '-n', 'phase2');
      expect(q.stderr).toBe('');
      expect(q.stdout).toBe('resourcequota/pods created\n');
      const got = JSON.parse((await k('get', 'quota', 'pods', '-n', 'phase2', '-o', 'json')).stdout);
      expect(got.spec.hard).toEqual({ pods: '3', 'requests.storage': '1Ti' });
      const pv = await k('get', 'pv');
      expect(pv.stdout).toBe('');
      expect(pv.stderr).toBe('No resources found\n');
    });

    it('an invalid claim is refused with the apiserver\'s text', async () => {
      const r = await kIn('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: bad\nspec:\n  storageClassName: longhorn-ssd\n', 'create', '-f', '-');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('The PersistentVolumeClaim "bad" is invalid: \n* spec.accessModes: Required value: at least 1 access mode is required\n* spec.resources[storage]: Required value\n');
    });

    it('the storage quota of my-app: five claims fit, the sixth is refused; get and describe show used/hard', async () => {
      expect((await k('create', 'ns', 'my-app')).stdout).toBe('namespace/my-app created\n');
      expect((await k('apply', '-f', example('resourcequota-storage-quota.yaml'))).stdout).toBe('resourcequota/storage-quota created\n');
      // The resource quota controller fills status before admission counts against it.
      await until('the quota status', async () => JSON.parse((await k('get', 'quota', '-n', 'my-app', 'storage-quota', '-o', 'json')).stdout).status?.used !== undefined);
      const six = [1, 2, 3, 4, 5, 6].map((i) => claim(`data-${i}`)).join('---\n');
      const r = await kIn(six, 'apply', '-n', 'my-app', '-f', '-');
      expect(r.code).toBe(1);
      expect(r.stdout).toBe([1, 2, 3, 4, 5].map((i) => `persistentvolumeclaim/data-${i} created\n`).join(''));
      expect(r.stderr).toBe('Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims "data-6" is forbidden: exceeded quota: storage-quota, requested: persistentvolumeclaims=1,requests.storage=10Gi, used: persistentvolumeclaims=5,requests.storage=50Gi, limited: persistentvolumeclaims=5,requests.storage=50Gi\n');
      const q = await k('get', 'quota', '-n', 'my-app');
      expect(rows(q.stdout)).toEqual(['NAME | REQUEST | LIMIT | AGE', 'storage-quota | persistentvolumeclaims: 5/5, requests.storage: 50Gi/50Gi | AGE']);
      const d = await k('describe', 'quota', '-n', 'my-app');
      expect(d.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s+/).join(' '))).toEqual(['Name: storage-quota', 'Namespace: my-app', 'Resource Used Hard', '-------- ---- ----', 'persistentvolumeclaims 5 5', 'requests.storage 50Gi 50Gi']);
    });
  });
}

// The examples are the seed's text, unchanged (a learner can diff them against the seed).
const SEED = '/work/shared/seed/000_3421fc62cba9f7bd.txt';
describe('docs/examples/storage', () => {
  it.skipIf(!existsSync(SEED))('holds the seed manifests verbatim', () => {
    const seed = readFileSync(SEED, 'utf8');
    for (const f of ['pvc-postgres-data-longhorn.yaml', 'storageclass-nfs-vault.yaml', 'storage-tiers.yaml', 'pvc-postgres-and-media.yaml', 'resourcequota-storage-quota.yaml']) expect(seed).toContain(readFileSync(example(f), 'utf8').trimEnd());
  });
});
