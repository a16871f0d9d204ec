import { describe, expect, it } from 'vitest';
import { humanDuration, shortHumanDuration } from './human-duration';

// Ported from k8s.io/apimachinery/pkg/util/duration/duration_test.go (TestHumanDuration, TestShortHumanDuration).
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('HumanDuration (upstream table)', () => {
  it.each([
    [1 * s, '1s'],
    [70 * s, '70s'],
    [190 * s, '3m10s'],
    [70 * m, '70m'],
    [47 * h, '47h'],
    [49 * h, '2d1h'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * 24 * h, '367d'],
    [(365 * 2 * 24 + 25) * h, '2y1d'],
    [(365 * 8 * 24 + 2) * h, '8y'],
  ])('%d ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));

  it.each([
    [59 * s, '59s'],
    [60 * s, '60s'],
    [10 * m - 1, '9m59s'],
    [10 * m, '10m'],
    [3 * h - 1, '179m'],
    [3 * h, '3h'],
    [8 * h - 1, '7h59m'],
    [8 * h, '8h'],
    [48 * h - 1, '47h'],
    [48 * h, '2d'],
    [8 * d - 1, '7d23h'],
    [8 * d, '8d'],
    [2 * y - 1, '729d'],
    [2 * y, '2y'],
    [8 * y - 1, '7y364d'],
    [8 * y, '8y'],
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
  ])('boundaries: %d ms → %s', (ms, want) => expect(humanDuration(ms)).toBe(want));

  it.each([
    [1 * s, '1s'],
    [70 * s, '1m'],
    [190 * s, '3m'],
    [70 * m, '1h'],
    [47 * h, '1d'],
    [49 * h, '2d'],
    [(8 * 24 + 2) * h, '8d'],
    [367 * 24 * h, '1y'],
  ])('ShortHumanDuration %d ms → %s', (ms, want) => expect(shortHumanDuration(ms)).toBe(want));
});
