/**
 * The kernel's throughput: events per second through the queue with trace recording (stable
 * JSON + SHA-256) on, for a synthetic ping mesh and for the Tower Fleet scenario; and seeking in a
 * 10-minute Tower Fleet run (restore the nearest checkpoint, replay).
 */
import { Kernel, Simulation, seconds, type Model } from '../packages/sim-core/src/index';

function mesh(n: number): Kernel {
  const k = new Kernel({ seed: 1, epochMs: 0, defaultLink: { latencyUs: 200, jitterUs: 50 } });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    k.addHost({ name: `h${i}`, ip: `10.0.0.${i + 1}`, role: 'x' });
    ids.push(`h${i}/p`);
  }
  const model = (i: number): Model<{ n: number }> => ({
    type: 'pinger',
    init: () => ({ n: 0 }),
    step(s, input) {
      if (input.type === 'start') return { state: s, outputs: [{ type: 'timer', name: 't', afterUs: 1000 }] };
      if (input.type === 'timer') {
        s.n++;
        return { state: s, outputs: [{ type: 'send', to: ids[(i + 1) % n]!, kind: 'ping', payload: { n: s.n } }, { type: 'timer', name: 't', afterUs: 1000 }] };
      }
      return { state: s, outputs: [] };
    },
  });
  for (let i = 0; i < n; i++) k.spawn(`h${i}`, 'p', model(i));
  return k;
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const r = f();
  return [r, performance.now() - t0];
}

export async function bench(): Promise<void> {
  const k = mesh(10);
  const [, msMesh] = time(() => k.runUntil(seconds(10)));
  console.log(`kernel ping mesh (10 processes, trace on): ${k.trace.length} trace entries in ${msMesh.toFixed(0)} ms = ${Math.round((k.trace.length / msMesh) * 1000).toLocaleString('en-US')} events/s`);

  const sim = new Simulation('tower-fleet', { seed: 1, checkpointEveryUs: seconds(5) });
  const [, msRun] = time(() => sim.runUntil(seconds(600)));
  console.log(`tower-fleet 10 min simulated: ${sim.trace.length} events in ${msRun.toFixed(0)} ms = ${Math.round((sim.trace.length / msRun) * 1000).toLocaleString('en-US')} events/s, ${Math.round(600_000 / msRun)}x real time`);

  const targets = [590, 12, 333, 47, 599, 1, 250, 421];
  const [, msSeek] = time(() => {
    for (const t of targets) sim.seek(seconds(t));
  });
  console.log(`seek in a 10-minute run (checkpoint every 5 s, restore + replay): ${(msSeek / targets.length).toFixed(1)} ms per seek (${targets.length} seeks)`);
}
