/**
 * Models: kube-proxy's per-service and per-endpoint chain names.
 * Follows: kubernetes pkg/proxy/iptables/proxier.go at v1.33 (portProtoHash, servicePortPolicyClusterChain,
 * servicePortPolicyLocalChainName, serviceFirewallChainName, serviceExternalChainName,
 * servicePortEndpointChainName): prefix + first 16 chars of base32(sha256(servicePortName + protocol
 * [+ endpoint])), Go's base32.StdEncoding (RFC 4648, A–Z2–7).
 * Leaves out: nothing; IPv6 endpoints would hash as "[ip]:port".
 */
import { sha256 } from '@noble/hashes/sha2.js';

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

export function portProtoHash(servicePortName: string, protocol: string): string {
  return base32Std(sha256(encoder.encode(servicePortName + protocol))).slice(0, 16);
}

export const svcChain = (spn: string, proto: string) => 'KUBE-SVC-' + portProtoHash(spn, proto);
export const svlChain = (spn: string, proto: string) => 'KUBE-SVL-' + portProtoHash(spn, proto);
export const fwChain = (spn: string, proto: string) => 'KUBE-FW-' + portProtoHash(spn, proto);
export const extChain = (spn: string, proto: string) => 'KUBE-EXT-' + portProtoHash(spn, proto);
export const sepChain = (spn: string, proto: string, endpoint: string) => 'KUBE-SEP-' + base32Std(sha256(encoder.encode(spn + proto + endpoint))).slice(0, 16);

/** isServiceChainName: the chains kube-proxy owns per service and may delete when stale. */
export function isServiceChainName(chain: string): boolean {
  return ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-FW-', 'KUBE-EXT-', 'KUBE-SEP-'].some((p) => chain.startsWith(p));
}
