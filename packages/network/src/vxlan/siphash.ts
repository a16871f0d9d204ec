/**
 * Models: SipHash-2-4 as the Linux kernel computes it with siphash(data, len, key): the key is a
 * siphash_key_t, two u64 words (key[0], key[1]) — for a key filled with random bytes
 * (net_get_random_once) that is the 16 bytes read as two little-endian words on the little-endian
 * machines k3s runs on (x86-64, arm64); the message is read in little-endian 8-byte words, the last
 * partial word padded with zeros and topped with the length in its high byte; the result is a u64.
 * Follows: linux lib/siphash.c (PREAMBLE, SIPROUND = SIPHASH_PERMUTATION, POSTAMBLE,
 * __siphash_aligned / __siphash_unaligned — the same arithmetic), include/linux/siphash.h
 * (siphash_key_t, SIPHASH_ALIGNMENT, siphash_1u64 …); the reference implementation
 * https://github.com/veorq/SipHash. Test vectors: lib/siphash_kunit.c (test_vectors_siphash).
 * Leaves out: hsiphash and SipHash-1-3 (not used by the flow hash).
 */
import { FieldError } from '../errors';

const MASK = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & MASK;

/** Little-endian u64 at `o` (get_unaligned_le64). */
function le64(b: Uint8Array, o: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[o + i]!);
  return v;
}

/** siphash_key_t from its 16 bytes in memory (two little-endian u64 words). */
export function siphashKeyWords(key: Uint8Array): [bigint, bigint] {
  if (key.length !== 16) throw new FieldError('siphashKey', key.length, 'must be 16 bytes (siphash_key_t: two u64 words)');
  return [le64(key, 0), le64(key, 8)];
}

/** The 16 bytes of a siphash_key_t {{ k0, k1 }} as a little-endian machine stores them. */
export function siphashKeyBytes(k0: bigint, k1: bigint): Uint8Array {
  const b = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    b[i] = Number((k0 >> BigInt(8 * i)) & 0xffn);
    b[8 + i] = Number((k1 >> BigInt(8 * i)) & 0xffn);
  }
  return b;
}

/** siphash(data, data.length, key): SipHash-2-4, the u64 result. */
export function siphash24(data: Uint8Array, key: Uint8Array): bigint {
  const [k0, k1] = siphashKeyWords(key);
  // PREAMBLE: "somepseudorandomlygeneratedbytes"
  let v0 = 0x736f6d6570736575n ^ k0;
  let v1 = 0x646f72616e646f6dn ^ k1;
  let v2 = 0x6c7967656e657261n ^ k0;
  let v3 = 0x7465646279746573n ^ k1;
  const round = () => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n);
    v1 ^= v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n);
    v3 ^= v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n);
    v3 ^= v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n);
    v1 ^= v2;
    v2 = rotl(v2, 32n);
  };
  const len = data.length;
  const whole = len - (len % 8);
  for (let o = 0; o < whole; o += 8) {
    const m = le64(data, o);
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  // the last block: the 0–7 remaining bytes, little-endian, with (len & 0xff) in the top byte
  let b = BigInt(len & 0xff) << 56n;
  for (let i = len - 1; i >= whole; i--) b |= BigInt(data[i]!) << BigInt(8 * (i - whole));
  // POSTAMBLE
  v3 ^= b;
  round();
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}
