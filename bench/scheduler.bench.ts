/**
 * kube-scheduler throughput, after upstream's scheduler_perf SchedulingBasic/5000Nodes_10000Pods
 * (test/integration/scheduler_perf/config/performance-config.yaml, templates node-default.yaml
 * and pod-default.yaml): 5,000 nodes of cpu 4 / memory 32Gi / pods 110 (allocatable defaulted
 * from capacity, as the apiserver does), 1,000 pods placed first, then 10,000 pods of 100m CPU /
 * 500Mi measured, through the full v1.33 default profile with exact scores. Each cycle is
 * schedulePod (filter 500 feasible nodes from the rotating start index, PreScore, Score,
 * NormalizeScore, weights, selectHost) plus the assume (adding the pod to the cache).
 * Upstream's CI gate for this workload is 680 pods/s; our goal is 6,800 pods/s.
 *
 * Also: the same with the per-node explanation maps built (what `lab schedule` returns), and
 * scheduleOne on plain objects for the 3-node Tower Fleet (what sim-core's kube-scheduler calls).
 * Prints figures; never asserts.
 */
import { ClusterSnapshot, createScheduler, type Node, type Pod, type Rand } from '../packages/scheduler/src/index';

function rand(seed: number): Rand {
  let s = seed >>> 0;
  return {
    intn(n: number) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s % n;
    },
  };
}

const node = (i: number): Node => ({
  kind: 'Node',
  metadata: { name: `scheduler-perf-${i}` },
  spec: {},
  status: { capacity: { pods: '110', cpu: '4', memory: '32Gi' }, allocatable: { pods: '110', cpu: '4', memory: '32Gi' } },
});

const pod = (i: number): Pod => ({
  kind: 'Pod',
  metadata: { name: `pod-${i}`, namespace: 'default' },
  spec: {
    containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } } }],
  },
});

function run(explain: boolean, measure: number): { ms: number; cpuMs: number; scheduled: number; evaluated: number } {
  const s = createScheduler();
  const snap = new ClusterSnapshot({ nodes: Array.from({ length: 5000 }, (_, i) => node(i)) });
  const r = rand(1);
  let seq = 0;
  const one = (ex: boolean) => {
    const p = pod(seq++);
    const res = s.schedulePod(snap, p, r, { explain: ex });
    if (res.selected) snap.addPod(p, res.selected);
    return res;
  };
  for (let i = 0; i < 1000; i++) one(false);
  let scheduled = 0;
  let evaluated = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < measure; i++) {
    const res = one(explain);
    if (res.selected) scheduled++;
    evaluated += res.evaluatedNodes;
  }
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, scheduled, evaluated };
}

export function bench(): void {
  run(false, 2000); // warm-up
  const a = run(false, 10_000);
  console.log(
    `SchedulingBasic/5000Nodes_10000Pods (default profile, exact scores): ${a.scheduled}/10000 scheduled in ${a.ms.toFixed(0)} ms = ${Math.round((10_000 / a.ms) * 1000).toLocaleString('en-US')} pods/s, ${((a.ms / 10_000) * 1000).toFixed(1)} µs per cycle (${(a.evaluated / 10_000).toFixed(0)} nodes evaluated per cycle; upstream gate 680 pods/s, goal 6,800)`,
  );
  // On a busy machine wall time includes waiting for a core; CPU time (user + system, GC threads included) does not.
  console.log(`  by process CPU time: ${Math.round((10_000 / a.cpuMs) * 1000).toLocaleString('en-US')} pods/s, ${((a.cpuMs / 10_000) * 1000).toFixed(1)} µs CPU per cycle`);
  const b = run(true, 2000);
  console.log(`  same with per-node explanations built (lab schedule's JSON): ${Math.round((2000 / b.ms) * 1000).toLocaleString('en-US')} pods/s, ${((b.ms / 2000) * 1000).toFixed(1)} µs per cycle`);

  // sim-core's path: scheduleOne on plain objects, 3 Tower Fleet-sized nodes, growing pod list.
  const s = createScheduler();
  const nodes = ['k3s-master', 'k3s-worker-1', 'k3s-worker-2'].map((n) => ({ ...node(0), metadata: { name: n, labels: { 'kubernetes.io/hostname': n } }, status: { allocatable: { cpu: '4', memory: '8129880Ki', pods: '110' } } }));
  const pods: Pod[] = [];
  const r = rand(2);
  const t0 = performance.now();
  const n = 300;
  for (let i = 0; i < n; i++) {
    const p = pod(100_000 + i);
    const res = s.scheduleOne({ nodes, pods }, p, r);
    if (res.selected) pods.push({ ...p, spec: { ...p.spec, nodeName: res.selected } });
  }
  const ms = performance.now() - t0;
  console.log(`  scheduleOne on plain objects (3 nodes, 0→${pods.length} placed pods, explanations on): ${((ms / n) * 1000).toFixed(1)} µs per call`);
}
