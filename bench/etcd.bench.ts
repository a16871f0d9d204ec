/**
 * The etcd model's speed: 60 simulated seconds of a 3-member cluster with a leader SIGKILL at
 * 20 s (restart at 40 s) and a client writing 100 times a second, timed on the wall clock.
 * Goal: ≤ 60 ms wall, i.e. ≥ 1,000× real time. Also: 1,000 VOPR schedules, and the pure Raft.
 */
import { runExperiment } from '../packages/sim-core/src/etcd/experiment';
import { runVopr } from '../packages/sim-core/src/etcd/vopr';

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

export async function bench(): Promise<void> {
  const run = (seed: number) => runExperiment({ members: 3, fault: 'kill-leader', atUs: 20_000_000, restoreAtUs: 40_000_000, forUs: 60_000_000, writesPerSecond: 100, seed });
  for (let i = 0; i < 3; i++) run(100 + i); // warm up
  const walls: number[] = [];
  let ops = 0;
  for (let i = 0; i < 10; i++) {
    const [t, ms] = time(() => run(1 + i));
    walls.push(ms);
    ops = t.ops.length;
  }
  walls.sort((a, b) => a - b);
  const med = walls[Math.floor(walls.length / 2)]!;
  console.log(`etcd 3 members, 60 s simulated, leader kill, 100 writes/s (${ops} client ops): median ${med.toFixed(1)} ms wall over 10 runs (min ${walls[0]!.toFixed(1)}, max ${walls[walls.length - 1]!.toFixed(1)}) = ${Math.round(60_000 / med)}× real time (goal ≥ 1000×, ≤ 60 ms)`);
  const [, vms] = time(() => {
    for (let s = 0; s < 200; s++) runVopr(3 + 2 * (s % 3), s, [{ atMs: 2000, kind: 'kill', targets: [s] }, { atMs: 5000, kind: 'restart', targets: [s] }], { durationMs: 8000 });
  });
  console.log(`VOPR: 200 schedules of 8 s simulated: ${vms.toFixed(0)} ms wall (${(vms / 200).toFixed(1)} ms each)`);
}
