/**
 * Models: a DNS query message as a pod's stub resolver puts it in a UDP datagram (glibc's
 * res_nmkquery as kubelet's resolv.conf configures it: one question, RD set, no EDNS0 — kubelet
 * writes no `options edns0` and no `trust-ad`, so neither the OPT record nor the AD bit).
 * Follows: RFC 1035 §4.1 (header, question, name encoding); glibc resolv/res_mkquery.c.
 * Leaves out: responses (CoreDNS's answers are not checked against a real CoreDNS here, so their
 * bytes are not modelled), name compression (a query has one name), EDNS0, TCP framing.
 */
import { FieldError } from '../errors';

export const DNS_TYPE_A = 1;
export const DNS_TYPE_AAAA = 28;
export const DNS_CLASS_IN = 1;

/** A name as labels: each label's length then its bytes, ending with the root's 0. */
export function encodeDnsName(name: string): Uint8Array {
  const n = name.replace(/\.$/, '');
  const labels = n === '' ? [] : n.split('.');
  const out: number[] = [];
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || !/^[A-Za-z0-9-_]+$/.test(l)) throw new FieldError('name', name, 'each label must be 1–63 letters, digits or hyphens');
    out.push(l.length, ...[...l].map((c) => c.charCodeAt(0)));
  }
  out.push(0);
  if (out.length > 255) throw new FieldError('name', name, 'must be at most 255 bytes encoded');
  return new Uint8Array(out);
}

/** A query: 12-byte header (ID, flags 0x0100 = RD, QDCOUNT 1), then QNAME, QTYPE, QCLASS. */
export function encodeDnsQuery(q: { id: number; name: string; qtype?: number; recursionDesired?: boolean }): Uint8Array {
  if (!Number.isInteger(q.id) || q.id < 0 || q.id > 0xffff) throw new FieldError('id', q.id, 'must be between 0 and 65535, inclusive');
  const qname = encodeDnsName(q.name);
  const b = new Uint8Array(12 + qname.length + 4);
  b[0] = q.id >> 8;
  b[1] = q.id & 255;
  b[2] = q.recursionDesired === false ? 0 : 0x01;
  b[5] = 1; // QDCOUNT
  b.set(qname, 12);
  const t = q.qtype ?? DNS_TYPE_A;
  b[12 + qname.length] = t >> 8;
  b[13 + qname.length] = t & 255;
  b[15 + qname.length] = DNS_CLASS_IN;
  return b;
}

/** The header and question of a query (what a capture shows). */
export function decodeDnsQuery(b: Uint8Array): { id: number; flags: number; qdcount: number; name: string; qtype: number; qclass: number } {
  if (b.length < 17) throw new FieldError('dns', b.length, 'shorter than a header and a question');
  const labels: string[] = [];
  let o = 12;
  while (b[o] !== 0) {
    const len = b[o]!;
    if (len > 63 || o + 1 + len >= b.length) throw new FieldError('dns.qname', o, 'label runs past the message (or is compressed)');
    labels.push(String.fromCharCode(...b.subarray(o + 1, o + 1 + len)));
    o += 1 + len;
  }
  o++;
  return { id: (b[0]! << 8) | b[1]!, flags: (b[2]! << 8) | b[3]!, qdcount: (b[4]! << 8) | b[5]!, name: labels.join('.'), qtype: (b[o]! << 8) | b[o + 1]!, qclass: (b[o + 2]! << 8) | b[o + 3]! };
}
