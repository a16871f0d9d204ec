/**
 * `lab serve`'s HTTPS server: the simulated kube-apiserver's front door on 127.0.0.1, for real
 * kubectl. Each real request becomes a command for the front-door process inside the simulation
 * (see client/front-door.ts); the simulation advances in virtual time at `speed` × the wall
 * clock; answers come back as notes and are written to the socket. Watches stay open and stream
 * one JSON WatchEvent per line.
 *
 * This file is I/O glue (it reads the wall clock to pace the simulation); everything the cluster
 * does happens in the deterministic models.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Certificate } from '../../apiserver/authn/x509';
import { FRONT_DOOR_RESPONSE, FRONT_DOOR_WATCH_END, FRONT_DOOR_WATCH_EVENT, makeFrontDoor, type FrontDoorRequest } from '../../client/front-door';
import { Simulation } from '../../kernel/simulation';
import { seconds } from '../../kernel/time';
import type { TraceEntry } from '../../kernel/trace';
import { calendarShiftMs, shiftTimes } from './calendar';
import type { Pki } from './pki';

export const FRONT_DOOR = 'laptop/kubectl-real';
/** The largest request body kube-apiserver accepts (3 MiB, apiserver's MaxRequestBodyBytes). */
export const MAX_BODY = 3 * 1024 * 1024;

export interface ServeOptions {
  scenario: string;
  seed: number;
  port: number;
  speed: number;
  pki: Pki;
  log?: (line: string) => void;
}

interface Waiting {
  res: ServerResponse;
  watch: boolean;
}

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** The peer certificate as the simulated x509 authenticator sees it. */
export function modelCertificate(sock: TLSSocket): Certificate | undefined {
  const c = sock.getPeerCertificate?.();
  if (!c || !c.subject || Object.keys(c.subject).length === 0) return undefined;
  const arr = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const subj = c.subject as unknown as Record<string, string | string[]>;
  const iss = c.issuer as unknown as Record<string, string | string[]>;
  const issuerCN = arr(iss.CN)[0] ?? '';
  return {
    subject: { CN: arr(subj.CN)[0] ?? '', O: arr(subj.O) },
    // Node has checked the chain against the client CA; a certificate it did not trust keeps a name the model will not trust either.
    issuer: { CN: sock.authorized ? issuerCN : `untrusted:${issuerCN}` },
    serial: c.serialNumber,
    notBefore: new Date(c.valid_from).toISOString(),
    notAfter: new Date(c.valid_to).toISOString(),
    extKeyUsage: (c as { ext_key_usage?: string[] }).ext_key_usage?.includes(OID_CLIENT_AUTH) ? ['clientAuth'] : [],
  };
}

export class LabServer {
  readonly sim: Simulation;
  private server?: Server;
  private timer?: NodeJS.Timeout;
  private waiting = new Map<number, Waiting>();
  private nextReq = 1;
  private nextConn = 1;
  private connIds = new WeakMap<object, string>();
  private wallStart = 0;
  private log: (line: string) => void;
  /** What `lab serve` adds to every timestamp it answers with (and takes off what it receives): calendar.ts. */
  calendarShiftMs = 0;

  constructor(readonly opts: ServeOptions) {
    this.log = opts.log ?? (() => {});
    this.sim = new Simulation(opts.scenario, {
      seed: opts.seed,
      checkpointEveryUs: seconds(60),
      setup: (k, built) => {
        k.spawn('laptop', 'kubectl-real', makeFrontDoor(built.processes.apiserver, '127.0.0.1'));
        built.topology.components.push({ id: FRONT_DOOR, host: 'laptop', component: 'kubectl (yours)', ports: [], plane: 'client' });
      },
    });
    this.sim.trace.onEntry((e) => this.onTrace(e));
  }

  /** Simulated time the wall clock says we should be at. */
  private target(): number {
    return Math.floor((performance.now() - this.wallStart) * 1000 * this.opts.speed);
  }

  private pump = () => {
    const t = this.target();
    if (t > this.sim.now) this.sim.runUntil(t);
  };

