/**
 * The browser lab in real Chromium: build the page with Vite, serve it on 127.0.0.1, load it,
 * play the kubectl-get-pods flow, step back and forward, seek, and check that the trace hash the
 * page computed equals the one `lab flow` computes in Node for the same seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlow } from '@kubelab/sim-core';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable } from './chromium';
import { serveStatic } from './serve-static';

const avail = chromiumAvailable();
const uiRoot = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!avail.ok)('browser lab in Chromium', () => {
  let outDir = '';
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'kubelab-ui-'));
    await build({ configFile: join(uiRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await serveStatic(outDir);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  const app = () => page.locator('kl-app');
  const attr = async (name: string) => (await app().getAttribute(name)) ?? '';
  const click = (testid: string) => app().locator(`[data-testid=${testid}]`).click();

  it('computes the same trace hash as Node for the same seed', async () => {
    await page.goto(`${server.url}?seed=7`);
    await page.waitForSelector('kl-app[data-ready]');
    const node = runFlow('kubectl-get-pods', { seed: 7 });
    expect(await attr('data-trace-hash')).toBe(node.traceHash);
    expect(await app().locator('[data-testid=trace-hash]').textContent()).toBe(node.traceHash);
    expect(await attr('data-step')).toBe('0');
    expect(await app().locator('[data-testid=steps] li').count()).toBe(7);
  });

  it('plays the flow forward through every step, animating messages, and prints the table', async () => {
    // Start just at step 2 and play at 1 ms of simulated time per wall second, recording every step the page shows.
    await click('step-forward');
    await click('step-forward');
    expect(await attr('data-step')).toBe('2');
    await page.evaluate(() => {
      const el = document.querySelector('kl-app')!;
      (window as any).__steps = [];
      (window as any).__flights = 0;
      new MutationObserver(() => {
        (window as any).__steps.push(el.getAttribute('data-step'));
        const n = el.shadowRoot!.querySelector('kl-topology')!.shadowRoot!.querySelectorAll('[data-flight]').length;
        (window as any).__flights = Math.max((window as any).__flights, n);
      }).observe(el, { attributes: true, attributeFilter: ['data-step', 'data-playhead-us'] });
    });
    await app().locator('[data-testid=speed]').selectOption('1000');
    await click('play');
    await page.waitForFunction(() => document.querySelector('kl-app')!.getAttribute('data-playing') === 'false' && document.querySelector('kl-app')!.getAttribute('data-step') === '7', undefined, { timeout: 30_000 });
    const seen: string[] = await page.evaluate(() => (window as any).__steps);
    const flights: number = await page.evaluate(() => (window as any).__flights);
    // the steps were reached one after another in simulated time, in order, not jumped to the end
    const distinct = [...new Set(seen)];
    expect(distinct).toEqual([...distinct].sort());
    expect(distinct.filter((s) => ['3', '4', '5', '6'].includes(s)).length).toBeGreaterThanOrEqual(3);
    expect(flights).toBeGreaterThan(0);
    const terminal = await app().locator('[data-testid=terminal]').textContent();
    expect(terminal).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(terminal).toContain('Running');
  });

  it('steps back and forward, and seeks', async () => {
    await click('step-back');
    expect(await attr('data-step')).toBe('6');
    await click('step-back');
    expect(await attr('data-step')).toBe('5');
    expect(await app().locator('[data-testid=terminal]').textContent()).not.toContain('NAME');
    await click('step-forward');
    expect(await attr('data-step')).toBe('6');
    await click('restart');
    expect(await attr('data-step')).toBe('0');
    for (let i = 1; i <= 4; i++) await click('step-forward');
    expect(await attr('data-step')).toBe('4');
    expect(await app().locator('[data-testid=step-detail]').textContent()).toContain('"authorizer": "system-privileged-group.authorizer.kubernetes.io"');
  });

  it('clicking an event shows the message contents', async () => {
    await app().locator('kl-event-list tr', { hasText: 'GET /api/v1/namespaces/default/pods' }).click();
    const detail = await app().locator('[data-testid=message-detail]').textContent();
    expect(detail).toContain('"path": "/api/v1/namespaces/default/pods?limit=500"');
    expect(detail).toContain('as=Table');
  });

  it('plays the create-deployment flow: the same trace hash as Node, the seed\'s twelve steps', async () => {
    await page.goto(`${server.url}?flow=create-deployment&seed=2`);
    await page.waitForSelector('kl-app[data-ready]', { timeout: 60_000 });
    const node = runFlow('create-deployment', { seed: 2 });
    expect(await attr('data-trace-hash')).toBe(node.traceHash);
    const steps = await app().locator('[data-testid=steps] li').allTextContents();
    // Steps 7–12 repeat per pod: the page lists every step Node's run has, in order, and all twelve of the seed's titles.
    expect(steps.map((t) => t.trim().split(' — ')[0])).toEqual(node.steps.map((x) => x.title));
    expect(new Set(node.steps.map((x) => x.step))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  });

  it('a bad URL parameter gets a clear error naming it', async () => {
    await page.goto(`${server.url}?seed=abc`);
    await expect.poll(() => app().locator('[data-testid=error]').textContent()).toContain('seed: Invalid value: "abc"');
    await page.goto(`${server.url}?flow=nope`);
    await expect.poll(() => app().locator('[data-testid=error]').textContent()).toContain('flow: Invalid value: "nope"');
  });

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
