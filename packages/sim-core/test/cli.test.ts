/**
 * The `lab` command as a learner runs it: JSON shapes, determinism across processes, and clear
 * errors with a non-zero exit for bad flags and unknown names.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const main = join(repo, 'packages/sim-core/src/cli/main.ts');

export function lab(...args: string[]) {
  const r = spawnSync(tsx, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'kubelab-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lab run', () => {
  it('prints scenario, seed, simulatedMs, events and traceHash; same seed → same hash in another process; other seed → other hash', () => {
    const a = lab('run', 'tower-fleet', '--seed', '7', '--for', '30s', '-o', 'json');
    const b = lab('run', 'tower-fleet', '--seed', '7', '--for', '30s', '-o', 'json');
    const c = lab('run', 'tower-fleet', '--seed', '8', '--for', '30s', '-o', 'json');
    expect(a.code).toBe(0);
    const ja = JSON.parse(a.stdout);
    expect(ja).toMatchObject({ scenario: 'tower-fleet', seed: 7, simulatedMs: 30000 });
    expect(ja.events).toBeGreaterThan(100);
    expect(ja.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(b.stdout).traceHash).toBe(ja.traceHash);
    expect(JSON.parse(c.stdout).traceHash).not.toBe(ja.traceHash);
  });

  it('--trace writes JSON lines whose SHA-256 is the trace hash', () => {
    const file = join(tmp, 'trace.jsonl');
    const r = lab('run', 'tower-fleet', '--seed', '3', '--for', '5s', '--trace', file, '-o', 'json');
    expect(r.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(JSON.parse(r.stdout).traceHash);
    expect(text.split('\n').filter(Boolean).length).toBe(JSON.parse(r.stdout).events);
  });

  it.each([
    [['run', 'tower-flet'], 'unknown scenario "tower-flet"'],
    [['run', 'tower-fleet', '--for', 'soon'], '--for: Invalid value: "soon"'],
    [['run', 'tower-fleet', '--seed', 'x'], '--seed must be an integer, got "x"'],
    [['run', 'tower-fleet', '--color'], "unknown option '--color'"],
    [['run', 'tower-fleet', '-o', 'xml'], "Allowed choices are text, json"],
    [['flow', 'kubectl-get-pod'], 'unknown flow "kubectl-get-pod"'],
    [['flow', 'kubectl-get-pods', '--scenario', 'nope'], 'unknown scenario "nope"'],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('lab %j fails with a clear message', (args, message) => {
    const r = lab(...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });
});

describe('lab flow kubectl-get-pods', () => {
  it('JSON has the seven steps in the seed\'s order, the table and the trace hash', () => {
    const r = lab('flow', 'kubectl-get-pods', '--seed', '7', '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.steps.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const s of j.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['step', 'title', 'component', 'atMs']));
    expect(j.output).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    expect(j.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(lab('flow', 'kubectl-get-pods', '--seed', '7', '-o', 'json').stdout).toBe(r.stdout);
  });

  it('text output lists the steps and the terminal', () => {
    const r = lab('flow', 'kubectl-get-pods');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5. Query for pod objects');
    expect(r.stdout).toContain('traceHash ');
  });
});
