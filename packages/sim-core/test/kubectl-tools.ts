/**
 * Finding the real kubectl binaries (the machine image ships 1.27–1.33 beside the dispatcher in
 * /usr/lib/google-cloud-sdk/bin). Missing outside CI: skip with a printed reason; under CI=true:
 * fail.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServe, type ServeAddWorker } from '../src/cli/commands/serve';
import type { LabServer } from '../src/cli/serve/server';

const DIR = process.env.KUBECTL_DIR ?? '/usr/lib/google-cloud-sdk/bin';

export function kubectlBinaries(versions: string[]): { version: string; path: string }[] {
  const found = versions.map((v) => ({ version: v, path: `${DIR}/kubectl.${v}` })).filter((b) => existsSync(b.path));
  if (found.length < versions.length) {
    const missing = versions.filter((v) => !found.some((f) => f.version === v));
    const reason = `kubectl ${missing.join(', ')} not found in ${DIR} (set KUBECTL_DIR)`;
    if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
    console.warn(`skipping: ${reason}`);
  }
  return found;
}

/** Runs kubectl without blocking the event loop (the server under test may live in this process). */
export function runKubectl(bin: string, home: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(bin, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) p.stdin.end(input);
    else p.stdin.end();
  });
}

/**
 * One `lab serve` for a describe block of kubectl tests: started before its tests (HOME and the
 * kubeconfig in a fresh temporary directory), stopped and removed after them, even when they fail.
 * `k(...)` runs this kubectl against it; `until` polls a condition (every 100 ms, `tries` times).
 */
export function labServeForKubectl(b: { version: string; path: string }, opts: { name: string; seed: number; auditLog?: boolean; speed?: number; addWorker?: ServeAddWorker }) {
  const lab = {
    dir: '',
    kubeconfig: '',
    k: (...args: string[]) => runKubectl(b.path, join(lab.dir, 'home'), ['--kubeconfig', lab.kubeconfig, ...args]),
    kIn: (input: string, ...args: string[]) => runKubectl(b.path, join(lab.dir, 'home'), ['--kubeconfig', lab.kubeconfig, ...args], input),
    until: async (what: string, ok: () => Promise<boolean>, tries = 150) => {
      for (let i = 0; i < tries; i++) {
        if (await ok()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
  };
  let server: LabServer | undefined;
  let feed: { close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    lab.dir = mkdtempSync(join(tmpdir(), `kubelab-kubectl-${opts.name}-${b.version}-`));
    const s = await startServe({ scenario: 'tower-fleet', seed: opts.seed, port: 0, kubeconfig: join(lab.dir, 'kubeconfig'), speed: opts.speed ?? 4, quiet: true, ...(opts.auditLog ? { auditLog: join(lab.dir, 'audit.log') } : {}), ...(opts.addWorker ? { addWorker: opts.addWorker } : {}) });
    server = s.server;
    feed = s.feed;
    lab.kubeconfig = s.kubeconfig;
  });
  afterAll(async () => {
    await server?.close();
    await feed?.close();
    if (lab.dir) rmSync(lab.dir, { recursive: true, force: true });
  });
  return lab;
}
