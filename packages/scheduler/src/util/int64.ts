/**
 * Go int64 arithmetic on JS numbers, as kube-scheduler's scoring does it.
 *
 * - `quo(a, b)` is Go's `a / b` for int64: truncation toward zero (never Math.floor), exact for
 *   every safe integer (the float quotient is corrected by one step when rounding crossed an
 *   integer).
 * - `mulDiv(a, b, c)` is `(a * b) / c` with the product kept exact: BigInt when it leaves the
 *   safe-integer range (memory in bytes × 100 does on nodes above ~90 TB).
 * - `goRound(x)` is Go's math.Round: half away from zero (JS Math.round rounds -2.5 to -2).
 * - `int64FromFloat(x)` is Go's `int64(f)` conversion: truncation toward zero.
 *
 * Left out: int64 overflow wrap-around (upstream's configs reject the inputs that would overflow).
 */

export function quo(a: number, b: number): number {
  if (a >= 0 && b > 0) {
    // the common case in scoring: no signs to fix
    let q = Math.floor(a / b);
    if (q * b > a) q--;
    else if ((q + 1) * b <= a) q++;
    return q;
  }
  if (b === 0) throw new RangeError('integer divide by zero');
  const neg = a < 0 !== b < 0;
  const A = Math.abs(a);
  const B = Math.abs(b);
  let q = Math.floor(A / B);
  if (q * B > A) q--;
  else if ((q + 1) * B <= A) q++;
  return neg ? (q === 0 ? 0 : -q) : q;
}

export function mulDiv(a: number, b: number, c: number): number {
  const p = a * b;
  if (p <= 9007199254740991 && p >= -9007199254740991) return quo(p, c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

export function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  // The nearest integer, halves away from zero. `a - trunc(a)` is exact for doubles, so this is
  // right where Math.trunc(x + 0.5) is not (0.49999999999999994 + 0.5 rounds up to 1).
  const a = Math.abs(x);
  const t = Math.trunc(a);
  const r = a - t >= 0.5 ? t + 1 : t;
  return x < 0 ? (r === 0 ? 0 : -r) : r;
}

export function int64FromFloat(x: number): number {
  const t = Math.trunc(x);
  return t === 0 ? 0 : t;
}
