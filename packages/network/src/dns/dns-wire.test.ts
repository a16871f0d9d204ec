import { describe, expect, it } from 'vitest';
import { toHex } from '../packet/bytes';
import { decodeDnsQuery, DNS_TYPE_AAAA, encodeDnsName, encodeDnsQuery } from './dns-wire';

describe('DNS query wire format (RFC 1035, as glibc sends it)', () => {
  it('header: ID, flags 0x0100 (RD), one question; QNAME as labels; QTYPE, QCLASS IN', () => {
    const q = encodeDnsQuery({ id: 0x3b9a, name: 'kubernetes.default' });
    expect(toHex(q)).toBe('3b9a01000001000000000000' + '0a' + toHex(new TextEncoder().encode('kubernetes')) + '07' + toHex(new TextEncoder().encode('default')) + '00' + '00010001');
    expect(decodeDnsQuery(q)).toEqual({ id: 0x3b9a, flags: 0x0100, qdcount: 1, name: 'kubernetes.default', qtype: 1, qclass: 1 });
    expect(decodeDnsQuery(encodeDnsQuery({ id: 1, name: 'api.default.svc.cluster.local.', qtype: DNS_TYPE_AAAA })).qtype).toBe(28);
  });
  it('errors name the field', () => {
    expect(() => encodeDnsName('a..b')).toThrow('name: Invalid value: "a..b"');
    expect(() => encodeDnsName(`${'x'.repeat(64)}.local`)).toThrow(/1–63/);
    expect(() => encodeDnsQuery({ id: 70000, name: 'a' })).toThrow('id: Invalid value: 70000');
  });
});
