/**
 * A minimal Kubernetes REST client for `lab record`: reads a kubeconfig (client certificate or
 * bearer token, CA data), sends JSON requests over HTTPS and follows watches (one JSON
 * WatchEvent per line). It talks to whatever server the kubeconfig names — a real k3s/k3d cluster
 * or `lab serve` — so the network-safety rule is the user's kubeconfig: tests point it at
 * 127.0.0.1 only.
 */
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CliError } from '../io';

export interface KubeTarget {
  server: URL;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecure: boolean;
}

const b64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64') : undefined);

export function loadKubeconfig(path: string): KubeTarget {
  let doc: any;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`--kubeconfig: cannot read ${JSON.stringify(path)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const ctxName = doc?.['current-context'];
  const ctx = (doc?.contexts ?? []).find((c: any) => c.name === ctxName)?.context;
  if (!ctx) throw new CliError(`--kubeconfig: ${path}: current-context ${JSON.stringify(ctxName ?? '')} not found in contexts`);
  const cluster = (doc.clusters ?? []).find((c: any) => c.name === ctx.cluster)?.cluster;
  const user = (doc.users ?? []).find((u: any) => u.name === ctx.user)?.user ?? {};
  if (!cluster?.server) throw new CliError(`--kubeconfig: ${path}: cluster ${JSON.stringify(ctx.cluster)} has no server`);
  let server: URL;
  try {
    server = new URL(cluster.server);
  } catch {
    throw new CliError(`--kubeconfig: ${path}: clusters[].cluster.server: Invalid value: ${JSON.stringify(cluster.server)}: must be a URL`);
  }
  const t: KubeTarget = { server, insecure: !!cluster['insecure-skip-tls-verify'] };
  const ca = b64(cluster['certificate-authority-data']) ?? (cluster['certificate-authority'] ? readFileSync(cluster['certificate-authority']) : undefined);
  if (ca) t.ca = ca;
  const cert = b64(user['client-certificate-data']) ?? (user['client-certificate'] ? readFileSync(user['client-certificate']) : undefined);
  const key = b64(user['client-key-data']) ?? (user['client-key'] ? readFileSync(user['client-key']) : undefined);
  if (cert) t.cert = cert;
  if (key) t.key = key;
  if (user.token) t.token = user.token;
  return t;
}

export interface KubeResponse {
  status: number;
  body: any;
}

export class KubeClient {
  constructor(readonly target: KubeTarget) {}

  private options(method: string, path: string, headers: Record<string, string>): RequestOptions {
    const t = this.target;
    return {
      method,
      host: t.server.hostname.replace(/^\[|\]$/g, ''),
      port: t.server.port || 443,
      path,
      headers: { Accept: 'application/json', 'User-Agent': 'kubelab-record/0.1', ...(t.token ? { Authorization: `Bearer ${t.token}` } : {}), ...headers },
      ...(t.ca ? { ca: t.ca } : {}),
      ...(t.cert ? { cert: t.cert } : {}),
      ...(t.key ? { key: t.key } : {}),
      rejectUnauthorized: !t.insecure,
    };
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpsRequest(this.options(method, path, data ? { 'Content-Type': contentType, 'Content-Length': String(data.length) } : {}), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* plain text (healthz) */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out after 30s`)));
      if (data) req.write(data);
      req.end();
    });
  }

  /** Follows a watch; returns a function that stops it. */
  watch(path: string, onEvent: (ev: { type: string; object: any }) => void, onEnd?: (err?: Error) => void): () => void {
    let buf = '';
    const req = httpsRequest(this.options('GET', path, {}), (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) onEvent(JSON.parse(line));
        }
      });
      res.on('end', () => onEnd?.());
    });
    req.on('error', (e) => onEnd?.(e));
    req.end();
    return () => req.destroy();
  }
}
