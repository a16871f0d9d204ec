/**
 * resource.Quantity as kube-apiserver decodes, prints and adds it: the value exactly (a count of
 * nano-units, 10^-9, as BigInt) with its format (DecimalSI "10G", BinarySI "10Gi",
 * DecimalExponent "1e3"), the canonical string the API answers with (`1024Mi` is written back as
 * `1Gi`, `0.5` as `500m`), Add/Cmp/RoundUp, and the ResourceList helpers quota uses.
 *
 * Upstream (apimachinery v0.33.3): pkg/api/resource/quantity.go (parseQuantityString,
 * ParseQuantity — rounding up to nano, BinarySI below 1 becoming DecimalSI —, CanonicalizeBytes,
 * Add, Cmp, RoundUp, the error texts ErrFormatWrong/ErrSuffix), amount.go (AsCanonicalBytes:
 * exponent a multiple of 3; AsCanonicalBase1024Bytes), suffix.go (the suffix tables);
 * k8s.io/apiserver/pkg/quota/v1/resources.go (Add, Subtract, Mask, LessThanOrEqual, Equals,
 * RemoveZeros, IsNegative).
 * Leaves out: the int64 cap on BinarySI values (2^63-1), values of 10^21 and more (DecimalSI has no
 * suffix for them and upstream prints them oddly), the cached original string of "0".
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value × 10^9, exactly. */
  nano: bigint;
  format: QuantityFormat;
}

/** ErrFormatWrong and ErrSuffix. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityParseError extends Error {}

const DEC_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXP: Record<number, string> = Object.fromEntries(Object.entries(DEC_SUFFIX).map(([k, v]) => [v, k]));
const BIN_BY_EXP: Record<number, string> = { 0: '', ...Object.fromEntries(Object.entries(BIN_SUFFIX).map(([k, v]) => [v, k])) };
const NANO = 1_000_000_000n;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** parseQuantityString: sign, numerator, denominator, suffix — or ErrFormatWrong. */
function parseQuantityString(str: string): { positive: boolean; num: string; denom: string; suffix: string } {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  pos = i;
  if (num.length === 0) num = '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i]!)) i++;
  if (i >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  for (i = pos; i < end; i++) if (!isDigit(str[i])) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

/** quantitySuffixer.interpret: base, exponent and format of a suffix. */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  if (suffix in DEC_SUFFIX) return { base: 10, exponent: DEC_SUFFIX[suffix]!, format: 'DecimalSI' };
  if (suffix in BIN_SUFFIX) return { base: 2, exponent: BIN_SUFFIX[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  return undefined;
}

/** ParseQuantity; throws QuantityParseError with upstream's text. */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? String(input) : input;
  if (str.length === 0) throw new QuantityParseError(QUANTITY_FORMAT_ERROR);
  if (str === '0') return { nano: 0n, format: 'DecimalSI' };
  const p = parseQuantityString(str);
  const suf = interpret(p.suffix);
  if (!suf) throw new QuantityParseError(QUANTITY_SUFFIX_ERROR);
  let format = suf.format;
  // value = (num.denom) × base^exponent, rounded up (away from zero) to nano.
  let numer = BigInt(p.num + p.denom);
  let denomPow10 = p.denom.length;
  let mult = 1n;
  if (suf.base === 2) mult = 2n ** BigInt(suf.exponent);
  else if (suf.exponent >= 0) mult = 10n ** BigInt(suf.exponent);
  else denomPow10 += -suf.exponent;
  numer *= mult * NANO;
  const d = 10n ** BigInt(denomPow10);
  let nano = numer / d;
  if (numer % d !== 0n) nano += 1n;
  if (format === 'BinarySI' && nano > 0n && nano < NANO) format = 'DecimalSI';
  return { nano: p.positive ? nano : -nano, format };
}

/** Like parseQuantity, undefined instead of throwing. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  try {
    return parseQuantity(input);
  } catch (e) {
    if (e instanceof QuantityParseError) return undefined;
    throw e;
  }
}

export const zeroQuantity = (format: QuantityFormat = 'DecimalSI'): Quantity => ({ nano: 0n, format });

function removeFactors(v: bigint, base: bigint): [bigint, number] {
  let times = 0;
  while (v !== 0n && v % base === 0n) {
    v /= base;
    times++;
  }
  return [v, times];
}

/** Quantity.String() (CanonicalizeBytes). */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    if (q.nano > -1024n * NANO && q.nano < 1024n * NANO) format = 'DecimalSI';
    else if (q.nano % NANO !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    const [amount, exp] = removeFactors(q.nano / NANO, 1024n);
    return `${amount}${BIN_BY_EXP[exp * 10] ?? ''}`;
  }
  // AsCanonicalBytes: strip factors of ten, then make the exponent a multiple of 3 (Go's %).
  let [amount, times] = removeFactors(q.nano, 10n);
  let exponent = times - 9;
  const r = exponent % 3;
  if (r === 1 || r === -2) {
    amount *= 10n;
    exponent -= 1;
  } else if (r === 2 || r === -1) {
    amount *= 100n;
    exponent -= 2;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  return `${amount}${DEC_BY_EXP[exponent] ?? ''}`;
}

/** The canonical form of a quantity string (what a decode-then-encode writes), or the input when it does not parse. */
export function canonicalQuantity(input: string | number): string {
  const q = tryParseQuantity(input);
  return q ? formatQuantity(roundUp(q, -3)) : String(input);
}

/** Quantity.Add: the receiver keeps its format unless it is zero. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format };
}

export function subQuantity(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano - b.nano, format: a.nano === 0n ? b.format : a.format };
}

export const cmpQuantity = (a: Quantity, b: Quantity): number => (a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0);

/** Quantity.RoundUp(scale): away from zero to a multiple of 10^scale (scale ≥ -9). */
export function roundUp(q: Quantity, scale: number): Quantity {
  const unit = 10n ** BigInt(scale + 9);
  const rem = q.nano % unit;
  if (rem === 0n) return q;
  return { nano: q.nano - rem + (q.nano > 0n ? unit : -unit), format: q.format };
}

/** Quantity.Value() (ceil) and MilliValue() (ceil of ×1000). */
export const quantityValue = (q: Quantity): bigint => (q.nano >= 0n ? (q.nano + NANO - 1n) / NANO : q.nano / NANO);
export const quantityMilliValue = (q: Quantity): bigint => (q.nano >= 0n ? (q.nano + 999_999n) / 1_000_000n : q.nano / 1_000_000n);

export type ResourceList = Record<string, Quantity>;

/** A ResourceList from its JSON form (unparseable entries are left out). */
export function parseResourceList(m: unknown): ResourceList {
  const out: ResourceList = {};
  if (!m || typeof m !== 'object') return out;
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
    const q = tryParseQuantity(v);
    if (q) out[k] = q;
  }
  return out;
}

/** A ResourceList's JSON form, keys sorted (Go marshals maps sorted). */
export function formatResourceList(l: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(l).sort()) out[k] = formatQuantity(l[k]!);
  return out;
}

