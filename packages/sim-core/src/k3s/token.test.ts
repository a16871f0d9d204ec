/**
 * The k3s join token against upstream k3s pkg/clientaccess/token_test.go (the version with the
 * bootstrap-token cases: defaultUsername "server", defaultPassword "token", defaultToken
 * "abcdef.0123456789abcdef"), as table-driven tests of token.ts:
 *   Test_UnitValidTokens, Test_UnitInvalidTokens and Test_UnitUserPass (parseToken; the tables
 *     as upstream has them, plus K10-prefix, server:/node: and bare-password edge cases);
 *   Test_UnitTrustedCA / Test_UnitUntrustedCA / Test_UnitInvalidCredentials / Test_UnitWrongCert
 *     (upstream runs them against a live HTTPS server; here what they check about the CA hash
 *     and its error is checked with parseToken + validateCAHash on the bundle directly);
 *   Info.String / FormatTokenBytes round trips and hashCA (pkg/clientaccess/token.go).
 * Not ported (URLs and HTTP, which token.ts does not model): Test_UnitInvalidServers,
 * Test_UnitConnectionFailures, Test_UnitParseAndGet.
 * Upstream generates a fresh CA per server (factory.GenCA); here one fixed self-signed
 * k3s-server-ca PEM stands in, so hashes can be pinned to values computed by `sha256sum` and
 * `openssl x509 -outform DER | sha256sum` on that PEM.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SERVER_CA_PEM } from '../scenarios/tower-fleet-pki';
import { certsOfPem, formatToken, hashCA, NO_CA_HASH_WARNING, parseToken, TokenError, validateCAHash, type TokenInfo } from './token';

// Tower Fleet's server CA (a real self-signed ECDSA P-256 certificate; its hashes below are pinned from sha256sum and openssl).
/** `sha256sum ca.pem` (the file above, trailing newline included). */
const PEM_SHA256 = '7574d8cfb45495f9d0690346fa37f8f8915e9d6648aa73fc5edcd9de95effe36';
/** `head -c -1 ca.pem | sha256sum` (the same PEM without its trailing newline). */
const PEM_NO_NEWLINE_SHA256 = '906b326711dfdfadddcd24f826fea106db05f9587a5dc082238b4620e6c404c8';
/** `sed 's/$/\r/' ca.pem | sha256sum` (the same PEM with CRLF line ends). */
const PEM_CRLF_SHA256 = 'b6946c7be23103d02f89293079f4d85de13ac198326479aeda4680e8fd523018';
/** `openssl x509 -in ca.pem -outform DER | sha256sum` (the certificate's DER). */
const DER_SHA256 = 'cea01b7730759fe4b53eafc85166da7ae74e2ca2b5708a3ea219bead3abf664e';

const PEM_NO_NEWLINE = SERVER_CA_PEM.slice(0, -1);
const PEM_CRLF = SERVER_CA_PEM.replace(/\n/g, '\r\n');

// token_test.go's package-level values.
const defaultUsername = 'server';
const defaultPassword = 'token';
const defaultToken = 'abcdef.0123456789abcdef';
/** `digest, _ := hashCA(getServerCA(server))` */
const digest = PEM_SHA256;
const X64 = 'X'.repeat(64);

/** The error text parseToken throws (and that it is a TokenError), or null when it parses. */
function parseError(token: string): string | null {
  try {
    parseToken(token);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(TokenError);
    return (e as Error).message;
  }
}

/** ParseUsernamePassword: false on a parse error or a bootstrap token. */
function parseUsernamePassword(token: string): [string, string, boolean] {
  let info: TokenInfo;
  try {
    info = parseToken(token);
  } catch {
    return ['', '', false];
  }
  if (info.bootstrapToken !== undefined) return ['', '', false];
  return [info.username!, info.password!, true];
}

const mismatch = (tokenHash: string, serverHash: string) => `token CA hash does not match the Cluster CA certificate hash: ${tokenHash} != ${serverHash}`;

