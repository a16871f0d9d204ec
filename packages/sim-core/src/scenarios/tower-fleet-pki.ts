/**
 * Tower Fleet's cluster CA certificates and server token, as files on k3s-master hold them:
 * /var/lib/rancher/k3s/server/tls/server-ca.crt and client-ca.crt (self-signed ECDSA P-256 CAs,
 * CN k3s-server-ca@<install time> and k3s-client-ca@<install time>, ten years), and the server
 * token's password (k3s generates 16 random bytes, hex, at install). The node token,
 * /var/lib/rancher/k3s/server/node-token, is `K10<sha256 of server-ca.crt>::server:<password>`.
 *
 * The certificates are real: made once with cli/serve/pki.ts (the same shape `lab serve` makes),
 * their private keys thrown away — the simulation signs nothing, it serves these bytes at /cacerts
 * and hashes them into the token, as k3s does (openssl x509 -noout -text reads them).
 */
import { formatToken } from '../k3s/token';

export const SERVER_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBeDCCAR6gAwIBAgICSwEwCgYIKoZIzj0EAwIwIzEhMB8GA1UEAwwYazNzLXNl
cnZlci1jYUAxNzYyNDIwNDQwMB4XDTI1MTEwNjA5MTMwMFoXDTM1MTEwNDA5MTMw
MFowIzEhMB8GA1UEAwwYazNzLXNlcnZlci1jYUAxNzYyNDIwNDQwMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEDiwvJ+dCmeYgEX3AjHdJgjBA31wQimRxLzBUWk2l
RHZPmyUNr6a0qCy0qjNFE+sIFY/CYFL3yGexXfEHzrkxsaNCMEAwDwYDVR0TAQH/
BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAYYwHQYDVR0OBBYEFNEixWszNXsDO+ooxxot
ANYnfuCxMAoGCCqGSM49BAMCA0gAMEUCIQDl9ApI1A66SXNX/yBKg8JurDMGBCPh
EGmlj2KuMCbAWQIgWnSKz9i9BB0UgTVc3wboIbT/OSf/MfMoRtuMK1g/F+c=
-----END CERTIFICATE-----
`;

export const CLIENT_CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBeDCCAR6gAwIBAgICSwIwCgYIKoZIzj0EAwIwIzEhMB8GA1UEAwwYazNzLWNs
aWVudC1jYUAxNzYyNDIwNDQwMB4XDTI1MTEwNjA5MTMwMFoXDTM1MTEwNDA5MTMw
MFowIzEhMB8GA1UEAwwYazNzLWNsaWVudC1jYUAxNzYyNDIwNDQwMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEYu0TP19cFfPQAqaXhQGWFL9fTLzVQ7pWNyKUEiii
0oYhaCbG1wO6q+d20PcAH5T43cE7MdVB6e7qO2sNZpZX+KNCMEAwDwYDVR0TAQH/
BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAYYwHQYDVR0OBBYEFDjhxR1r4BtX1Vm0jOZt
uBMDpuwdMAoGCCqGSM49BAMCA0gAMEUCICPuOkhCg4rKM0McDtEGSCtnG73tqp57
ZbBXulrn1ipGAiEAupN5/HYhYGyytvvIxvOH9JA8Xm4kSKHY8ZHoSK8xzoY=
-----END CERTIFICATE-----
`;

/** The server token's password (/var/lib/rancher/k3s/server/token ends with it). */
export const SERVER_TOKEN_PASSWORD = '5f0c2e9a71d84b3c96e1a0f7d2b45c8e';

/** /var/lib/rancher/k3s/server/node-token. */
export const NODE_TOKEN = formatToken(`server:${SERVER_TOKEN_PASSWORD}`, SERVER_CA_PEM);

/**
 * Each Tower Fleet node's /etc/rancher/node/password (16 random bytes, hex, made by its agent at
 * install) and the scrypt hash k3s keeps of it in kube-system/<node>.node-password.k3s (salt
 * fixed here; computed once with node:crypto's scrypt, N=2^15 r=8 p=1, and checked in a test).
 */
export const NODE_PASSWORDS: Record<string, { password: string; hash: string }> = {
  'k3s-master': { password: '9c41e07d2b5a8f163e0d4c7a91b2f658', hash: '$1:3f7a1c9e5b2d8064:15:8:1:5Xx5Hp3BsARk3zbUklz+O5td9IwXfOu5KzlXTccfIBTt6czAcvEqS433szcrxXorKM57/ryZMEBX5R4Ziab7Xw' },
  'k3s-worker-1': { password: '6e2b8d04f1a7c3955d8e0b6a2f4c1d97', hash: '$1:a41d7e2c9b063f85:15:8:1:Tn6KB7z9aAhwo59K6wRGiNmmrjblcgYXHUpHF2Lh9bH69nlua/XhadTQFVrA2tspHJi5w81vkhN7orpJC4UTcA' },
  'k3s-worker-2': { password: 'd07f3a9c5e1b6284c9a0e7d3b5f2816e', hash: '$1:5c9e02b7d4a1f638:15:8:1:RmvgHQNDADke8TFE6lR4fwdUoVmx0SGHmwS5A8FmfRpl2wHhVwSjHmxwuEhvNfIpuwYHbLgS7qUVEHkGCuGj8Q' },
};
