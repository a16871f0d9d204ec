import { describe, expect, it } from 'vitest';
import { addList, addQuantity, canonicalQuantity, formatQuantity, lessThanOrEqual, parseQuantity, parseResourceList, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, roundUp, type Quantity, type QuantityFormat } from './quantity';

// Cases from k8s.io/apimachinery v0.33.5 pkg/api/resource/quantity_test.go.
/** decQuantity(v, scale, format) as nano-units. */
const dec = (v: number, scale: number, format: QuantityFormat): Quantity => {
  const s = scale + 9;
  return { nano: s >= 0 ? BigInt(v) * 10n ** BigInt(s) : BigInt(v) / 10n ** BigInt(-s), format };
};

describe('ParseQuantity (TestQuantityParse)', () => {
  const table: [string, Quantity][] = [
    ['0', dec(0, 0, 'DecimalSI')],
    ['1Ki', dec(1024, 0, 'BinarySI')],
    ['7Mi', dec(7 * 1024 * 1024, 0, 'BinarySI')],
    ['5n', dec(5, -9, 'DecimalSI')],
    ['50k', dec(5, 4, 'DecimalSI')],
    ['1E-3', dec(1, -3, 'DecimalExponent')],
    ['1.3E+6', dec(13, 5, 'DecimalExponent')],
    ['100.035k', dec(100035, 0, 'DecimalSI')],
    ['0.0005k', dec(5, -1, 'DecimalSI')],
    ['3.001n', dec(4, -9, 'DecimalSI')],
    ['0.00000012345', dec(124, -9, 'DecimalSI')],
    ['0.5Mi', dec(0.5 * 1024 * 1024, 0, 'BinarySI')],
    ['0.000000000001Ki', dec(2, -9, 'DecimalSI')],
    ['.001', dec(1, -3, 'DecimalSI')],
    ['1.', dec(1, 0, 'DecimalSI')],
    ['1.G', dec(1, 9, 'DecimalSI')],
    ['12E', dec(12, 18, 'DecimalSI')],
  ];
  it.each(table)('%s', (input, expected) => expect(parseQuantity(input)).toEqual(expected));

  it('refuses what the regular expression does not match, and unknown suffixes, in upstream words', () => {
    expect(() => parseQuantity('')).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity('10GB')).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity('10gi')).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity('10Kii')).toThrow(QUANTITY_SUFFIX_ERROR);
  });
});

describe('Quantity.String (TestQuantityString, TestQuantityParseEmit)', () => {
  const table: [Quantity, string][] = [
    [dec(1024 * 1024 * 1024, 0, 'BinarySI'), '1Gi'],
    [dec(300 * 1024 * 1024, 0, 'BinarySI'), '300Mi'],
    [dec(1001 * 1024 * 1024 * 1024, 0, 'BinarySI'), '1001Gi'],
    [dec(5, 0, 'BinarySI'), '5'],
    [dec(500, -3, 'BinarySI'), '500m'],
    [dec(1000, 6, 'DecimalSI'), '1G'],
    [dec(1080, -3, 'DecimalSI'), '1080m'],
    [dec(1234567, 6, 'DecimalSI'), '1234567M'],
    [dec(1234567, -3, 'BinarySI'), '1234567m'],
    [dec(1025, 0, 'BinarySI'), '1025'],
    [dec(0, 0, 'BinarySI'), '0'],
    [dec(1, 9, 'DecimalExponent'), '1e9'],
    [dec(80, -3, 'DecimalExponent'), '80e-3'],
    [dec(300, 6, 'DecimalExponent'), '300e6'],
    [dec(1080, -9, 'DecimalSI'), '1080n'],
    [dec(80, -6, 'DecimalSI'), '80u'],
  ];
  it.each(table)('%o → %s', (q, s) => {
    expect(formatQuantity(q)).toBe(s);
    if (q.nano !== 0n) expect(formatQuantity({ ...q, nano: -q.nano })).toBe(`-${s}`);
  });
  it.each([
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000000000001Ki', '2n'],
    ['0.5', '500m'],
    ['1.5Gi', '1536Mi'],
    ['1Ti', '1Ti'],
  ])('%s is written back as %s', (input, out) => expect(formatQuantity(parseQuantity(input))).toBe(out));
});

describe('RoundUp (TestQuantityRoundUp) and the API defaulting of resource lists', () => {
  it.each([
    ['9.01', -3, '9010m'],
    ['9.01', -1, '9100m'],
    ['9.01', 0, '10'],
    ['-9.01', -1, '-9100m'],
    ['-9.01', 2, '-100'],
  ] as const)('%s to 10^%i: %s', (input, scale, out) => expect(formatQuantity(roundUp(parseQuantity(input), scale))).toBe(out));
  it('SetDefaults_ResourceList rounds to milli and writes the canonical form', () => {
    expect(canonicalQuantity('1n')).toBe('1m');
    expect(canonicalQuantity('2048Ki')).toBe('2Mi');
    expect(canonicalQuantity('50Gi')).toBe('50Gi');
  });
});

describe('quota arithmetic', () => {
  it('Add keeps the receiver format unless it is zero (a "0" used plus 10Gi is 10Gi)', () => {
    expect(formatQuantity(addQuantity(parseQuantity('0'), parseQuantity('10Gi')))).toBe('10Gi');
    expect(formatQuantity(addQuantity(parseQuantity('1Ti'), parseQuantity('10Gi')))).toBe('1034Gi');
    expect(formatQuantity(addQuantity(parseQuantity('100m'), parseQuantity('1')))).toBe('1100m');
  });
  it('LessThanOrEqual names the resources over their limit', () => {
    const used = addList(parseResourceList({ persistentvolumeclaims: '5', 'requests.storage': '40Gi' }), parseResourceList({ persistentvolumeclaims: '1', 'requests.storage': '10Gi' }));
    expect(lessThanOrEqual(used, parseResourceList({ persistentvolumeclaims: '5', 'requests.storage': '50Gi' }))).toEqual({ ok: false, exceeded: ['persistentvolumeclaims'] });
    expect(lessThanOrEqual(used, parseResourceList({ persistentvolumeclaims: '6', 'requests.storage': '50Gi' }))).toEqual({ ok: true, exceeded: [] });
  });
});
