/**
 * The learner's own kubectl, seen from inside the simulation. `lab serve` turns each real HTTPS
 * request into a command for this process: it opens a simulated TCP + TLS connection to
 * kube-apiserver per real TLS connection (presenting the client certificate the real kubectl
 * presented), sends the request as an `http.request`, and records the answer as a note the server
 * loop writes back to the socket. Everything in between is the ordinary simulated path, traced.
 */
import type { Certificate } from '../apiserver/authn/x509';
import { HTTP_CANCEL, HTTP_REQUEST, HTTP_RESPONSE, HTTP_WATCH_EVENT, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_FINISHED, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, type HttpRequest, type HttpResponse, type WatchEventMessage } from '../apiserver/http';
import type { Model, Output } from '../kernel/model';

export interface FrontDoorRequest {
  reqId: number;
  /** The real TLS connection it came on. */
  realConn: string;
  remote: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  cert?: Certificate;
}

interface Conn {
  modelConn: string;
  established: boolean;
  queued: number[];
  cert?: Certificate;
}

export interface FrontDoorState {
  apiserver: string;
  serverName: string;
  conns: Record<string, Conn>;
  requests: Record<number, FrontDoorRequest & { stream: number }>;
  streams: Record<string, number>;
}

export const FRONT_DOOR_RESPONSE = 'frontdoor.response';
export const FRONT_DOOR_WATCH_EVENT = 'frontdoor.watch-event';
/** The apiserver ended a watch (its deadline passed): the real response ends too. */
export const FRONT_DOOR_WATCH_END = 'frontdoor.watch-end';

export function makeFrontDoor(apiserver: string, serverName: string): Model<FrontDoorState> {
  return {
    type: 'kubectl (yours, via lab serve)',
    init: () => ({ apiserver, serverName, conns: {}, requests: {}, streams: {} }),
    step(s, input) {
      const out: Output[] = [];
      const sendReq = (c: Conn, id: number) => {
        const r = s.requests[id]!;
        const req: HttpRequest = { conn: c.modelConn, stream: r.stream, method: r.method, path: r.path, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) };
        out.push({ type: 'send', to: s.apiserver, kind: HTTP_REQUEST, payload: req });
      };
      if (input.type === 'command' && input.kind === 'http') {
        const r = input.payload as FrontDoorRequest;
        let c = s.conns[r.realConn];
        if (!c) {
          c = { modelConn: `${r.remote}#${r.realConn}`, established: false, queued: [], ...(r.cert ? { cert: r.cert } : {}) };
          s.conns[r.realConn] = c;
          out.push({ type: 'send', to: s.apiserver, kind: TCP_SYN, payload: { conn: c.modelConn, src: r.remote, dst: s.serverName } });
        }
        const stream = (s.streams[r.realConn] ?? -1) + 2;
        s.streams[r.realConn] = stream;
        s.requests[r.reqId] = { ...r, stream };
        if (c.established) sendReq(c, r.reqId);
        else c.queued.push(r.reqId);
        return { state: s, outputs: out };
      }
      if (input.type === 'command' && input.kind === 'cancel') {
        const { reqId } = input.payload as { reqId: number };
        const r = s.requests[reqId];
        const c = r && s.conns[r.realConn];
        if (r && c) out.push({ type: 'send', to: s.apiserver, kind: HTTP_CANCEL, payload: { conn: c.modelConn, stream: r.stream } });
        delete s.requests[reqId];
        return { state: s, outputs: out };
      }
      if (input.type !== 'message') return { state: s, outputs: out };
      const conn = (input.payload as { conn: string }).conn;
      const realConn = Object.keys(s.conns).find((k) => s.conns[k]!.modelConn === conn);
      const c = realConn ? s.conns[realConn] : undefined;
      if (!c || !realConn) return { state: s, outputs: out };
      if (input.kind === TCP_SYN_ACK) {
        out.push({ type: 'send', to: s.apiserver, kind: TLS_CLIENT_HELLO, payload: { conn: c.modelConn, serverName: s.serverName, alpn: ['h2', 'http/1.1'], supportedVersions: ['TLSv1.3', 'TLSv1.2'] } });
      } else if (input.kind === TLS_SERVER_HELLO) {
        out.push({ type: 'send', to: s.apiserver, kind: TLS_CLIENT_FINISHED, payload: { conn: c.modelConn, ...(c.cert ? { certificate: c.cert } : {}) } });
        c.established = true;
        for (const id of c.queued) sendReq(c, id);
        c.queued = [];
      } else if (input.kind === HTTP_CANCEL) {
        const stream = (input.payload as { stream: number }).stream;
        const reqId = Number(Object.keys(s.requests).find((k) => s.requests[Number(k)]!.realConn === realConn && s.requests[Number(k)]!.stream === stream));
        if (Number.isFinite(reqId)) {
          delete s.requests[reqId];
          out.push({ type: 'note', kind: FRONT_DOOR_WATCH_END, data: { reqId } });
        }
      } else if (input.kind === HTTP_RESPONSE || input.kind === HTTP_WATCH_EVENT) {
        const stream = (input.payload as { stream: number }).stream;
        const reqId = Number(Object.keys(s.requests).find((k) => s.requests[Number(k)]!.realConn === realConn && s.requests[Number(k)]!.stream === stream));
        if (!Number.isFinite(reqId)) return { state: s, outputs: out };
        if (input.kind === HTTP_RESPONSE) {
          const res = input.payload as HttpResponse;
          out.push({ type: 'note', kind: FRONT_DOOR_RESPONSE, data: { reqId, status: res.status, headers: res.headers, body: res.body } });
          const isWatch = (res.body as { kind?: string } | undefined)?.kind === 'WatchStream';
          if (!isWatch) delete s.requests[reqId];
        } else {
          out.push({ type: 'note', kind: FRONT_DOOR_WATCH_EVENT, data: { reqId, event: (input.payload as WatchEventMessage).event } });
        }
      }
      return { state: s, outputs: out };
    },
  };
}
