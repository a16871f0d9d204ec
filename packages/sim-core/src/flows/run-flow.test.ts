import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runFlow } from './run-flow';

describe('flow kubectl-get-pods', () => {
  const r = runFlow('kubectl-get-pods', { seed: 7 });

  it('has the seed\'s seven steps, in the seed\'s order, with its words', () => {
    expect(r.steps.map((s) => [s.step, s.title, s.component])).toEqual([
      [1, 'Read ~/.kube/config', 'kubectl'],
      [2, 'TLS connection to port 6443', 'kube-apiserver'],
      [3, 'Verify client cert', 'kube-apiserver'],
      [4, 'Check RBAC permissions', 'kube-apiserver'],
      [5, 'Query for pod objects', 'etcd'],
      [6, 'Return pod list (JSON format)', 'kube-apiserver'],
      [7, 'kubectl formats as table and prints', 'kubectl'],
    ]);
    const times = r.steps.map((s) => s.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('takes 10–50 ms end to end, as the seed says', () => {
    const total = r.steps[6]!.sinceCommandMs;
    expect(total).toBeGreaterThan(5);
    expect(total).toBeLessThan(50);
  });

  it('every step is a real event: kubeconfig server, client cert identity, RBAC reason, etcd keys', () => {
    const d = (n: number) => r.steps[n - 1]!.detail as any;
    expect(d(1).server).toBe('https://10.89.97.201:6443');
    expect(d(1).clientCertificate.subject).toBe('O=system:masters, CN=system:admin');
    expect(d(2).listener).toBe('10.89.97.201:6443');
    expect(d(3).user).toEqual({ username: 'system:admin', groups: ['system:masters', 'system:authenticated'] });
    // kube-apiserver's superuser authorizer decides for system:masters before RBAC is asked (pkg/kubeapiserver/authorizer/reload.go)
    expect(d(4).decision).toBe('allow');
    expect(d(4).authorizer).toBe('system-privileged-group.authorizer.kubernetes.io');
    expect(d(4).reason).toBe('');
    expect(d(4).rbacAlone.reason).toBe('RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"');
    expect(d(5).key).toBe('/registry/pods/default/');
    expect(d(5).range_end).toBe('/registry/pods/default0');
    expect(d(5).keys).toHaveLength(4);
    expect(d(5).keys.every((k: string) => k.startsWith('/registry/pods/default/'))).toBe(true);
    expect(d(6).status).toBe(200);
    expect(d(6).podList.kind).toBe('PodList');
    expect(d(6).podList.items).toHaveLength(4);
  });

  it('prints the table kubectl prints', () => {
    const lines = r.output.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s{3,}READY   STATUS    RESTARTS   AGE$/);
    expect(lines).toHaveLength(5);
    expect(lines.filter((l) => /^nginx-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+2d5h$/.test(l))).toHaveLength(3);
    expect(lines.some((l) => /^api-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+26h$/.test(l))).toBe(true);
    expect(r.exitCode).toBe(0);
  });

  it('property: the flow is deterministic per seed (hash and output), and different seeds differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const a = runFlow('kubectl-get-pods', { seed });
        const b = runFlow('kubectl-get-pods', { seed });
        expect(a.traceHash).toBe(b.traceHash);
        expect(a.output).toBe(b.output);
        expect(a.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        if (seed !== 7) expect(a.traceHash).not.toBe(r.traceHash);
      }),
      { numRuns: 8 },
    );
  });

  it('unknown flows are refused with the known names', () => {
    expect(() => runFlow('kubectl-get-pod', { seed: 1 })).toThrow('unknown flow "kubectl-get-pod" (known: create-deployment, kubectl-get-pods');
  });
});
