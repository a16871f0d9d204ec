/**
 * The randomness a model needs, passed in (never Math.random): sim-core's Rng satisfies it.
 * int(min, max) is inclusive on both ends; float() is in [0, 1).
 */
export interface RandomSource {
  int(min: number, max: number): number;
  float(): number;
}
