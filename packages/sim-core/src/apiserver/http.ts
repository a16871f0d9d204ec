/**
 * The messages of the front door: TCP and TLS 1.3 handshakes to port 6443, then HTTP requests and
 * responses on the connection. TLS is modelled by what the handshake carries (versions, cipher,
 * the server's certificate and its request for a client certificate, the client's certificate),
 * not by cryptography.
 */
import type { Certificate } from './authn/x509';
import type { TraceContext } from '../flows/flow';

export const TCP_SYN = 'tcp.SYN';
export const TCP_SYN_ACK = 'tcp.SYN-ACK';
export const TLS_CLIENT_HELLO = 'tls.ClientHello';
export const TLS_SERVER_HELLO = 'tls.ServerHello';
export const TLS_CLIENT_FINISHED = 'tls.ClientFinished';
export const HTTP_REQUEST = 'http.request';
export const HTTP_RESPONSE = 'http.response';
/** One event on a watch stream (the apiserver sends a 200 http.response first, then these). */
export const HTTP_WATCH_EVENT = 'http.watch-event';
/** The client closes a stream (ends a watch). */
export const HTTP_CANCEL = 'http.cancel';

export interface TcpSegment {
  conn: string;
  src: string;
  dst: string;
  trace?: TraceContext;
}

export interface ClientHello {
  conn: string;
  serverName: string;
  alpn: string[];
  supportedVersions: string[];
  trace?: TraceContext;
}

export interface ServerHello {
  conn: string;
  version: string;
  cipherSuite: string;
  alpn: string;
  certificate: Certificate;
  /** TLS CertificateRequest: the server asks for a client certificate from these CAs. */
  certificateRequest: { acceptableCAs: string[] };
  trace?: TraceContext;
}

export interface ClientFinished {
  conn: string;
  certificate?: Certificate;
  trace?: TraceContext;
}

export interface HttpRequest {
  conn: string;
  stream: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  trace?: TraceContext;
}

export interface HttpResponse {
  conn: string;
  stream: number;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  trace?: TraceContext;
}

export interface WatchEventMessage {
  conn: string;
  stream: number;
  /** metav1.WatchEvent: type ADDED | MODIFIED | DELETED | BOOKMARK | ERROR, and the object (a Status for ERROR). */
  event: { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };
  trace?: TraceContext;
}

export interface HttpCancel {
  conn: string;
  stream: number;
}

/** What kubectl sends as Accept for a human-readable `get` (server-side printing). */
export const ACCEPT_TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export const wantsTable = (accept: string | undefined): boolean => !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