describe('hashCA (token.go hashCA: SHA-256 of the file bytes for a single certificate)', () => {
  it('is the sha256sum of the PEM file, trailing newline included', () => {
    expect(hashCA(SERVER_CA_PEM)).toBe(PEM_SHA256);
  });

  it('agrees with node:crypto createHash("sha256") over the same string', () => {
    const independent = createHash('sha256').update(SERVER_CA_PEM, 'utf8').digest('hex');
    expect(independent).toBe(PEM_SHA256);
    expect(hashCA(SERVER_CA_PEM)).toBe(independent);
  });

  it('hashes the bytes as written to and read back from a file (sha256sum semantics)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k3s-token-'));
    try {
      const file = join(dir, 'server-ca.crt');
      writeFileSync(file, SERVER_CA_PEM);
      const bytes = readFileSync(file);
      expect(bytes.length).toBe(SERVER_CA_PEM.length); // ASCII: one byte a character
      expect(bytes[bytes.length - 1]).toBe(0x0a);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(hashCA(SERVER_CA_PEM));
      expect(hashCA(bytes.toString('utf8'))).toBe(PEM_SHA256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['without the trailing newline', PEM_NO_NEWLINE, PEM_NO_NEWLINE_SHA256],
    ['with CRLF line ends', PEM_CRLF, PEM_CRLF_SHA256],
  ])('hashes the exact bytes, not the certificate: same CA %s has another hash', (_, pem, want) => {
    expect(hashCA(pem)).toBe(want);
    expect(hashCA(pem)).toBe(createHash('sha256').update(pem).digest('hex'));
    expect(hashCA(pem)).not.toBe(PEM_SHA256);
  });

  it('decodes the PEM to the DER node:crypto X509Certificate reads', () => {
    const certs = certsOfPem(SERVER_CA_PEM);
    expect(certs).toHaveLength(1);
    const der = new X509Certificate(SERVER_CA_PEM).raw;
    expect(Buffer.from(certs[0]!).equals(der)).toBe(true);
    expect(createHash('sha256').update(der).digest('hex')).toBe(DER_SHA256);
  });

  it('of a bundle of several certificates is the root DER hash (upstream: the verified chain root)', () => {
    // certs[0] verifies against roots {certs[1]} (no AuthorityKeyId) as the chain [ca]; upstream
    // then hashes that root's DER instead of the file bytes.
    const bundle = SERVER_CA_PEM + SERVER_CA_PEM;
    expect(certsOfPem(bundle)).toHaveLength(2);
    expect(hashCA(bundle)).toBe(DER_SHA256);
    expect(hashCA(bundle)).not.toBe(createHash('sha256').update(bundle).digest('hex'));
  });

  it.each([
    ['an empty bundle', ''],
    ['text without a certificate', 'not a certificate\n'],
    ['a private key block', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n'],
  ])('fails with certutil.ParseCertsPEM text for %s', (_, bundle) => {
    expect(() => hashCA(bundle)).toThrow(new TokenError('data does not contain any valid RSA or ECDSA certificates'));
  });
});

describe('Test_UnitValidTokens (parseToken)', () => {
  // [token, expectUsername, expectPassword, expectToken, expectCAHash] — upstream's table first.
  const cases: [string, string, string, string, string][] = [
    [defaultPassword, '', defaultPassword, '', ''],
    [defaultToken, '', '', defaultToken, ''],
    [`K10${digest}:::${defaultPassword}`, '', defaultPassword, '', digest],
    [`K10${digest}::${defaultUsername}:${defaultPassword}`, defaultUsername, defaultPassword, '', digest],
    [`K10${digest}::${defaultToken}`, '', '', defaultToken, digest],
    // node-token / agent-token style credentials.
    [`K10${digest}::node:0123456789abcdef0123456789abcdef`, 'node', '0123456789abcdef0123456789abcdef', '', digest],
    // SplitN(creds, ":", 2): the password keeps any further colons.
    [`K10${digest}::server:pa:ss::word`, 'server', 'pa:ss::word', '', digest],
    // SplitN(token, "::", 2): the first "::" ends the hash.
    [`K10${digest}::::x`, '', ':x', '', digest],
    // A bare password may contain colons: it becomes K10:::<password>.
    ['pass:word', '', 'pass:word', '', ''],
    // Only the exact, case-sensitive "K10" is the prefix.
    ['k10secret', '', 'k10secret', '', ''],
    // K10 without "::" has no CA hash: the rest is the credentials.
    ['K10abc:def', 'abc', 'def', '', ''],
    ['K10:pw', '', 'pw', '', ''],
    // An empty hash before "::" is allowed.
    [`K10::${defaultUsername}:${defaultPassword}`, defaultUsername, defaultPassword, '', ''],
    [`K10::${defaultToken}`, '', '', defaultToken, ''],
    // Not a bootstrap token (uppercase, wrong lengths): a bare password.
    ['ABCDEF.0123456789abcdef', '', 'ABCDEF.0123456789abcdef', '', ''],
    ['abcdef.0123456789abcde', '', 'abcdef.0123456789abcde', '', ''],
    ['abcdef.0123456789abcdef\n', '', 'abcdef.0123456789abcdef\n', '', ''],
    // Go's len() counts bytes: 32 two-byte characters are a 64-long hash (rejected only later).
    [`K10${'é'.repeat(32)}::x:y`, 'x', 'y', '', 'é'.repeat(32)],
  ];

  it.each(cases)('%j -> user %j password %j token %j hash %j', (token, username, password, bootstrap, caHash) => {
    const info = parseToken(token);
    expect(info.username ?? '').toBe(username);
    expect(info.password ?? '').toBe(password);
    expect(info.bootstrapToken ?? '').toBe(bootstrap);
    expect(info.caHash).toBe(caHash);
    // The shape: bootstrap tokens carry no username/password fields and vice versa.
    expect(info).toStrictEqual(bootstrap ? { caHash, bootstrapToken: bootstrap } : { caHash, username, password });
  });

  it.each(cases.filter(([, , , , h]) => h === '' || h === digest))('%j validates against the server CA bundle', (token) => {
    expect(validateCAHash(parseToken(token), SERVER_CA_PEM)).toBeNull();
  });
});

