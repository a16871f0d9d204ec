/**
 * Models: kube-proxy's per-service and per-endpoint chain names.
 * Follows: kubernetes pkg/proxy/iptables/proxier.go at v1.33 (portProtoHash, servicePortPolicyClusterChain,
 * servicePortPolicyLocalChainName, serviceFirewallChainName, serviceExternalChainName,
 * servicePortEndpointChainName): prefix + first 16 chars of base32(sha256(servicePortName + protocol
 * [+ endpoint])), Go's base32.StdEncoding (RFC 4648, A–Z2–7).
 * Leaves out: nothing; IPv6 endpoints would hash as "[ip]:port".
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Int32Array(64);
const SCRATCH = new Uint8Array(1024);
const OUT = new Uint8Array(32);

/**
 * SHA-256 of an ASCII/UTF-8 string (FIPS 180-4), written out for speed: kube-proxy hashes one name
 * per service port and per endpoint, 100,000+ in a large cluster. Checked against @noble/hashes.
 */
export function sha256String(str: string, str2 = '', str3 = ''): Uint8Array {
  return sha256Raw(str, str2, str3).slice();
}

/** sha256String into a shared 32-byte buffer (valid until the next call): for the chain-name hot path. */
function sha256Raw(str: string, str2: string, str3: string): Uint8Array {
  if (str2 || str3) {
    // The parts are hashed as one string without building it (sepChain hashes name + proto + endpoint).
    const l1 = str.length, l2 = str2.length, l3 = str3.length;
    let ascii = l1 + l2 + l3 < 1000;
    for (let i = 0; ascii && i < l1; i++) if (str.charCodeAt(i) > 127) ascii = false;
    for (let i = 0; ascii && i < l2; i++) if (str2.charCodeAt(i) > 127) ascii = false;
    for (let i = 0; ascii && i < l3; i++) if (str3.charCodeAt(i) > 127) ascii = false;
    if (!ascii) return sha256Raw(str + str2 + str3, '', '');
    const len = l1 + l2 + l3;
    const end = Math.ceil((len + 9) / 64) * 64;
    const buf = SCRATCH.fill(0, 0, end);
    for (let i = 0; i < l1; i++) buf[i] = str.charCodeAt(i);
    for (let i = 0; i < l2; i++) buf[l1 + i] = str2.charCodeAt(i);
    for (let i = 0; i < l3; i++) buf[l1 + l2 + i] = str3.charCodeAt(i);
    return sha256Padded(buf, len, end);
  }
  let ascii = str.length < 1000;
  for (let i = 0; ascii && i < str.length; i++) if (str.charCodeAt(i) > 127) ascii = false;
  const msg = ascii ? null : encoder.encode(str);
  const len = msg ? msg.length : str.length;
  const blocks = Math.ceil((len + 9) / 64);
  const end = blocks * 64;
  const buf = end <= SCRATCH.length ? SCRATCH.fill(0, 0, end) : new Uint8Array(end);
  if (msg) buf.set(msg);
  else for (let i = 0; i < len; i++) buf[i] = str.charCodeAt(i);
  return sha256Padded(buf, len, end);
}

/** The compression over buf[0..len) with room for the padding up to `end` (a multiple of 64, zeroed past len). */
function sha256Padded(buf: Uint8Array, len: number, end: number): Uint8Array {
  buf[len] = 0x80;
  const bits = len * 8;
  buf[end - 4] = (bits >>> 24) & 255;
  buf[end - 3] = (bits >>> 16) & 255;
  buf[end - 2] = (bits >>> 8) & 255;
  buf[end - 1] = bits & 255;
  buf[end - 5] = Math.floor(bits / 2 ** 32) & 255;
  let h0 = 0x6a09e667, h1 = 0xbb67ae85 | 0, h2 = 0x3c6ef372, h3 = 0xa54ff53a | 0, h4 = 0x510e527f, h5 = 0x9b05688c | 0, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
  for (let off = 0; off < end; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = (buf[off + 4 * i]! << 24) | (buf[off + 4 * i + 1]! << 16) | (buf[off + 4 * i + 2]! << 8) | buf[off + 4 * i + 3]!;
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15]!, b = W[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0; h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
  }
  const out = OUT;
  put32(out, 0, h0); put32(out, 1, h1); put32(out, 2, h2); put32(out, 3, h3);
  put32(out, 4, h4); put32(out, 5, h5); put32(out, 6, h6); put32(out, 7, h7);
  return out;
}

