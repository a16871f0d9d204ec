/**
 * `lab serve` with real kubectl: HTTPS on 127.0.0.1 with a generated CA, client-certificate login
 * as CN=system:admin O=system:masters, requests carried into the simulation and answered by the
 * simulated apiserver and etcd.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../src/cli/commands/serve';
import type { LabServer } from '../src/cli/serve/server';
import { kubectlBinaries, runKubectl } from './kubectl-tools';

const versions = ['1.27', '1.33'];
const bins = kubectlBinaries(versions);

describe.skipIf(bins.length === 0)('lab serve + real kubectl', () => {
  let dir = '';
  let server: LabServer;
  let feed: { close: () => Promise<void> };
  let feedPort = 0;
  let kubeconfig = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubelab-serve-'));
    const s = await startServe({ scenario: 'tower-fleet', seed: 1, port: 0, kubeconfig: join(dir, 'kubeconfig'), speed: 1, quiet: true });
    server = s.server;
    feed = s.feed;
    feedPort = s.feedPort;
    kubeconfig = s.kubeconfig;
  });

  afterAll(async () => {
    await server?.close();
    await feed?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a kubeconfig that works as is, k3s-shaped', () => {
    const text = readFileSync(kubeconfig, 'utf8');
    expect(text).toMatch(/server: https:\/\/127\.0\.0\.1:\d+/);
    expect(text).toContain('client-certificate-data:');
    expect(text).toContain('current-context: default');
  });

  for (const b of bins) {
    describe(`kubectl ${b.version}`, () => {
      const k = async (...args: string[]) => runKubectl(b.path, join(dir, `home-${b.version}`), ['--kubeconfig', kubeconfig, ...args]);

      it('reads /version and /healthz', async () => {
        const v = await k('get', '--raw', '/version');
        expect(v.code).toBe(0);
        expect(JSON.parse(v.stdout).gitVersion).toBe('v1.33.5+k3s1');
        expect((await k('get', '--raw', '/healthz')).stdout).toBe('ok');
      });

      it('lists pods from the simulated etcd', async () => {
        const r = await k('get', '--raw', '/api/v1/namespaces/default/pods');
        expect(r.code).toBe(0);
        const list = JSON.parse(r.stdout);
        expect(list.kind).toBe('PodList');
        expect(list.items.map((p: { metadata: { name: string } }) => p.metadata.name).filter((n: string) => n.startsWith('nginx-'))).toHaveLength(3);
      });

      it('gets the apiserver\'s NotFound text', async () => {
        const r = await k('get', '--raw', '/api/v1/namespaces/default/pods/nope');
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('Error from server (NotFound): pods "nope" not found');
      });
    });
  }

  it('every request is in the trace, and the live feed serves it (read-only, with errors that name the parameter)', async () => {
    const r = await (await fetch(`http://127.0.0.1:${feedPort}/trace?from=0`)).json();
    const inputs = r.entries.filter((e: { type: string; to?: string }) => e.type === 'input' && e.to === 'laptop/kubectl-real');
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.some((e: { data: { path: string } }) => e.data.path === '/api/v1/namespaces/default/pods')).toBe(true);
    expect(r.traceHash).toMatch(/^[0-9a-f]{64}$/);
    const bad = await fetch(`http://127.0.0.1:${feedPort}/trace?from=-1`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('from: Invalid value: "-1": must be a non-negative integer');
    expect((await fetch(`http://127.0.0.1:${feedPort}/trace`, { method: 'POST' })).status).toBe(405);
  });

  it('a client certificate from another CA is refused with 401', async () => {
    const { makePki, kubeconfigYaml } = await import('../src/cli/serve/pki');
    const other = await makePki({ serverCAName: 'other-server-ca', clientCAName: 'k3s-client-ca@0', notBefore: new Date('2025-01-01T00:00:00Z'), sanIPs: ['127.0.0.1'], sanDNS: [] });
    const good = readFileSync(kubeconfig, 'utf8');
    const serverCA = /certificate-authority-data: (\S+)/.exec(good)![1]!;
    const url = /server: (\S+)/.exec(good)![1]!;
    const bad = kubeconfigYaml(url, other).replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${serverCA}`);
    const file = join(dir, 'bad.kubeconfig');
    (await import('node:fs')).writeFileSync(file, bad);
    const r = await runKubectl(bins[bins.length - 1]!.path, join(dir, 'home-bad'), ['--kubeconfig', file, 'get', '--raw', '/api/v1/namespaces/default/pods']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});
