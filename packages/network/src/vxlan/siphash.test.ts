import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { siphash24, siphashKeyBytes, siphashKeyWords } from './siphash';

/** linux lib/siphash_kunit.c: test_key_siphash and test_vectors_siphash (the reference vectors). */
const KEY = siphashKeyBytes(0x0706050403020100n, 0x0f0e0d0c0b0a0908n);
const VECTORS = [
  0x726fdb47dd0e0e31n, 0x74f839c593dc67fdn, 0x0d6c8009d9a94f5an, 0x85676696d7fb7e2dn, 0xcf2794e0277187b7n, 0x18765564cd99a68dn,
  0xcbc9466e58fee3cen, 0xab0200f58b01d137n, 0x93f5f5799a932462n, 0x9e0082df0ba9e4b0n, 0x7a5dbbc594ddb9f3n, 0xf4b32f46226bada7n,
  0x751e8fbc860ee5fbn, 0x14ea5627c0843d90n, 0xf723ca908e7af2een, 0xa129ca6149be45e5n, 0x3f2acc7f57c29bdbn, 0x699ae9f52cbe4794n,
  0x4bc1b3f0968dd39cn, 0xbb6dc91da77961bdn, 0xbed65cf21aa2ee98n, 0xd0f2cbb02e3b67c7n, 0x93536795e3a33e88n, 0xa80c038ccd5ccec8n,
  0xb8ad50c6f649af94n, 0xbce192de8a85b8ean, 0x17d835b85bbb15f3n, 0x2f2e6163076bcfadn, 0xde4daaaca71dc9a5n, 0xa6a2506687956571n,
  0xad87a3535c49ef28n, 0x32d892fad841c342n, 0x7127512f72f27ccen, 0xa7f32346f95978e3n, 0x12e0b01abb051238n, 0x15e034d40fa197aen,
  0x314dffbe0815a3b4n, 0x027990f029623981n, 0xcadcd4e59ef40c4dn, 0x9abfd8766a33735cn, 0x0e3ea96b5304a7d0n, 0xad0c42d6fc585992n,
  0x187306c89bc215a9n, 0xd4a60abcf3792b95n, 0xf935451de4f21df2n, 0xa9538f0419755787n, 0xdb9acddff56ca510n, 0xd06c98cd5c0975ebn,
  0xe612a3cb9ecba951n, 0xc766e62cfcadaf96n, 0xee64435a9752fe72n, 0xa192d576b245165an, 0x0a8787bf8ecb74b2n, 0x81b3e73d20b49b6fn,
  0x7fa8220ba3b2ecean, 0x245731c13ca42499n, 0xb78dbfaf3a8d83bdn, 0xea1ad565322a1a0bn, 0x60e61c23a3795013n, 0x6606d7e446282b93n,
  0x6ca4ecb15c5f91e1n, 0x9f626da15c9625f3n, 0xe51b38608ef25f57n, 0x958a324ceb064572n,
];

describe('siphash (lib/siphash_kunit.c)', () => {
  it('the key {{ 0x0706050403020100, 0x0f0e0d0c0b0a0908 }} lies in memory as bytes 00 … 0f', () => {
    expect([...KEY]).toEqual([...Array(16).keys()]);
    expect(siphashKeyWords(KEY)).toEqual([0x0706050403020100n, 0x0f0e0d0c0b0a0908n]);
  });
  it('siphash(in, i, key) for in = 00 01 02 …, i = 0 … 63, equals the 64 reference vectors', () => {
    const input = Uint8Array.from({ length: 64 }, (_, i) => i);
    VECTORS.forEach((v, i) => expect(siphash24(input.subarray(0, i), KEY), `length ${i}`).toBe(v));
  });
  it('an unaligned buffer hashes the same (the kunit test’s in_unaligned + 1)', () => {
    const buf = Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 0xee : i - 1));
    expect(siphash24(buf.subarray(1, 1 + 24), KEY)).toBe(VECTORS[24]);
  });
  it('siphash_1u64 … siphash_4u64 and siphash_1u32 … siphash_4u32 are siphash over the words’ little-endian bytes', () => {
    // siphash_2u64(0x0706050403020100, 0x0f0e0d0c0b0a0908) == test_vectors_siphash[16], etc.
    const le = (...words: bigint[]) => Uint8Array.from(words.flatMap((w) => Array.from({ length: 8 }, (_, i) => Number((w >> BigInt(8 * i)) & 0xffn))));
    expect(siphash24(le(0x0706050403020100n), KEY)).toBe(VECTORS[8]);
    expect(siphash24(le(0x0706050403020100n, 0x0f0e0d0c0b0a0908n, 0x1716151413121110n, 0x1f1e1d1c1b1a1918n), KEY)).toBe(VECTORS[32]);
    expect(siphash24(Uint8Array.of(0, 1, 2, 3), KEY)).toBe(VECTORS[4]);
  });
  it('rejects a key that is not 16 bytes', () => {
    expect(() => siphash24(new Uint8Array(8), new Uint8Array(8))).toThrow('siphashKey: Invalid value: 8: must be 16 bytes');
  });
  it('is a function of every input byte and every key byte (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, key, at, flip) => {
        const h = siphash24(data, key);
        const d2 = data.slice();
        d2[at % d2.length] = d2[at % d2.length]! ^ flip;
        const k2 = key.slice();
        k2[at % 16] = k2[at % 16]! ^ flip;
        expect(siphash24(d2, key)).not.toBe(h);
        expect(siphash24(data, k2)).not.toBe(h);
        expect(h).toBeLessThan(1n << 64n);
      }),
      { numRuns: 200 },
    );
  });
});
