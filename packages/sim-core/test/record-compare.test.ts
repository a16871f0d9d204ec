/**
 * `lab record` and `lab compare` over the full HTTP path, as tutorial 04 says the lab's own tests
 * exercise them (no container engine, so no k3d, runs here): the nginx-lifecycle script recorded
 * against `lab serve` (create deployment ×3, scale to 5, delete a pod, cordon and drain the busiest
 * node, uncordon, delete the namespace), then replayed in a second simulation with another seed:
 * every object pairs with one in the replay, every pod went through the same transitions, the
 * Deployment starts and ends alike (its middle depends on how kubectl's requests pace the drain).
 * A recording with one transition changed is reported as differing at that transition.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../src/cli/commands/serve';
import { KubeClient, loadKubeconfig } from '../src/cli/record/kube-client';
import { runScript, type Recording } from '../src/cli/record/scripts';
import { compareHistories } from '../src/cli/record/transitions';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const runCli = async (args: string[]) => {
  const r = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'packages/sim-core/src/cli/main.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: 170_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function record(seed: number): Promise<Recording> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-record-'));
  dirs.push(dir);
  const s = await startServe({ scenario: 'tower-fleet', seed, port: 0, kubeconfig: join(dir, 'kubeconfig'), speed: 20, quiet: true });
  try {
    return await runScript(new KubeClient(loadKubeconfig(s.kubeconfig)), 'nginx-lifecycle', { namespace: 'kubelab-record', timeoutMs: 120_000 });
  } finally {
    await s.server.close();
    await s.feed.close();
  }
}

describe('lab record / lab compare against lab serve', () => {
  let recorded: Recording;

  it('records every step of nginx-lifecycle and the objects\' transitions from watches', async () => {
    recorded = await record(5);
    expect(recorded.server.gitVersion).toBe('v1.33.5+k3s1');
    expect(recorded.steps.every((s) => s.ok)).toBe(true);
    expect(recorded.steps.map((s) => s.step)).toEqual([
      'kubectl create namespace kubelab-record',
      'kubectl create deployment nginx --image=nginx --replicas=3',
      'wait: 3 pods Ready',
      'kubectl scale deployment nginx --replicas=5',
      'wait: 5 pods Ready',
      'kubectl delete pod <one of them>',
      'wait: replaced, 5 pods Ready',
      'kubectl cordon <busiest node>',
      ...recorded.steps.filter((s) => s.step === 'kubectl drain: evict a pod').map((s) => s.step),
      'wait: drained, 5 pods Ready elsewhere',
      'kubectl uncordon <node>',
    ]);
    const kinds = recorded.objects.map((o) => o.kind);
    expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ReplicaSet')).toHaveLength(1);
    // 3 + 2 scaled up + 1 replacement + the drained node's pods replaced.
    expect(kinds.filter((k) => k === 'Pod').length).toBeGreaterThanOrEqual(7);
  }, 180_000);

  it('lab compare: another run of the script pairs every object; pods match by history; the Deployment starts and ends alike; a changed transition is reported', async () => {
    const again = await record(6);
    const cmp = compareHistories(recorded.objects, again.objects);
    // Every recorded object has a simulated partner and vice versa.
    for (const o of cmp.objects) {
      expect(o.recorded, o.key).not.toBeNull();
      expect(o.simulated, o.key).not.toBeNull();
    }
    // Pods: each went through the same transitions as its partner (creation, bind, run, and for the
    // deleted and evicted ones: terminating, deleted).
    const pods = cmp.objects.filter((o) => o.kind === 'Pod');
    expect(pods.filter((o) => !o.match).map((o) => o.key)).toEqual([]);
    // The Deployment: the same first and last states. In between, how a drain's two evictions
    // interleave with the replacements depends on timing (kubectl's requests pace it, in a real
    // cluster as here), and lab compare reports such a difference at its first transition.
    const dep = cmp.objects.find((o) => o.kind === 'Deployment')!;
    expect(dep.recorded![0]).toEqual(dep.simulated![0]);
    expect(dep.recorded!.at(-1)).toEqual(dep.simulated!.at(-1));
    expect(dep.recorded!.at(-1)).toMatchObject({ replicas: 5, ready: 5, available: 5 });
    if (!dep.match) expect(dep.firstDifference).toBeGreaterThan(0);
    // Tampered: one pod never became ready in the "recording".
    const tampered = structuredClone(recorded.objects);
    const p = tampered.find((o) => o.kind === 'Pod')!;
    p.states = p.states.map((st) => ({ ...st, ready: false }));
    const bad = compareHistories(tampered, again.objects);
    const flagged = bad.objects.filter((o) => o.kind === 'Pod' && !o.match);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.key).toBe(p.key);
    expect(flagged[0]!.firstDifference).toBe(p.states.findIndex((st) => st.phase === 'Running'));
  }, 180_000);

  it('the CLI: lab compare prints a line per object and exits 1 exactly when one differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubelab-compare-cli-'));
    dirs.push(dir);
    const file = join(dir, 'recorded.json');
    writeFileSync(file, JSON.stringify(recorded));
    const r = await runCli(['compare', file, '--seed', '9']);
    expect(r.stderr).toBe('');
    const m = /^nginx-lifecycle: (\d+) objects match, (\d+) differ \(recorded from v1\.33\.5\+k3s1\)$/.exec(r.stdout.split('\n')[0]!);
    expect(m).not.toBeNull();
    expect(Number(m![1]) + Number(m![2])).toBe(recorded.objects.length);
    // Exit 1 exactly when something differs; every differing line names its first differing transition.
    expect(r.code).toBe(Number(m![2]) > 0 ? 1 : 0);
    const lines = r.stdout.trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(recorded.objects.length);
    for (const l of lines) expect(l).toMatch(/^ {2}(match  \S+|DIFFER \S+ at transition \d+: recorded .* vs simulated .*)$/);
    const bad = await runCli(['compare', join(dir, 'missing.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<recording>: cannot read');
  }, 180_000);
});
