/**
 * The control plane at scale (issue 7's benchmark): N nodes, each with a kubelet and containerd,
 * kube-controller-manager and kube-scheduler (packages/scheduler's default profile), behind the
 * controller test harness's in-memory apiserver (controllers/testing/fake-apiserver.ts: the REST
 * semantics the controllers use, without etcd or authn/authz). Deployments totalling P pods are
 * created through it; the run ends when every pod is Running. Prints pods/s (wall clock) and the
 * simulated-to-real time ratio. Trace recording is off (a filter drops every entry), as a bench
 * of the models rather than of the recorder.
 *
 * `pnpm bench control-plane` runs 500 nodes / 1,000 pods by default; KUBELAB_CP_NODES and
 * KUBELAB_CP_PODS set the issue's 5,000 / 10,000.
 */
import { buildWorld, deployment } from '../packages/sim-core/src/controllers/testing/world';

export function bench(): void {
  const nodes = Number(process.env.KUBELAB_CP_NODES ?? 500);
  const pods = Number(process.env.KUBELAB_CP_PODS ?? 1000);
  const perDeployment = 100;
  const t0 = performance.now();
  const w = buildWorld({ seed: 1, nodes, cachedImages: ['nginx'], traceFilter: () => false, leases: false });
  const built = performance.now();
  const n = Math.ceil(pods / perDeployment);
  for (let i = 0; i < n; i++) w.call(1_000_000 + i * 1000, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment(`web-${i}`, Math.min(perDeployment, pods - i * perDeployment)));
  let running = 0;
  let simUs = 1_000_000;
  const start = performance.now();
  while (simUs < 3_600_000_000) {
    simUs += 1_000_000;
    w.k.runUntil(simUs);
    running = 0;
    for (const p of Object.values(w.api().store['pods'] ?? {})) if (p.status?.phase === 'Running') running++;
    if (running >= pods) break;
  }
  const wallMs = performance.now() - start;
  console.log(`${nodes} nodes, ${pods} pods in ${n} deployments: all Running at simulated ${(simUs / 1e6).toFixed(0)} s`);
  console.log(`  set-up ${(built - t0).toFixed(0)} ms; create → Running ${wallMs.toFixed(0)} ms wall = ${((running / wallMs) * 1000).toFixed(0)} pods/s; simulated/real ${((simUs - 1_000_000) / 1000 / wallMs).toFixed(1)}×`);
}
