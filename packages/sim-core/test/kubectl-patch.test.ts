/**
 * Real kubectl 1.33 against `lab serve`, for PATCH: `kubectl apply -f` of a changed manifest (the
 * client computes a three-way strategic merge patch with `$setElementOrder` and `$patch: delete`
 * and sends it as application/strategic-merge-patch+json), `kubectl patch --type=strategic`,
 * `--type=json` and `--type=merge`, and a JSON patch whose test fails — with the object then read
 * back with `kubectl get -o json`. Same skip rules as kubectl-frontdoor.test.ts (skip when the
 * binary is missing, fail under CI=true).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.33']);

const manifest = (image: string, env: [string, string][], replicas = 1) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: patchy
  labels:
    app: patchy
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: patchy
  template:
    metadata:
      labels:
        app: patchy
    spec:
      containers:
      - name: web
        image: ${image}
        env:
${env.map(([n, v]) => `        - name: ${n}\n          value: "${v}"`).join('\n')}
      - name: sidecar
        image: busybox:1.36
        command: ["sleep", "infinity"]
`;

for (const b of bins) {
  describe(`kubectl ${b.version} patches against lab serve`, () => {
    const lab = labServeForKubectl(b, { name: 'patch', seed: 3 });
    const { k } = lab;
    const getDeploy = async () => {
      const r = await k('get', 'deployment', 'patchy', '-o', 'json');
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };


    it('kubectl apply -f, then apply of a changed manifest: image changed, env merged by name in the manifest\'s order, a removed var gone', async () => {
      const file = join(lab.dir, 'deploy.yaml');
      writeFileSync(file, manifest('nginx:1.27', [['A', '1'], ['B', '2']]));
      const created = await k('apply', '-f', file);
      expect(created.stderr).toBe('');
      expect(created.stdout).toBe('deployment.apps/patchy created\n');
      writeFileSync(file, manifest('nginx:1.28', [['C', '3'], ['B', '20']], 2));
      const configured = await k('apply', '-f', file);
      expect(configured.stderr).toBe('');
      expect(configured.stdout).toBe('deployment.apps/patchy configured\n');
      const d = await getDeploy();
      expect(d.spec.replicas).toBe(2);
      const [web, sidecar] = d.spec.template.spec.containers;
      expect(web.image).toBe('nginx:1.28');
      expect(web.env).toEqual([{ name: 'C', value: '3' }, { name: 'B', value: '20' }]);
      expect(sidecar).toMatchObject({ name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] });
      expect(JSON.stringify(d)).not.toContain('$setElementOrder');
      // The last-applied annotation is the new manifest.
      expect(JSON.parse(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).spec.template.spec.containers[0].image).toBe('nginx:1.28');
      const again = await k('apply', '-f', file);
      expect(again.stdout).toBe('deployment.apps/patchy unchanged\n');
    });

    it('kubectl patch --type=strategic adds an env var by name and keeps the others', async () => {
      const r = await k('patch', 'deployment', 'patchy', '--type=strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"D","value":"4"}]}]}}}}');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('deployment.apps/patchy patched\n');
      const d = await getDeploy();
      expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'D', value: '4' }, { name: 'C', value: '3' }, { name: 'B', value: '20' }]);
      expect(d.spec.template.spec.containers).toHaveLength(2);
    });

    it('kubectl patch --type=json replaces and removes by path', async () => {
      const r = await k('patch', 'deployment', 'patchy', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3},{"op":"remove","path":"/spec/template/spec/containers/0/env/0"}]');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('deployment.apps/patchy patched\n');
      const d = await getDeploy();
      expect(d.spec.replicas).toBe(3);
      expect(d.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).toEqual(['C', 'B']);
    });

    it('kubectl patch --type=merge; a patch that changes nothing says so', async () => {
      const r = await k('patch', 'deployment', 'patchy', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}');
      expect(r.stdout).toBe('deployment.apps/patchy patched\n');
      // kubectl says "(no change)" when the object it gets back equals the one it read first; let
      // the controllers finish reacting (status writes) so nothing else changes it in between.
      let rv = '';
      for (let i = 0; i < 50; i++) {
        const now = (await getDeploy()).metadata.resourceVersion as string;
        if (now === rv) break;
        rv = now;
        await new Promise((res) => setTimeout(res, 200));
      }
      const same = await k('patch', 'deployment', 'patchy', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}');
      expect(same.stdout).toBe('deployment.apps/patchy patched (no change)\n');
    });

    it('a JSON patch whose test fails: kubectl reports the 422, and nothing changes', async () => {
      const before = await getDeploy();
      const r = await k('patch', 'deployment', 'patchy', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9},{"op":"replace","path":"/spec/replicas","value":9}]');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('The request is invalid: the server rejected our request due to an error in our request\n');
      const after = await getDeploy();
      expect(after.spec).toEqual(before.spec);
    });

    it('a patch whose result is invalid is refused with the validation text, and nothing changes', async () => {
      const before = await getDeploy();
      const r = await k('patch', 'deployment', 'patchy', '-p', '{"spec":{"replicas":-1}}');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('The Deployment "patchy" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
      const j = await k('patch', 'deployment', 'patchy', '--type=json', '-p', '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":""}]');
      expect(j.stderr).toBe('The Deployment "patchy" is invalid: spec.template.spec.containers[0].image: Required value\n');
      const after = await getDeploy();
      expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    });
  });
}
