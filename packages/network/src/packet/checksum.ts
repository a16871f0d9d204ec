/**
 * Models: the Internet checksum (RFC 1071) as the Linux kernel computes it for IPv4 headers and the
 * UDP/TCP pseudo-header checksum (csum_tcpudp_magic), including UDP's rule that a computed 0 is sent
 * as 0xffff (RFC 768).
 * Follows: linux include/net/checksum.h, net/ipv4/udp.c (udp_set_csum / CSUM_MANGLED_0).
 * Leaves out: checksum offload (the kernel may leave partial checksums for the NIC; on the wire, and
 * in captures on veth/bridge, we show the final value).
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length % 2 === 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/** Sum of the IPv4 pseudo header (src, dst, zero, protocol, length). */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): number {
  const b = new Uint8Array(12);
  b.set(src, 0);
  b.set(dst, 4);
  b[9] = protocol;
  b[10] = length >> 8;
  b[11] = length & 255;
  return onesComplementSum(b);
}