function put32(out: Uint8Array, i: number, v: number): void {
  out[4 * i] = (v >>> 24) & 255;
  out[4 * i + 1] = (v >>> 16) & 255;
  out[4 * i + 2] = (v >>> 8) & 255;
  out[4 * i + 3] = v & 255;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const encoder = new TextEncoder();

/** RFC 4648 base32 with '=' padding, as Go's base32.StdEncoding.EncodeToString. */
export function base32Std(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** The first 16 characters of base32(b): exactly its first 10 bytes. */
function c(v: number): number {
  return A_CODES[v & 31]!;
}

export function base32First16(b: Uint8Array, prefix = ''): string {
  if (prefix.length === 9) {
    // "KUBE-SEP-" and friends: the whole name built flat in one call.
    const h0 = (b[0]! << 12) | (b[1]! << 4) | (b[2]! >>> 4);
    const l0 = ((b[2]! & 15) << 16) | (b[3]! << 8) | b[4]!;
    const h1 = (b[5]! << 12) | (b[6]! << 4) | (b[7]! >>> 4);
    const l1 = ((b[7]! & 15) << 16) | (b[8]! << 8) | b[9]!;
    return String.fromCharCode(
      prefix.charCodeAt(0), prefix.charCodeAt(1), prefix.charCodeAt(2), prefix.charCodeAt(3), prefix.charCodeAt(4),
      prefix.charCodeAt(5), prefix.charCodeAt(6), prefix.charCodeAt(7), prefix.charCodeAt(8),
      c(h0 >>> 15), c(h0 >>> 10), c(h0 >>> 5), c(h0), c(l0 >>> 15), c(l0 >>> 10), c(l0 >>> 5), c(l0),
      c(h1 >>> 15), c(h1 >>> 10), c(h1 >>> 5), c(h1), c(l1 >>> 15), c(l1 >>> 10), c(l1 >>> 5), c(l1),
    );
  }
  const h0 = (b[0]! << 12) | (b[1]! << 4) | (b[2]! >>> 4); // 20 bits
  const l0 = ((b[2]! & 15) << 16) | (b[3]! << 8) | b[4]!;
  const h1 = (b[5]! << 12) | (b[6]! << 4) | (b[7]! >>> 4);
  const l1 = ((b[7]! & 15) << 16) | (b[8]! << 8) | b[9]!;
  return prefix + String.fromCharCode(
    c(h0 >>> 15), c(h0 >>> 10), c(h0 >>> 5), c(h0), c(l0 >>> 15), c(l0 >>> 10), c(l0 >>> 5), c(l0),
    c(h1 >>> 15), c(h1 >>> 10), c(h1 >>> 5), c(h1), c(l1 >>> 15), c(l1 >>> 10), c(l1 >>> 5), c(l1),
  );
}
const A_CODES = Array.from(ALPHABET, (ch) => ch.charCodeAt(0));

export function portProtoHash(servicePortName: string, protocol: string): string {
  return base32First16(sha256Raw(servicePortName, protocol, ''));
}

export const svcChain = (spn: string, proto: string) => 'KUBE-SVC-' + portProtoHash(spn, proto);
export const svlChain = (spn: string, proto: string) => 'KUBE-SVL-' + portProtoHash(spn, proto);
export const fwChain = (spn: string, proto: string) => 'KUBE-FW-' + portProtoHash(spn, proto);
export const extChain = (spn: string, proto: string) => 'KUBE-EXT-' + portProtoHash(spn, proto);
export const sepChain = (spn: string, proto: string, endpoint: string) => base32First16(sha256Raw(spn, proto, endpoint), 'KUBE-SEP-');

/** isServiceChainName: the chains kube-proxy owns per service and may delete when stale. */
export function isServiceChainName(chain: string): boolean {
  return ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-FW-', 'KUBE-EXT-', 'KUBE-SEP-'].some((p) => chain.startsWith(p));
}