describe('Test_UnitInvalidTokens', () => {
  // Upstream's table: every parse error, in order.
  it.each([
    ['', 'token must not be empty'],
    ['K10::', 'invalid token format'],
    ['K10::x', 'invalid token format'],
    ['K10::x:', 'invalid token format'],
    ['K10XX::x:y', 'invalid token CA hash length'],
    // Edge cases of the same rules.
    ['K10', 'invalid token format'],
    ['K10password', 'invalid token format'], // a bare password starting "K10" is read as a K10 token
    [`K10${digest}::`, 'invalid token format'],
    [`K10${digest}::${defaultUsername}`, 'invalid token format'],
    [`K10${digest}::${defaultUsername}:`, 'invalid token format'],
    [`K10${digest}::abcdef.0123`, 'invalid token format'],
    [`K10${digest.slice(1)}::x:y`, 'invalid token CA hash length'],
    [`K10${digest}0::x:y`, 'invalid token CA hash length'],
    ['K10X::x', 'invalid token CA hash length'],
    [`K10${'é'.repeat(64)}::x:y`, 'invalid token CA hash length'], // 64 UTF-16 units, 128 bytes
  ])('%j -> %j', (token, want) => {
    expect(parseError(token)).toBe(want);
  });

  it('a well-formed hash of another CA parses, then fails validation with the upstream text', () => {
    const info = parseToken(`K10${X64}::x:y`);
    expect(info).toStrictEqual({ caHash: X64, username: 'x', password: 'y' });
    expect(validateCAHash(info, SERVER_CA_PEM)).toBe(
      'token CA hash does not match the Cluster CA certificate hash: XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX != 7574d8cfb45495f9d0690346fa37f8f8915e9d6648aa73fc5edcd9de95effe36',
    );
  });

  it('a 64-byte non-hex hash is a mismatch, not a length error', () => {
    const hash = 'é'.repeat(32);
    expect(validateCAHash(parseToken(`K10${hash}::x:y`), SERVER_CA_PEM)).toBe(mismatch(hash, PEM_SHA256));
  });
});

describe('Test_UnitUserPass (ParseUsernamePassword)', () => {
  it.each<[string, string, string, boolean]>([
    [`K10${X64}::username:password`, 'username', 'password', true],
    ['password', '', 'password', true],
    ['K10X::x', '', '', false],
    // Kubeadm-style tokens have ID/Secret, not Username/Password.
    [defaultToken, '', '', false],
    [`K10${digest}::${defaultToken}`, '', '', false],
    ['', '', '', false],
  ])('%j -> (%j, %j, %j)', (token, username, password, ok) => {
    expect(parseUsernamePassword(token)).toEqual([username, password, ok]);
  });
});

describe('Test_UnitUntrustedCA / Test_UnitTrustedCA (CA hash validation)', () => {
  /** testInfo.String(): tokenPrefix + hashCA(CACerts) + "::" + username:password */
  const fullToken = formatToken(`${defaultUsername}:${defaultPassword}`, SERVER_CA_PEM);

  it('Info.String() of the server CA is the K10 token with the sha256sum of the bundle', () => {
    expect(fullToken).toBe(`K10${PEM_SHA256}::server:token`);
  });

  it.each([
    [defaultPassword, '', ''],
    [fullToken, defaultUsername, PEM_SHA256],
  ])('untrusted CA: %j validates against the downloaded bundle (username %j)', (token, username, caHash) => {
    const info = parseToken(token);
    expect(info.username).toBe(username);
    expect(info.caHash).toBe(caHash);
    expect(validateCAHash(info, SERVER_CA_PEM)).toBeNull();
  });

  it.each([[defaultPassword], [fullToken], [`K10${X64}::x:y`]])('trusted CA (no bundle downloaded): %j is not hash-checked', (token) => {
    // getCACerts returns nil CACerts when the host bundle trusts the server: nothing to compare.
    expect(validateCAHash(parseToken(token), '')).toBeNull();
  });

  it('a bare password against a self-signed CA is accepted with the upstream warning text', () => {
    expect(validateCAHash(parseToken(defaultPassword), SERVER_CA_PEM)).toBeNull();
    expect(NO_CA_HASH_WARNING).toBe(
      "Cluster CA certificate is not trusted by the host CA bundle, but the token does not include a CA hash. Use the full token from the server's node-token file to enable Cluster CA validation.",
    );
  });
});

