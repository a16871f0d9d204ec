/**
 * Seeded randomness, one stream per purpose. A stream's seed is derived from the scenario seed
 * and the purpose's name (SHA-256), so adding a draw in one component never reshuffles another's.
 * The generator is pure-rand's xoroshiro128+; its state is plain numbers, so checkpoints copy it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const encoder = new TextEncoder();

export function deriveSeed(seed: number, purpose: string): number {
  const h = sha256(encoder.encode(`${seed}/${purpose}`));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) | 0;
}

/** A stream of random numbers for one purpose. */
export class Rng {
  constructor(private gen: RandomGenerator) {}

  /**
   * Integer uniform in [min, max], both included: pure-rand's uniformInt, the same numbers. A range
   * of at most 2^31 integers (every draw the simulation makes) is drawn here, as uniformInt draws
   * it (rejection sampling over 2^32), with a 32-bit integer modulo in place of its modulo of a
   * double: no call into C, and an integer result (a double one turns the integer fields it is
   * stored in, such as Raft's randomized election timeout, into double fields).
   */
  int(min: number, max: number): number {
    const range = max - min;
    if (range >= 0 && range < 2147483648 && Number.isInteger(range)) {
      const size = range + 1;
      const maxAllowed = size > 2 ? ~~(4294967296 / size) * size : 4294967296;
      let v = this.gen.next() + 2147483648;
      while (v >= maxAllowed) v = this.gen.next() + 2147483648;
      // v < 2^32 and size <= 2^31 are integers: the remainder is exact, below 2^31.
      return (((v >>> 0) % (size >>> 0)) | 0) + min;
    }
    return uniformInt(this.gen, min, max);
  }

  /** Float uniform in [0, 1), 53 bits. */
  float(): number {
    const hi = uniformInt(this.gen, 0, (1 << 26) - 1);
    const lo = uniformInt(this.gen, 0, (1 << 27) - 1);
    return (hi * 134217728 + lo) / 9007199254740992;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  /** Lower-case alphanumerics as Kubernetes' utilrand.String draws them (no vowels, no 0/1/3). */
  kubeString(n: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }

  /** A random RFC 4122 version-4 UUID, from this stream. */
  uuid(): string {
    const hex = (n: number) => {
      let s = '';
      for (let i = 0; i < n; i++) s += this.int(0, 15).toString(16);
      return s;
    };
    const variant = (8 + this.int(0, 3)).toString(16);
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }

  state(): number[] {
    return [...this.gen.getState()];
  }
}

/** All streams of one run, created lazily by name. */
export class RngStreams {
  private streams = new Map<string, Rng>();

  constructor(readonly seed: number) {}

  stream(purpose: string): Rng {
    let r = this.streams.get(purpose);
    if (!r) {
      r = new Rng(xoroshiro128plus(deriveSeed(this.seed, purpose)));
      this.streams.set(purpose, r);
    }
    return r;
  }

  snapshot(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const name of [...this.streams.keys()].sort()) out[name] = this.streams.get(name)!.state();
    return out;
  }

  restore(states: Record<string, number[]>): void {
    this.streams.clear();
    for (const name of Object.keys(states).sort()) {
      this.streams.set(name, new Rng(xoroshiro128plusFromState(states[name]!)));
    }
  }
}
