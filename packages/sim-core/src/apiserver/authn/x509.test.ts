import { describe, expect, it } from 'vitest';
import { authenticateX509, type Certificate } from './x509';

const cert = (over: Partial<Certificate> = {}): Certificate => ({
  subject: { CN: 'alice', O: ['system:masters', 'devs'] },
  issuer: { CN: 'k3s-client-ca@1' },
  serial: '1',
  notBefore: '2025-01-01T00:00:00Z',
  notAfter: '2026-01-01T00:00:00Z',
  extKeyUsage: ['clientAuth'],
  ...over,
});
const now = Date.parse('2025-06-01T00:00:00Z');

describe('x509 authenticator', () => {
  it('CN is the user, each O a group, plus system:authenticated', () => {
    const r = authenticateX509(cert(), 'k3s-client-ca@1', now);
    expect(r.ok && r.user).toEqual({ username: 'alice', groups: ['system:masters', 'devs', 'system:authenticated'] });
  });
  it('a certificate from another CA is refused', () => {
    const r = authenticateX509(cert({ issuer: { CN: 'evil-ca' } }), 'k3s-client-ca@1', now);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain('x509: certificate signed by unknown authority');
  });
  it('an expired certificate is refused', () => {
    expect(authenticateX509(cert(), 'k3s-client-ca@1', Date.parse('2027-01-01T00:00:00Z')).ok).toBe(false);
  });
  it('a serving certificate cannot log in', () => {
    expect(authenticateX509(cert({ extKeyUsage: ['serverAuth'] }), 'k3s-client-ca@1', now).ok).toBe(false);
  });
  it('no certificate is anonymous', () => {
    const r = authenticateX509(undefined, 'k3s-client-ca@1', now);
    expect(r.ok && r.user).toEqual({ username: 'system:anonymous', groups: ['system:unauthenticated'] });
  });
});
