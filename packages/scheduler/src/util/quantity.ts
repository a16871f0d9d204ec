/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go) reduced to what the
 * scheduler needs: parse the canonical forms ("100m", "500Mi", "4", "1e3", "32Gi", "0.5") into an
 * exact count of nano-units (BigInt), add them exactly, and read `Value()` / `MilliValue()`,
 * which round UP (ceil) as upstream's do.
 *
 * Left out: formatting back to canonical strings, and values finer than 1n (upstream keeps them
 * in inf.Dec and ceil-rounds at Value/MilliValue; we ceil to 1n when parsing, which gives the
 * same Value/MilliValue for any value a manifest realistically holds).
 */

const binarySuffix: Record<string, bigint> = {
  Ki: 1024n,
  Mi: 1024n ** 2n,
  Gi: 1024n ** 3n,
  Ti: 1024n ** 4n,
  Pi: 1024n ** 5n,
  Ei: 1024n ** 6n,
};
// Decimal suffixes as a power of ten.
const decimalSuffix: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const re = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

export class QuantityError extends Error {}

// Manifests repeat the same few quantity strings ("100m", "500Mi", "4"): parse each once.
const parsed = new Map<string | number, bigint>();

/** Parses a quantity into nano-units (value × 10^9), exactly; throws QuantityError if malformed. */
export function parseQuantityNano(q: string | number): bigint {
  let v = parsed.get(q);
  if (v === undefined) {
    v = parseQuantityNanoUncached(q);
    if (parsed.size >= 4096) parsed.clear();
    parsed.set(q, v);
  }
  return v;
}

function parseQuantityNanoUncached(q: string | number): bigint {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    q = String(q);
  }
  const m = re.exec(q.trim());
  if (!m || q.trim() === '') throw new QuantityError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const [, sign, num, suffix, exp] = m;
  const [intPart, fracPart = ''] = num!.split('.');
  // digits as an integer scaled by 10^-frac.length
  const digits = BigInt((intPart || '0') + fracPart);
  let pow10 = -fracPart.length + 9; // to nano
  let mult = 1n;
  if (suffix !== undefined && suffix in binarySuffix) mult = binarySuffix[suffix]!;
  else if (suffix !== undefined) pow10 += decimalSuffix[suffix]!;
  else if (exp !== undefined) pow10 += Number(exp);
  let v = digits * mult;
  if (pow10 >= 0) v *= 10n ** BigInt(pow10);
  else {
    const d = 10n ** BigInt(-pow10);
    v = (v + d - 1n) / d; // ceil to 1n
  }
  return sign === '-' ? -v : v;
}

const NANO = 1_000_000_000n;
const MICRO_PER_MILLI = 1_000_000n;

function ceilDiv(a: bigint, b: bigint): bigint {
  if (a >= 0n) return (a + b - 1n) / b;
  return a / b; // toward zero == ceil for negatives
}

/** Quantity.Value(): ceil(value). */
export function valueOfNano(nano: bigint): number {
  return Number(ceilDiv(nano, NANO));
}

/** Quantity.MilliValue(): ceil(value × 1000). */
export function milliValueOfNano(nano: bigint): number {
  return Number(ceilDiv(nano, MICRO_PER_MILLI));
}

export function quantityValue(q: string | number): number {
  return valueOfNano(parseQuantityNano(q));
}

export function quantityMilliValue(q: string | number): number {
  return milliValueOfNano(parseQuantityNano(q));
}
