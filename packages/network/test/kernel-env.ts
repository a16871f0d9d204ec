/**
 * Helpers for the real-kernel suites: tool detection (skip outside CI, fail in CI), namespaces named
 * with a unique kl-<pid>- prefix and removed by name, commands run with a timeout.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const PREFIX = `kl-${process.pid}`;

export function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** Returns a reason to skip, or null. In CI a missing tool or privilege is a failure, not a skip. */
export function kernelSkipReason(tools: string[]): string | null {
  const missing = tools.filter((t) => !have(t));
  const notRoot = typeof process.getuid === 'function' && process.getuid() !== 0;
  const reason = notRoot ? 'not running as root' : missing.length ? `missing tools: ${missing.join(', ')}` : null;
  if (reason && process.env.CI === 'true') throw new Error(`real-kernel network suite cannot run in CI: ${reason}`);
  if (reason) console.log(`skipping real-kernel network suite: ${reason}`);
  return reason;
}

export function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 20_000, ...(input !== undefined ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
}

export function nsExec(ns: string, cmd: string, args: string[], input?: string): string {
  return sh('ip', ['netns', 'exec', ns, cmd, ...args], input);
}

export function deleteNamespaces(names: string[]): void {
  for (const n of names) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
}
