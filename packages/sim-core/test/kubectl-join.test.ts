/**
 * The seed's "Add a Worker Node" seen through real kubectl (1.27 and 1.33): `lab serve
 * --add-worker k3s-worker-3=10.89.97.204` installs k3s as an agent on a new machine with the node
 * token; from the laptop, `kubectl get nodes` then shows four nodes Ready, the new one with its
 * /24 from node-ipam, its node-password Secret in kube-system, and the events `kubectl describe
 * node` prints for a node that just joined.
 */
import { describe, expect, it } from 'vitest';
import { seconds } from '../src/kernel/time';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.27', '1.33']);

for (const b of bins) {
  describe(`kubectl ${b.version}: a worker joins`, () => {
    const lab = labServeForKubectl(b, { name: 'join', seed: 9, speed: 4, addWorker: { name: 'k3s-worker-3', ip: '10.89.97.204', atUs: seconds(2) } });

    it('get nodes: four nodes Ready within 30 simulated seconds, the new one with 10.42.3.0/24', async () => {
      // At --speed 4, 30 simulated seconds are 7.5 s of wall clock; allow 15 s of polling.
      await lab.until('k3s-worker-3 Ready', async () => /^k3s-worker-3\s+Ready\s/m.test((await lab.k('get', 'nodes')).stdout), 150);
      const nodes = await lab.k('get', 'nodes', '-o', 'wide');
      expect(nodes.code).toBe(0);
      expect(nodes.stdout.split('\n').filter((l) => /^k3s-\S+\s+Ready\s/.test(l))).toHaveLength(4);
      expect(nodes.stdout).toMatch(/^k3s-worker-3\s+Ready\s+<none>\s+\d+s\s+v1\.33\.5\+k3s1\s+10\.89\.97\.204\s/m);
      const cidr = await lab.k('get', 'node', 'k3s-worker-3', '-o', 'jsonpath={.spec.podCIDR} {.metadata.annotations.flannel\\.alpha\\.coreos\\.com/public-ip}');
      expect(cidr.stdout).toBe('10.42.3.0/24 10.89.97.204');
    });

    it("the node's password hash is a Secret in kube-system, immutable", async () => {
      const sec = await lab.k('get', 'secret', '-n', 'kube-system', 'k3s-worker-3.node-password.k3s', '-o', 'jsonpath={.immutable} {.data.hash}');
      expect(sec.code).toBe(0);
      const [immutable, hash] = sec.stdout.split(' ');
      expect(immutable).toBe('true');
      expect(Buffer.from(hash!, 'base64').toString()).toMatch(/^\$1:[0-9a-f]{16}:15:8:1:[A-Za-z0-9+/]{86}$/);
    });

    it('describe node shows the join: the kubelet\'s events and the node controller\'s RegisteredNode', async () => {
      const d = await lab.k('describe', 'node', 'k3s-worker-3');
      expect(d.code).toBe(0);
      expect(d.stdout).toMatch(/^PodCIDR:\s+10\.42\.3\.0\/24$/m);
      expect(d.stdout).toMatch(/^ProviderID:\s+k3s:\/\/k3s-worker-3$/m);
      expect(d.stdout).toMatch(/Normal\s+Starting\s+\S+\s+kubelet\s+Starting kubelet\./);
      expect(d.stdout).toMatch(/Normal\s+NodeReady\s+\S+\s+kubelet\s+Node k3s-worker-3 status is now: NodeReady/);
      expect(d.stdout).toMatch(/Normal\s+RegisteredNode\s+\S+\s+node-controller\s+Node k3s-worker-3 event: Registered Node k3s-worker-3 in Controller/);
    });
  });
}