  async listen(): Promise<number> {
    this.server = createServer({ key: this.opts.pki.serverKey, cert: this.opts.pki.serverCert, ca: [this.opts.pki.clientCA], requestCert: true, rejectUnauthorized: false }, (req, res) => this.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, '127.0.0.1', () => resolve());
    });
    this.wallStart = performance.now();
    // Let the cluster come up (apiserver informers sync) before the first request.
    this.sim.runUntil(seconds(1));
    this.wallStart -= 1000 / this.opts.speed;
    // Your kubectl's clock is the wall clock: answer on it (see calendar.ts).
    this.calendarShiftMs = calendarShiftMs(Date.now(), this.sim.kernel.opts.epochMs + Math.floor(this.sim.now / 1000));
    this.timer = setInterval(this.pump, 2);
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.opts.port;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const w of this.waiting.values()) w.res.end();
    this.waiting.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      const sock = req.socket as TLSSocket;
      let realConn = this.connIds.get(sock);
      if (!realConn) {
        realConn = `c${this.nextConn++}`;
        this.connIds.set(sock, realConn);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[canonical(k)] = Array.isArray(v) ? v.join(', ') : v;
      const reqId = this.nextReq++;
      const raw = Buffer.concat(chunks);
      let body: unknown;
      if (tooBig) {
        this.reply(res, 413, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server has rejected the request because the request is too large (limit is 3145728 bytes)', reason: 'RequestEntityTooLarge', code: 413 });
        return;
      }
      if (raw.length > 0) {
        const ct = headers['Content-Type'] ?? '';
        if (ct.includes('json') || ct.includes('yaml') || ct === '') {
          try {
            body = shiftTimes(JSON.parse(raw.toString('utf8')), -this.calendarShiftMs);
          } catch {
            body = { $raw: raw.toString('utf8'), contentType: ct };
          }
        } else body = { $base64: raw.toString('base64'), contentType: ct };
      }
      const remote = `${sock.remoteAddress ?? '127.0.0.1'}:${sock.remotePort ?? 0}`;
      const cert = modelCertificate(sock);
      const fr: FrontDoorRequest = { reqId, realConn, remote, method: req.method ?? 'GET', path: req.url ?? '/', headers, ...(body !== undefined ? { body } : {}), ...(cert ? { cert } : {}) };
      const watch = /[?&]watch=(true|1)(&|$)/.test(fr.path);
      this.waiting.set(reqId, { res, watch });
      res.on('close', () => {
        if (this.waiting.has(reqId)) {
          this.waiting.delete(reqId);
          this.sim.addInput({ atUs: this.sim.now, type: 'command', to: FRONT_DOOR, kind: 'cancel', payload: { reqId } });
        }
      });
      this.log(`${fr.method} ${fr.path}`);
      this.sim.addInput({ atUs: this.sim.now, type: 'command', to: FRONT_DOOR, kind: 'http', payload: fr });
      this.pump();
    });
  }

  private reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(text);
  }

  private onTrace(e: TraceEntry): void {
    if (e.type !== 'note' || e.from !== FRONT_DOOR) return;
    if (e.kind === FRONT_DOOR_RESPONSE) {
      const d = e.data as { reqId: number; status: number; headers: Record<string, string>; body: unknown };
      const w = this.waiting.get(d.reqId);
      if (!w) return;
      const isStream = (d.body as { kind?: string } | undefined)?.kind === 'WatchStream';
      if (isStream) {
        w.res.writeHead(d.status, { ...d.headers, 'Content-Type': d.headers['Content-Type'] ?? 'application/json', 'Transfer-Encoding': 'chunked' });
        w.res.flushHeaders();
        return;
      }
      this.waiting.delete(d.reqId);
      // Binary bodies (the protobuf OpenAPI v2 document) travel through the simulation as base64.
      const b64 = (d.body as { $base64?: unknown } | undefined)?.$base64;
      const text = typeof b64 === 'string' ? Buffer.from(b64, 'base64') : typeof d.body === 'string' ? d.body : JSON.stringify(shiftTimes(d.body, this.calendarShiftMs));
      w.res.writeHead(d.status, { ...d.headers, 'Content-Length': String(Buffer.byteLength(text)) });
      w.res.end(text);
    } else if (e.kind === FRONT_DOOR_WATCH_EVENT) {
      const d = e.data as { reqId: number; event: unknown };
      const w = this.waiting.get(d.reqId);
      if (w) w.res.write(JSON.stringify(shiftTimes(d.event, this.calendarShiftMs)) + '\n');
    } else if (e.kind === FRONT_DOOR_WATCH_END) {
      const d = e.data as { reqId: number };
      const w = this.waiting.get(d.reqId);
      this.waiting.delete(d.reqId);
      if (w) w.res.end();
    }
  }
}

function canonical(h: string): string {
  return h.replace(/(^|-)([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase());
}
