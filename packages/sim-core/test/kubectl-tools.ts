/**
 * Finding the real kubectl binaries (the machine image ships 1.27–1.33 beside the dispatcher in
 * /usr/lib/google-cloud-sdk/bin). Missing outside CI: skip with a printed reason; under CI=true:
 * fail.
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';

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
