/**
 * Real kubectl 1.33 against `lab serve` for deletion: `delete deploy --cascade=foreground` waits
 * for the Deployment, which goes only after its ReplicaSet and pods; `--cascade=orphan` leaves the
 * ReplicaSet and its pods running without the owner reference; `delete ns` leaves the namespace
 * Terminating while the namespace controller empties it, refusing new content in upstream's
 * words; the system namespaces cannot be deleted. Missing kubectl: skipped, as kubectl-tools.ts
 * says (under CI=true it fails).
 */
import { describe, expect, it } from 'vitest';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.33']);

for (const b of bins) {
  describe(`kubectl ${b.version}: deletion`, () => {
    const lab = labServeForKubectl(b, { name: 'deletion', seed: 4 });
    const { k } = lab;
    const json = async (...args: string[]) => JSON.parse((await k(...args, '-o', 'json')).stdout || '{"items":[]}');
    const until = (what: string, ok: () => Promise<boolean>) => lab.until(what, ok, 150);
    const running = async (sel: string, n: number, ns = 'default') => until(`${n} ${sel} pods Running`, async () => (await json('get', 'pods', '-n', ns, '-l', sel)).items.filter((p: any) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp).length === n);


    it('--cascade=foreground: kubectl waits until the Deployment is gone, and by then its ReplicaSet and pods are too', async () => {
      expect((await k('create', 'deployment', 'fg', '--image=nginx', '--replicas=2')).stdout).toBe('deployment.apps/fg created\n');
      await running('app=fg', 2);
      const d = await k('delete', 'deployment', 'fg', '--cascade=foreground');
      expect(d.stderr).toBe('');
      expect(d.stdout).toMatch(/^deployment\.apps "fg" deleted/);
      expect((await json('get', 'replicasets', '-l', 'app=fg')).items).toEqual([]);
      expect((await json('get', 'pods', '-l', 'app=fg')).items).toEqual([]);
    });

    it('--cascade=orphan: the ReplicaSet and its pods keep running, without the reference to the Deployment', async () => {
      await k('create', 'deployment', 'orph', '--image=nginx', '--replicas=2');
      await running('app=orph', 2);
      const d = await k('delete', 'deployment', 'orph', '--cascade=orphan');
      expect(d.stdout).toMatch(/^deployment\.apps "orph" deleted/);
      const rss = (await json('get', 'replicasets', '-l', 'app=orph')).items;
      expect(rss).toHaveLength(1);
      expect(rss[0].metadata.ownerReferences).toBeUndefined();
      const pods = (await json('get', 'pods', '-l', 'app=orph')).items;
      expect(pods).toHaveLength(2);
      for (const p of pods) expect(p.metadata.ownerReferences.map((r: any) => r.uid)).toEqual([rss[0].metadata.uid]);
    });

    it('delete ns: Terminating, new content refused, then gone; the system namespaces may not be deleted', async () => {
      expect((await k('create', 'namespace', 'x')).stdout).toBe('namespace/x created\n');
      await k('create', 'deployment', 'd', '-n', 'x', '--image=nginx', '--replicas=2');
      await running('app=d', 2, 'x');
      const d = await k('delete', 'namespace', 'x', '--wait=false');
      expect(d.stdout).toBe('namespace "x" deleted\n');
      const g = await k('get', 'namespace', 'x');
      expect(g.stdout).toMatch(/^NAME\s+STATUS\s+AGE\nx\s+Terminating\s+\S+\n$/);
      const c = await k('create', 'configmap', 'late', '-n', 'x');
      expect(c.code).toBe(1);
      expect(c.stderr).toBe('error: failed to create configmap: configmaps "late" is forbidden: unable to create new content in namespace x because it is being terminated\n');
      await until('namespace x gone', async () => (await k('get', 'namespace', 'x')).stderr === 'Error from server (NotFound): namespaces "x" not found\n');
      const def = await k('delete', 'namespace', 'default');
      expect(def.code).toBe(1);
      expect(def.stderr).toBe('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n');
    });
  });
}