describe('Test_UnitInvalidCredentials (wrong credentials still parse and pass the CA check)', () => {
  it.each([['invalid'], [`K10${PEM_SHA256}::nobody:invalid`]])('%j', (token) => {
    const info = parseToken(token);
    expect(info.password).toBe('invalid');
    expect(info.username).toBe(token === 'invalid' ? '' : 'nobody');
    expect(validateCAHash(info, SERVER_CA_PEM)).toBeNull();
  });
});

describe('Test_UnitWrongCert (the server sends a bundle the token does not name)', () => {
  it.each([
    ['the same CA without its trailing newline', PEM_NO_NEWLINE, PEM_NO_NEWLINE_SHA256],
    ['the same CA with CRLF line ends', PEM_CRLF, PEM_CRLF_SHA256],
    ['a two-certificate bundle (hashed by its root DER)', SERVER_CA_PEM + SERVER_CA_PEM, DER_SHA256],
  ])('%s: mismatch with the exact upstream error', (_, bundle, serverHash) => {
    const info = parseToken(`K10${PEM_SHA256}::${defaultUsername}:${defaultPassword}`);
    expect(validateCAHash(info, bundle)).toBe(mismatch(PEM_SHA256, serverHash));
  });

  it('a token for a bundle matches that bundle, and not the original one', () => {
    const token = formatToken('server:token', PEM_CRLF);
    expect(token).toBe(`K10${PEM_CRLF_SHA256}::server:token`);
    expect(validateCAHash(parseToken(token), PEM_CRLF)).toBeNull();
    expect(validateCAHash(parseToken(token), SERVER_CA_PEM)).toBe(mismatch(PEM_CRLF_SHA256, PEM_SHA256));
  });
});

describe('FormatTokenBytes / Info.String round trips', () => {
  it.each<[string, TokenInfo]>([
    ['server:token', { caHash: PEM_SHA256, username: 'server', password: 'token' }],
    ['node:0123456789abcdef', { caHash: PEM_SHA256, username: 'node', password: '0123456789abcdef' }],
    ['server:pa:ss', { caHash: PEM_SHA256, username: 'server', password: 'pa:ss' }],
    [':token', { caHash: PEM_SHA256, username: '', password: 'token' }],
    [defaultToken, { caHash: PEM_SHA256, bootstrapToken: defaultToken }],
  ])('formatToken(%j) parses back', (creds, want) => {
    const token = formatToken(creds, SERVER_CA_PEM);
    expect(token).toBe(`K10${PEM_SHA256}::${creds}`);
    expect(parseToken(token)).toStrictEqual(want);
    expect(validateCAHash(parseToken(token), SERVER_CA_PEM)).toBeNull();
  });

  it('formats a bare password too, which then does not parse (creds must be user:password)', () => {
    const token = formatToken(defaultPassword, SERVER_CA_PEM);
    expect(token).toBe(`K10${PEM_SHA256}::token`);
    expect(parseError(token)).toBe('invalid token format');
  });

  it('empty credentials give an empty token without reading the bundle', () => {
    expect(formatToken('', SERVER_CA_PEM)).toBe('');
    expect(formatToken('', 'not a certificate')).toBe('');
  });

  it('non-empty credentials with a bundle without certificates fail', () => {
    expect(() => formatToken('server:token', 'not a certificate')).toThrow(new TokenError('data does not contain any valid RSA or ECDSA certificates'));
  });

  it('property: parseToken(formatToken(u:p)) gives back u, p and the bundle hash', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((u) => !u.includes(':')),
        fc.string({ unit: 'binary', minLength: 1 }),
        (username, password) => {
          const info = parseToken(formatToken(`${username}:${password}`, SERVER_CA_PEM));
          expect(info).toStrictEqual({ caHash: PEM_SHA256, username, password });
          expect(validateCAHash(info, SERVER_CA_PEM)).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });
});
