/**
 * `lab schedule` and `lab what-if` on the Tower Fleet example in docs/examples/scheduler: the
 * JSON shape, the three score tables, determinism for a seed, and errors that name the flag and
 * value with exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../../..', import.meta.url));
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const main = join(repo, 'packages/sim-core/src/cli/main.ts');
const ex = (f: string) => join(repo, 'docs/examples/scheduler', f);
const lab = (...args: string[]) => {
  const r = spawnSync(tsx, [main, ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = mkdtempSync(join(tmpdir(), 'kubelab-sched-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lab schedule', () => {
  it('explains the Tower Fleet placement as JSON', () => {
    const r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', ex('pod.yaml'), '-o', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.selected).toBe('k3s-master');
    expect(j.filtered).toEqual({});
    expect(j.totals).toEqual({ 'k3s-master': 488, 'k3s-worker-1': 478, 'k3s-worker-2': 480 });
    expect(j.scores['k3s-master'].NodeResourcesFit).toEqual({ raw: 92, normalized: 92, weighted: 92 });
    expect(j.scores['k3s-worker-2'].TaintToleration).toEqual({ raw: 0, normalized: 100, weighted: 300 });
    expect(j.message).toBeUndefined();
  });
  it('prints the raw, normalized and weighted tables', () => {
    const r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', ex('pod.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Raw scores (plugin Score)');
    expect(r.stdout).toContain('Normalized scores (NormalizeScore, 0-100)');
    expect(r.stdout).toContain('Weighted scores (normalized × weight)');
    expect(r.stdout).toMatch(/k3s-master\s+300\s+92\s+96\s+0\s+488/);
    expect(r.stdout).toContain('Selected: k3s-master (total 488)');
  });
  it('takes a KubeSchedulerConfiguration', () => {
    const r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', ex('pod.yaml'), '--config', ex('kube-scheduler-config.yaml'), '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.weights.ImageLocality).toBe(5);
    expect(j.selected).toBe('k3s-worker-1');
  });
  it("gives upstream's FitError when nothing fits", () => {
    const pod = join(tmp, 'big.yaml');
    writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: "5"}}}]\n');
    const r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', pod, '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.selected).toBeNull();
    expect(j.message).toBe('0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..');
  });
  it('names the flag and value on bad input, exit 2', () => {
    const bad = join(tmp, 'bad-node.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {allocatable: {cpu: lots}}\n');
    let r = lab('schedule', '-f', bad, '--pod', ex('pod.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: -f .*bad-node\.yaml: .*status\.allocatable\[cpu\]: Invalid value: "lots"/);
    r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', ex('cluster.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --pod');
    expect(r.stderr).toContain('kind: Unsupported value: "Node"');
    r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', ex('pod.yaml'), '--seed', '-3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--seed must be between 0 and');
    const cfg = join(tmp, 'cfg.yaml');
    writeFileSync(cfg, 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 120\n');
    r = lab('schedule', '-f', ex('cluster.yaml'), '--pod', ex('pod.yaml'), '--config', cfg);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --config ${cfg}: percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]\n`);
    const placed = join(tmp, 'placed.yaml');
    writeFileSync(placed, 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {nodeName: nowhere, containers: [{name: c, image: i}]}\n');
    r = lab('schedule', '-f', placed, '--pod', ex('pod.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('spec.nodeName: Not found: "nowhere"');
  });
});

describe('lab what-if', () => {
  it('reports which pods moved, with both explanations, the same for the same seed', () => {
    const args = ['what-if', '-f', ex('cluster.yaml'), '--pods', ex('pods.yaml'), '--variant', ex('variant.yaml'), '--seed', '4', '-o', 'json'];
    const r = lab(...args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.base.map((p: { pod: string }) => p.pod)).toEqual(['default/web-1', 'default/web-2', 'default/batch-1', 'default/gpu-job']);
    expect(j.variant.find((p: { pod: string }) => p.pod === 'default/gpu-job').node).toBe('k3s-worker-2');
    for (const m of j.moved) {
      expect(m.baseResult.selected).toBe(m.base);
      expect(m.variantResult.selected).toBe(m.variant);
      expect(Object.keys(m.variantResult.scores).length).toBeGreaterThan(0);
    }
    expect(j.moved.length).toBeGreaterThan(0);
    expect(lab(...args).stdout).toBe(r.stdout);
  });
  it('rejects an unknown edit, naming it', () => {
    const v = join(tmp, 'v.yaml');
    writeFileSync(v, 'edits:\n- cordon: k3s-worker-9\n');
    const r = lab('what-if', '-f', ex('cluster.yaml'), '--pods', ex('pods.yaml'), '--variant', v);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --variant ${v}: edits[0].cordon: Not found: "k3s-worker-9"\n`);
  });
});
