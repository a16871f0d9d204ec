/**
 * The certificates `lab serve` uses, shaped as k3s makes them: a server CA (`k3s-server-ca@<ts>`)
 * that signs the serving certificate (CN=k3s, SANs 127.0.0.1, 10.89.97.201, 10.43.0.1,
 * kubernetes.default.svc, …) and a client CA (`k3s-client-ca@<ts>`) that signs the admin client
 * certificate (CN=system:admin, O=system:masters). ECDSA P-256, as k3s uses. Validity starts when
 * the Tower Fleet cluster was installed (simulated calendar) and lasts ten years, so both real
 * kubectl (wall clock) and the simulated apiserver (simulated clock) accept them.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Pki {
  serverCA: string;
  clientCA: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
}

async function keyPem(k: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', k as unknown as webcrypto.CryptoKey);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

const serial = (n: number) => (0x4b00 + n).toString(16).padStart(16, '0');

export async function makePki(opts: { serverCAName: string; clientCAName: string; notBefore: Date; sanIPs: string[]; sanDNS: string[] }): Promise<Pki> {
  const notAfter = new Date(opts.notBefore.getTime() + 10 * 365 * 24 * 3600_000);
  const gen = () => webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']) as unknown as Promise<CryptoKeyPair>;
  const caExt = (keys: CryptoKeyPair) => [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true), x509.SubjectKeyIdentifierExtension.create(keys.publicKey)];
  const serverCAKeys = await gen();
  const serverCA = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: serial(1), name: `CN=${opts.serverCAName}`, notBefore: opts.notBefore, notAfter, keys: serverCAKeys, signingAlgorithm: alg, extensions: await Promise.all(caExt(serverCAKeys)) });
  const clientCAKeys = await gen();
  const clientCA = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: serial(2), name: `CN=${opts.clientCAName}`, notBefore: opts.notBefore, notAfter, keys: clientCAKeys, signingAlgorithm: alg, extensions: await Promise.all(caExt(clientCAKeys)) });
  const serverKeys = await gen();
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: serial(3),
    subject: 'O=k3s, CN=k3s',
    issuer: serverCA.subject,
    notBefore: opts.notBefore,
    notAfter,
    signingAlgorithm: alg,
    publicKey: serverKeys.publicKey,
    signingKey: serverCAKeys.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...opts.sanDNS.map((v) => ({ type: 'dns' as const, value: v })), ...opts.sanIPs.map((v) => ({ type: 'ip' as const, value: v }))]),
    ],
  });
  const adminKeys = await gen();
  const admin = await x509.X509CertificateGenerator.create({
    serialNumber: serial(4),
    subject: 'O=system:masters, CN=system:admin',
    issuer: clientCA.subject,
    notBefore: opts.notBefore,
    notAfter,
    signingAlgorithm: alg,
    publicKey: adminKeys.publicKey,
    signingKey: clientCAKeys.privateKey,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  return {
    serverCA: serverCA.toString('pem'),
    clientCA: clientCA.toString('pem'),
    serverCert: server.toString('pem') + '\n' + serverCA.toString('pem'),
    serverKey: await keyPem(serverKeys.privateKey),
    adminCert: admin.toString('pem'),
    adminKey: await keyPem(adminKeys.privateKey),
  };
}

export function kubeconfigYaml(server: string, pki: Pki): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${b64(pki.serverCA)}
    server: ${server}
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
preferences: {}
users:
- name: default
  user:
    client-certificate-data: ${b64(pki.adminCert)}
    client-key-data: ${b64(pki.adminKey)}
`;
}
