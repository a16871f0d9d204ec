/**
 * A small deterministic RandomSource for tests and examples (mulberry32). The simulation passes
 * sim-core's seeded Rng instead.
 */
import type { RandomSource } from './rand';

export function mulberry32(seed: number): RandomSource {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { float: next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
