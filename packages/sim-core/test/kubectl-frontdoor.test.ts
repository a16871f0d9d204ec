/**
 * Real kubectl (1.27 and 1.33, as the machine image ships them) against `lab serve`: the issue's
 * "done when" run end to end over HTTPS — the three Tower Fleet nodes Ready, `create deployment`
 * then `rollout status`, pods Running with IPs in their nodes' /24s, a deleted pod replaced, an
 * impersonated user without a binding forbidden in upstream's words, an invalid Deployment refused
 * in upstream's words, `auth can-i`. kubectl 1.33 sends protobuf bodies for `create deployment`
 * and `auth can-i`; 1.27 sends JSON. Outputs are compared with golden text where the cluster
 * makes them deterministic (random pod-name suffixes and ages normalised).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.27', '1.33']);
const golden = (name: string) => readFileSync(join(__dirname, 'golden/kubectl', name), 'utf8');
const NODE_CIDR: Record<string, string> = { 'k3s-master': '10.42.0.', 'k3s-worker-1': '10.42.1.', 'k3s-worker-2': '10.42.2.' };

/**
 * Pod names end in the ReplicaSet's hash and 5 random characters, ages move with the clock and
 * column widths with the IPs: compare rows token by token, sorted, with those tokens normalised.
 */
const normalise = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) =>
      line
        .trim()
        .split(/ {2,}/)
        .map((t) => t.replace(/^(web)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/, '$1-HASH-XXXXX').replace(/^\d+[smhdy](\d+[smh])?$/, 'AGE').replace(/^10\.42\.(\d+)\.\d+$/, '10.42.$1.Y'))
        .join(' | '),
    )
    .sort()
    .join('\n');

for (const b of bins) {
  describe(`kubectl ${b.version} against lab serve`, () => {
    const lab = labServeForKubectl(b, { name: 'frontdoor', seed: 3, auditLog: true });
    const { k } = lab;
    const webPods = async () => {
      const r = await k('get', 'pods', '-l', 'app=web', '-o', 'json');
      return (JSON.parse(r.stdout).items as any[]).filter((p) => !p.metadata.deletionTimestamp);
    };
    const until = (what: string, ok: () => Promise<boolean>) => lab.until(what, ok, 100);


    it('lists the three Tower Fleet nodes Ready (discovery, then the server-side Table)', async () => {
      const r = await k('get', 'nodes');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(golden('get-nodes.txt'));
      const wide = await k('get', 'nodes', '-o', 'wide');
      expect(wide.stdout).toBe(golden('get-nodes-wide.txt'));
    });

    it('create deployment, then rollout status succeeds; the pods run with IPs inside their nodes\' /24s', async () => {
      const c = await k('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
      expect(c.stderr).toBe('');
      expect(c.stdout).toBe('deployment.apps/web created\n');
      const rs = await k('rollout', 'status', 'deployment/web', '--timeout=60s');
      expect(rs.code).toBe(0);
      expect(rs.stdout.endsWith('deployment "web" successfully rolled out\n')).toBe(true);
      const pods = await webPods();
      expect(pods).toHaveLength(3);
      for (const p of pods) {
        expect(p.status.phase).toBe('Running');
        expect(p.status.podIP.startsWith(NODE_CIDR[p.spec.nodeName]!)).toBe(true);
      }
      const table = await k('get', 'pods', '-l', 'app=web', '-o', 'wide');
      expect(normalise(table.stdout)).toBe(normalise(golden('get-pods-web-wide.txt')));
    });

    it('a deleted pod is replaced by the ReplicaSet', async () => {
      const before = (await webPods()).map((p) => p.metadata.name as string);
      const d = await k('delete', 'pod', before[0]!);
      expect(d.stdout).toBe(`pod "${before[0]}" deleted\n`);
      await until('a replacement pod Running', async () => {
        const now = await webPods();
        return now.length === 3 && now.every((p) => p.status.phase === 'Running') && !now.some((p) => p.metadata.name === before[0]);
      });
    });

    it('logs come from the container through its kubelet; drain evicts through pods/eviction and the pods move', async () => {
      const name = (await webPods())[0]!.metadata.name as string;
      const logs = await k('logs', name);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up\n');
      const none = await k('logs', 'nope');
      expect(none.stderr).toContain('pods "nope" not found');
      const d = await k('drain', 'k3s-worker-2', '--ignore-daemonsets', '--timeout=60s');
      expect(d.code).toBe(0);
      expect(d.stdout).toContain('node/k3s-worker-2 cordoned\n');
      expect(d.stdout).toContain('node/k3s-worker-2 drained\n');
      expect(d.stderr).toMatch(/^Warning: ignoring DaemonSet-managed Pods: kube-system\/svclb-traefik-/);
      await until('web pods Running off k3s-worker-2', async () => {
        const now = await webPods();
        return now.length === 3 && now.every((p) => p.status.phase === 'Running' && p.spec.nodeName !== 'k3s-worker-2');
      });
      expect((await k('uncordon', 'k3s-worker-2')).stdout).toBe('node/k3s-worker-2 uncordoned\n');
    });

    it('a user with no binding is forbidden (impersonation with --as), in upstream\'s words', async () => {
      const r = await k('get', 'pods', '--as', 'bob');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"\n');
      expect((await k('auth', 'can-i', 'list', 'pods')).stdout).toBe('yes\n');
      const no = await k('auth', 'can-i', 'create', 'deployments', '--as', 'bob');
      expect(no.stdout).toBe('no\n');
      expect(no.code).toBe(1);
      // The audit log (--audit-log-path) has the refused list: who asked, as whom, what, and why not.
      const audit = readFileSync(join(lab.dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const refused = audit.find((e) => e.impersonatedUser?.username === 'bob' && e.verb === 'list' && e.objectRef?.resource === 'pods');
      expect(refused).toMatchObject({ kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', stage: 'ResponseComplete', user: { username: 'system:admin' }, impersonatedUser: { username: 'bob', groups: ['system:authenticated'] }, sourceIPs: ['127.0.0.1'], objectRef: { resource: 'pods', namespace: 'default', apiVersion: 'v1' }, responseStatus: { code: 403, reason: 'Forbidden' }, annotations: { 'authorization.k8s.io/decision': 'forbid' } });
      expect(refused.userAgent).toMatch(/^kubectl/);
    });

    it('an invalid Deployment is refused with the apiserver\'s text and nothing is stored', async () => {
      const r = await k('create', 'deployment', 'bad', '--image=nginx', '--replicas=-1');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('error: failed to create deployment: Deployment.apps "bad" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
      const g = await k('get', 'deployment', 'bad');
      expect(g.stderr).toBe('Error from server (NotFound): deployments.apps "bad" not found\n');
    });
  });
}
