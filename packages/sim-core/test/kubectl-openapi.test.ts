/**
 * Real kubectl (1.27, 1.30, 1.33) against `lab serve` for what kubectl reads the OpenAPI documents
 * for: `create -f` / `apply -f` with the default --validate=strict. kubectl 1.27 fetches
 * /openapi/v2 as protobuf before every such command (its validator must parse it) and then learns
 * from /openapi/v3 that the server validates fields itself (a PATCH operation with a
 * `fieldValidation` parameter); 1.28+ ask /openapi/v3 first and take `apply`'s strategic merge
 * patch metadata from /openapi/v2. So: a manifest creates; an unknown field is refused by the
 * server's strict decoding; --validate=warn prints the server's warning and creates; apply says
 * created, unchanged, configured; `explain --output=plaintext-openapiv2` walks the v2 definitions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.27', '1.30', '1.33']);

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels:
    app: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: shop
        image: ${image}
        env:
        - name: MODE
          value: sale
        ports:
        - containerPort: 8080
`;

for (const b of bins) {
  describe(`kubectl ${b.version}: create -f and apply -f validate through the OpenAPI documents`, () => {
    const lab = labServeForKubectl(b, { name: 'openapi', seed: 5, auditLog: true });
    const { k } = lab;
    const audit = () => readFileSync(join(lab.dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { requestURI: string; verb: string; responseStatus: { code: number } });
    const file = (name: string, text: string) => {
      const f = join(lab.dir, name);
      writeFileSync(f, text);
      return f;
    };


    it('create -f of a ConfigMap manifest succeeds', async () => {
      const r = await k('create', '-f', file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  colour: blue\n'));
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('configmap/settings created\n');
      expect((await k('get', 'cm', 'settings', '-o', 'jsonpath={.data.colour}')).stdout).toBe('blue');
      if (b.version === '1.27') {
        // 1.27's validator parsed the protobuf document: served, never the 404 that made it fail.
        const v2 = audit().filter((e) => e.requestURI.startsWith('/openapi/v2'));
        expect(v2.length).toBeGreaterThan(0);
        expect(v2.every((e) => e.responseStatus.code === 200)).toBe(true);
      }
    });

    it('an unknown field is refused by the server\'s strict decoding', async () => {
      const r = await k('create', '-f', file('bogus.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bogus\ndata:\n  a: "1"\nbogus: 1\n'));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('Error from server (BadRequest): error when creating "' + join(lab.dir, 'bogus.yaml') + '": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"\n');
      expect((await k('get', 'cm', 'bogus')).code).toBe(1);
    });

    it('--validate=warn prints the server\'s warning and creates the object without the field', async () => {
      const r = await k('create', '-f', file('warn.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warned\ndata:\n  a: "1"\nbogus: 1\n'), '--validate=warn');
      expect(r.stderr).toBe('Warning: unknown field "bogus"\n');
      expect(r.stdout).toBe('configmap/warned created\n');
      const got = JSON.parse((await k('get', 'cm', 'warned', '-o', 'json')).stdout);
      expect(got.bogus).toBeUndefined();
      expect(got.data).toEqual({ a: '1' });
    });

    it('apply -f of a Deployment: created, unchanged, then configured after an image change', async () => {
      const f = file('shop.yaml', deployment('nginx:1.27'));
      const created = await k('apply', '-f', f);
      expect(created.stderr).toBe('');
      expect(created.stdout).toBe('deployment.apps/shop created\n');
      expect((await k('apply', '-f', f)).stdout).toBe('deployment.apps/shop unchanged\n');
      writeFileSync(f, deployment('nginx:1.28'));
      const configured = await k('apply', '-f', f);
      expect(configured.stderr).toBe('');
      expect(configured.stdout).toBe('deployment.apps/shop configured\n');
      const spec = JSON.parse((await k('get', 'deployment', 'shop', '-o', 'json')).stdout).spec.template.spec;
      expect(spec.containers).toHaveLength(1);
      expect(spec.containers[0]).toMatchObject({ name: 'shop', image: 'nginx:1.28', env: [{ name: 'MODE', value: 'sale' }], ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    });

    it('explain --output=plaintext-openapiv2 walks the v2 definitions', async () => {
      const r = await k('explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2');
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('KIND:     Deployment\nVERSION:  apps/v1\n\nRESOURCE: strategy <Object>\n');
      expect(r.stdout).toMatch(/FIELDS:\n {3}rollingUpdate\t<Object>\n\n {3}type\t<string>\n/);
    });
  });
}