/** quota.Add. */
export function addList(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) out[k] = b[k] ? addQuantity(v, b[k]!) : v;
  for (const [k, v] of Object.entries(b)) if (!(k in out)) out[k] = v;
  return out;
}

/** quota.Subtract. */
export function subtractList(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = {};
  for (const [k, v] of Object.entries(a)) out[k] = b[k] ? subQuantity(v, b[k]!) : v;
  for (const [k, v] of Object.entries(b)) if (!(k in out)) out[k] = { nano: -v.nano, format: v.format };
  return out;
}

/** quota.Mask: only the named resources. */
export function maskList(l: ResourceList, names: string[]): ResourceList {
  const out: ResourceList = {};
  for (const n of names) if (l[n]) out[n] = l[n]!;
  return out;
}

/** quota.LessThanOrEqual: whether a ≤ b for every resource in both, and the ones that are not. */
export function lessThanOrEqual(a: ResourceList, b: ResourceList): { ok: boolean; exceeded: string[] } {
  const exceeded = Object.keys(b).filter((k) => a[k] && cmpQuantity(a[k]!, b[k]!) > 0);
  return { ok: exceeded.length === 0, exceeded };
}

/** quota.Equals. */
export function equalLists(a: ResourceList | undefined, b: ResourceList | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => b![k] !== undefined && a![k]!.nano === b![k]!.nano);
}

/** quota.RemoveZeros. */
export function removeZeros(l: ResourceList): ResourceList {
  return Object.fromEntries(Object.entries(l).filter(([, v]) => v.nano !== 0n));
}

/** quota.IsNegative: the resources with a negative value. */
export const negativeResources = (l: ResourceList): string[] => Object.keys(l).filter((k) => l[k]!.nano < 0n);
