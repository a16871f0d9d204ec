/**
 * Live mode in real Chromium: `lab serve` runs in this process, real kubectl sends a request, and
 * the page following the live trace shows it arrive and replays its messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../sim-core/src/cli/commands/serve';
import { kubectlBinaries, runKubectl } from '../../sim-core/test/kubectl-tools';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from './chromium';
import { serveStatic } from './serve-static';

const avail = chromiumAvailable();
const bins = kubectlBinaries(['1.33']);
const uiRoot = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!avail.ok || bins.length === 0)('live view of lab serve in Chromium', () => {
  let dir = '';
  let web: { url: string; close: () => Promise<void> };
  let lab: Awaited<ReturnType<typeof startServe>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubelab-live-'));
    await build({ configFile: join(uiRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: join(dir, 'dist'), emptyOutDir: true } });
    web = await serveStatic(join(dir, 'dist'));
    lab = await startServe({ scenario: 'tower-fleet', seed: 1, port: 0, kubeconfig: join(dir, 'kubeconfig'), speed: 1, quiet: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await lab?.server.close();
    await lab?.feed.close();
    await web?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows your kubectl request arriving and travelling through the cluster', async () => {
    await page.goto(`${web.url}?live=http://127.0.0.1:${lab.feedPort}`);
    await page.waitForSelector('kl-app kl-live[data-ready]');
    const r = await runKubectl(bins[0]!.path, join(dir, 'home'), ['--kubeconfig', lab.kubeconfig, 'get', '--raw', '/api/v1/namespaces/kube-system/pods']);
    expect(r.code).toBe(0);
    const row = page.locator('kl-live kl-event-list tr', { hasText: 'GET /api/v1/namespaces/kube-system/pods' });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // the request is replayed: a message is drawn in flight at some point, and the etcd read made for it is listed
    await expect.poll(() => page.locator('kl-live kl-event-list tr', { hasText: 'KV/Range /registry/pods/kube-system/' }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('kl-live kl-topology [data-flight]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it('refuses a non-loopback feed, naming the parameter', async () => {
    await page.goto(`${web.url}?live=http://10.1.2.3:7443`);
    await expect.poll(() => page.locator('kl-app [data-testid=error]').textContent()).toContain('live: Invalid value: "http://10.1.2.3:7443": must be http:// on 127.0.0.1 or localhost');
  });
});
