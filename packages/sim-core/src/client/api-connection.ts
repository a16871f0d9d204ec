/**
 * A component's long-lived mTLS connection to kube-apiserver (kubelet, kube-scheduler,
 * kube-controller-manager keep one open, HTTP/2): opened once at start, then every request goes
 * over it. Pure helpers a model calls from its step function.
 */
import { TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_FINISHED, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, HTTP_REQUEST, type HttpRequest } from '../apiserver/http';
import type { Certificate } from '../apiserver/authn/x509';
import type { Input, Output } from '../kernel/model';

export interface ApiConnection {
  server: string;
  serverName: string;
  conn: string;
  /** Client certificate; absent on a token-only connection (a ServiceAccount's client). */
  cert?: Certificate;
  established: boolean;
  nextStream: number;
}

export function newConnection(server: string, serverName: string, conn: string, cert?: Certificate): ApiConnection {
  return { server, serverName, conn, ...(cert ? { cert } : {}), established: false, nextStream: 1 };
}

export function openConnection(c: ApiConnection): Output {
  return { type: 'send', to: c.server, kind: TCP_SYN, payload: { conn: c.conn, src: c.conn, dst: c.serverName } };
}

/** Advances the handshake; returns outputs and whether the connection just became usable. */
export function onHandshake(c: ApiConnection, input: Input): { outputs: Output[]; established: boolean; handled: boolean } {
  if (input.type !== 'message') return { outputs: [], established: false, handled: false };
  if (input.kind === TCP_SYN_ACK) {
    return { outputs: [{ type: 'send', to: c.server, kind: TLS_CLIENT_HELLO, payload: { conn: c.conn, serverName: c.serverName, alpn: ['h2'], supportedVersions: ['TLSv1.3'] } }], established: false, handled: true };
  }
  if (input.kind === TLS_SERVER_HELLO) {
    c.established = true;
    return { outputs: [{ type: 'send', to: c.server, kind: TLS_CLIENT_FINISHED, payload: { conn: c.conn, ...(c.cert ? { certificate: c.cert } : {}) } }], established: true, handled: true };
  }
  return { outputs: [], established: false, handled: false };
}

export function request(c: ApiConnection, method: string, path: string, body?: unknown, userAgent = 'k3s/v1.33.5+k3s1', bearerToken?: string, extraHeaders?: Record<string, string>): { output: Output; stream: number } {
  const stream = c.nextStream;
  c.nextStream += 2;
  // A PATCH names its patch type (the apiserver answers 415 to application/json); the components'
  // patches are JSON merge patches (upstream's kubelet and node lifecycle send strategic ones,
  // which give the same result for the fields they send).
  const contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': contentType, 'User-Agent': userAgent, ...(bearerToken ? { Authorization: `Bearer ${bearerToken}` } : {}), ...extraHeaders };
  const req: HttpRequest = { conn: c.conn, stream, method, path, headers, ...(body !== undefined ? { body } : {}) };
  return { output: { type: 'send', to: c.server, kind: HTTP_REQUEST, payload: req }, stream };
}
