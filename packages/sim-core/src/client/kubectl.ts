/**
 * kubectl on the learner's laptop, as a model: it reads its kubeconfig, connects to the server
 * it names over TCP and TLS 1.3 presenting the client certificate, sends the request kubectl
 * really sends (`GET /api/v1/namespaces/default/pods?limit=500` with Accept asking for a Table),
 * and prints the Table the way kubectl's human-readable printer does (upper-cased column names,
 * priority-1 columns only with -o wide, NAMESPACE first with -A, Go tabwriter alignment).
 *
 * Upstream: k8s.io/kubectl/pkg/cmd/get/get.go (request, chunk size 500, Table Accept header),
 * k8s.io/cli-runtime/pkg/printers/tableprinter.go and tabwriter.go, and the measured wire notes
 * in shared/references/kubectl-wire.md.
 * Leaves out: discovery (/api, /apis) — the model assumes a warm discovery cache, as on any second
 * run within kubectl's 6-hour cache; HTTP/2 framing; client-side throttling.
 */
import { ACCEPT_TABLE, HTTP_REQUEST, HTTP_RESPONSE, TCP_SYN, TCP_SYN_ACK, TLS_CLIENT_FINISHED, TLS_CLIENT_HELLO, TLS_SERVER_HELLO, type HttpRequest, type HttpResponse, type ServerHello } from '../apiserver/http';
import type { Certificate } from '../apiserver/authn/x509';
import type { Table } from '../apiserver/printers/table';
import { narrate, type TraceContext } from '../flows/flow';
import type { Model, Output } from '../kernel/model';
import { loadClientConfig, type ClientConfig, type Kubeconfig } from './kubeconfig';
import { initialPhase, nextPhase, type KubectlEvent, type KubectlPhase } from './kubectl-lifecycle';
import { tabwrite } from './tabwriter';
import { createDeploymentBody, createDeploymentPath, parseCreateDeployment, CREATE_ACCEPT, CREATE_CONTENT_TYPE, type CreateDeployment } from './kubectl-create';

export interface KubectlConfig {
  kubeconfigPath: string;
  kubeconfig: Kubeconfig;
  clientCertificate: Certificate;
  /** Which process answers at which address:port (the network's routing, for the model). */
  routes: Record<string, string>;
  /** This machine's address. */
  address: string;
  /** How long loading the kubeconfig and starting up takes, µs. */
  startupUs: number;
}

export interface KubectlInvocation {
  id: string;
  args: string[];
  phase: KubectlPhase;
  trace?: TraceContext;
  conn: string;
  server?: string;
  config?: ClientConfig;
  request?: { method: string; path: string; headers: Record<string, string> };
  parsed: ParsedGet;
  /** `kubectl create deployment …` (kubectl-create.ts); absent for `get`. */
  create?: CreateDeployment;
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface KubectlState {
  config: KubectlConfig;
  invocations: Record<string, KubectlInvocation>;
  order: string[];
}

export interface ParsedGet {
  resource: string;
  group: string;
  version: string;
  namespaced: boolean;
  allNamespaces: boolean;
  namespace?: string;
  wide: boolean;
  name?: string;
}

const ALIASES: Record<string, { resource: string; group: string; version: string; namespaced: boolean }> = {
  pods: { resource: 'pods', group: '', version: 'v1', namespaced: true },
  nodes: { resource: 'nodes', group: '', version: 'v1', namespaced: false },
  namespaces: { resource: 'namespaces', group: '', version: 'v1', namespaced: false },
  services: { resource: 'services', group: '', version: 'v1', namespaced: true },
  deployments: { resource: 'deployments', group: 'apps', version: 'v1', namespaced: true },
  replicasets: { resource: 'replicasets', group: 'apps', version: 'v1', namespaced: true },
  leases: { resource: 'leases', group: 'coordination.k8s.io', version: 'v1', namespaced: true },
};
const SHORT: Record<string, string> = { po: 'pods', pod: 'pods', no: 'nodes', node: 'nodes', ns: 'namespaces', namespace: 'namespaces', svc: 'services', service: 'services', deploy: 'deployments', deployment: 'deployments', rs: 'replicasets', replicaset: 'replicasets', lease: 'leases' };

/** Parses `get <resource> [name] [-A] [-n ns] [-o wide]`; throws with kubectl's wording. */
export function parseGet(args: string[]): ParsedGet {
  if (args[0] !== 'get') throw new Error(`error: unknown command "${args[0] ?? ''}" for "kubectl"`);
  const rest = args.slice(1);
  let allNamespaces = false;
  let namespace: string | undefined;
  let wide = false;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-A' || a === '--all-namespaces') allNamespaces = true;
    else if (a === '-n' || a === '--namespace') namespace = rest[++i];
    else if (a.startsWith('--namespace=')) namespace = a.slice('--namespace='.length);
    else if (a === '-o' || a === '--output') {
      const v = rest[++i];
      if (v !== 'wide') throw new Error(`error: unable to match a printer suitable for the output format "${v ?? ''}" (the lab's kubectl prints tables and -o wide)`);
      wide = true;
    } else if (a === '-owide' || a === '--output=wide' || a === '-o=wide') wide = true;
    else if (a.startsWith('-')) throw new Error(`error: unknown flag: ${a}`);
    else positional.push(a);
  }
  const word = positional[0];
  if (!word) throw new Error('error: You must specify the type of resource to get.');
  const canonical = ALIASES[word] ? word : SHORT[word];
  if (!canonical) throw new Error(`error: the server doesn't have a resource type "${word}"`);
  const r = ALIASES[canonical]!;
  return { ...r, allNamespaces, ...(namespace ? { namespace } : {}), wide, ...(positional[1] ? { name: positional[1] } : {}) };
}

export function requestPath(p: ParsedGet, defaultNamespace: string): string {
  const base = p.group ? `/apis/${p.group}/${p.version}` : `/api/${p.version}`;
  if (p.name) {
    const ns = p.namespaced ? `/namespaces/${p.namespace ?? defaultNamespace}` : '';
    return `${base}${ns}/${p.resource}/${p.name}`;
  }
  if (!p.namespaced || p.allNamespaces) return `${base}/${p.resource}?limit=500`;
  return `${base}/namespaces/${p.namespace ?? defaultNamespace}/${p.resource}?limit=500`;
}

/** kubectl's human-readable printing of a server-side Table. */
export function printTable(t: Table, opts: { wide: boolean; withNamespace: boolean }): string {
  const cols = t.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || c.priority === 0);
  const header = [...(opts.withNamespace ? ['NAMESPACE'] : []), ...cols.map(({ c }) => c.name.toUpperCase())];
  const lines = [header.join('\t')];
  for (const row of t.rows) {
    const ns = (row.object as any)?.metadata?.namespace ?? '';
    const cells = cols.map(({ i }) => String(row.cells[i] ?? ''));
    lines.push([...(opts.withNamespace ? [ns] : []), ...cells].join('\t'));
  }
  return tabwrite(lines.join('\n') + '\n');
}

function noResources(p: ParsedGet, ns: string): string {
  if (!p.namespaced || p.allNamespaces) return 'No resources found\n';
  return `No resources found in ${ns} namespace.\n`;
}

export const KUBECTL_PRINT_US = 300;

export function makeKubectl(config: KubectlConfig): Model<KubectlState> {
  return {
    type: 'kubectl',
    init: () => ({ config, invocations: {}, order: [] }),
    step(s, input, env) {
      const out: Output[] = [];
      const advance = (inv: KubectlInvocation, e: KubectlEvent['type']) => {
        const from = inv.phase;
        inv.phase = nextPhase(inv.phase, { type: e });
        if (from !== inv.phase) out.push({ type: 'note', kind: 'kubectl.phase', data: { invocation: inv.id, from, to: inv.phase } });
      };
      const fail = (inv: KubectlInvocation, msg: string) => {
        inv.stderr += msg.endsWith('\n') ? msg : msg + '\n';
        inv.exitCode = 1;
        advance(inv, 'FAIL');
        out.push({ type: 'note', kind: 'kubectl.exit', data: { invocation: inv.id, exitCode: 1, stdout: inv.stdout, stderr: inv.stderr } });
      };
      if (input.type === 'command' && input.kind === 'kubectl') {
        const { args, flow } = input.payload as { args: string[]; flow?: string };
        const id = env.rng.uuid();
        const inv: KubectlInvocation = { id, args, phase: initialPhase(), conn: `${s.config.address}:${40000 + env.rng.int(0, 20000)}`, parsed: { resource: '', group: '', version: '', namespaced: true, allNamespaces: false, wide: false }, stdout: '', stderr: '', exitCode: null, ...(flow ? { trace: { flow, traceId: id } } : {}) };
        s.invocations[id] = inv;
        s.order.push(id);
        out.push({ type: 'note', kind: 'kubectl.run', data: { invocation: id, command: ['kubectl', ...args].join(' ') } });
        try {
          if (args[0] === 'create') inv.create = parseCreateDeployment(args);
          else inv.parsed = parseGet(args);
        } catch (e) {
          fail(inv, (e as Error).message);
          return { state: s, outputs: out };
        }
        out.push({ type: 'timer', name: `config:${id}`, afterUs: s.config.startupUs });
        return { state: s, outputs: out };
      }
      if (input.type === 'timer' && input.name.startsWith('config:')) {
        const inv = s.invocations[input.name.slice('config:'.length)]!;
        inv.config = loadClientConfig(s.config.kubeconfigPath, s.config.kubeconfig, s.config.clientCertificate);
        const target = `${inv.config.host}:${inv.config.port}`;
        const server = s.config.routes[target];
        out.push(
          ...narrate(inv.trace, 'kubectl.kubeconfig-read', {
            file: s.config.kubeconfigPath,
            context: inv.config.context,
            server: inv.config.server,
            user: 'default',
            clientCertificate: { subject: `O=${(s.config.clientCertificate.subject.O ?? []).join(',O=')}, CN=${s.config.clientCertificate.subject.CN}`, issuer: s.config.clientCertificate.issuer.CN },
            namespace: inv.config.namespace,
          }),
        );
        advance(inv, 'CONFIG_LOADED');
        if (!server) {
          fail(inv, `The connection to the server ${target} was refused - did you specify the right host or port?`);
          return { state: s, outputs: out };
        }
        inv.server = server;
        out.push({ type: 'send', to: server, kind: TCP_SYN, payload: { conn: inv.conn, src: inv.conn, dst: target, trace: inv.trace } });
        return { state: s, outputs: out };
      }
      if (input.type !== 'message') return { state: s, outputs: out };
      const conn = (input.payload as { conn?: string }).conn;
      const inv = Object.values(s.invocations).find((i) => i.conn === conn);
      if (!inv) return { state: s, outputs: out };
      if (input.kind === TCP_SYN_ACK) {
        advance(inv, 'TCP_ESTABLISHED');
        out.push({ type: 'send', to: inv.server!, kind: TLS_CLIENT_HELLO, payload: { conn: inv.conn, serverName: inv.config!.host, alpn: ['h2', 'http/1.1'], supportedVersions: ['TLSv1.3', 'TLSv1.2'], trace: inv.trace } });
      } else if (input.kind === TLS_SERVER_HELLO) {
        const hello = input.payload as ServerHello;
        const ipOk = (hello.certificate.ipAddresses ?? []).includes(inv.config!.host) || (hello.certificate.dnsNames ?? []).includes(inv.config!.host);
        if (!ipOk) {
          fail(inv, `Unable to connect to the server: tls: failed to verify certificate: x509: certificate is valid for ${[...(hello.certificate.dnsNames ?? []), ...(hello.certificate.ipAddresses ?? [])].join(', ')}, not ${inv.config!.host}`);
          return { state: s, outputs: out };
        }
        advance(inv, 'TLS_ESTABLISHED');
        out.push({ type: 'send', to: inv.server!, kind: TLS_CLIENT_FINISHED, payload: { conn: inv.conn, certificate: s.config.clientCertificate, trace: inv.trace } });
        if (inv.create) {
          const cpath = createDeploymentPath(inv.create, inv.config!.namespace);
          const body = createDeploymentBody(inv.create);
          const cheaders: Record<string, string> = { Accept: CREATE_ACCEPT, 'Content-Type': CREATE_CONTENT_TYPE, 'User-Agent': 'kubectl/v1.33.5 (linux/amd64) kubernetes/a0ffd0b', 'Kubectl-Command': 'kubectl create deployment', 'Kubectl-Session': inv.id, 'Accept-Encoding': 'gzip' };
          inv.request = { method: 'POST', path: cpath, headers: cheaders };
          out.push(...narrate(inv.trace, 'kubectl.deployment-sent', { method: 'POST', path: cpath, body }));
          out.push({ type: 'send', to: inv.server!, kind: HTTP_REQUEST, payload: { conn: inv.conn, stream: 1, method: 'POST', path: cpath, headers: cheaders, body, ...(inv.trace ? { trace: inv.trace } : {}) } satisfies HttpRequest });
          return { state: s, outputs: out };
        }
        const path = requestPath(inv.parsed, inv.config!.namespace);
        const headers: Record<string, string> = {
          Accept: inv.parsed.name ? 'application/json' : ACCEPT_TABLE,
          'User-Agent': 'kubectl/v1.33.5 (linux/amd64) kubernetes/a0ffd0b',
          'Kubectl-Command': 'kubectl get',
          'Kubectl-Session': inv.id,
          'Accept-Encoding': 'gzip',
        };
        inv.request = { method: 'GET', path, headers };
        const req: HttpRequest = { conn: inv.conn, stream: 1, method: 'GET', path, headers, ...(inv.trace ? { trace: inv.trace } : {}) };
        out.push({ type: 'send', to: inv.server!, kind: HTTP_REQUEST, payload: req });
      } else if (input.kind === HTTP_RESPONSE) {
        const res = input.payload as HttpResponse;
        advance(inv, 'RESPONSE');
        if (res.status >= 400 && !inv.create) {
          const st = res.body as { reason?: string; message?: string };
          if (res.status === 401) fail(inv, 'error: You must be logged in to the server (Unauthorized)');
          else fail(inv, `Error from server (${st.reason ?? 'Unknown'}): ${st.message ?? ''}`);
          return { state: s, outputs: out };
        }
        if (inv.create) {
          if (res.status >= 400) {
            // create_deployment.go: fmt.Errorf("failed to create deployment: %v", err) — the Status message (client-go says "Unauthorized" for a 401).
            fail(inv, `error: failed to create deployment: ${res.status === 401 ? 'Unauthorized' : ((res.body as { message?: string }).message ?? '')}`);
            return { state: s, outputs: out };
          }
          inv.stdout += `deployment.apps/${inv.create.name} created\n`;
          inv.exitCode = 0;
          advance(inv, 'PRINTED');
          out.push({ type: 'note', kind: 'kubectl.exit', data: { invocation: inv.id, exitCode: 0, stdout: inv.stdout, stderr: inv.stderr }, afterUs: KUBECTL_PRINT_US });
          return { state: s, outputs: out };
        }
        const ns = inv.parsed.namespace ?? inv.config!.namespace;
        const body = res.body as Table | { kind: string };
        if (body.kind === 'Table') {
          const t = body as Table;
          if (t.rows.length === 0) inv.stderr += noResources(inv.parsed, ns);
          else inv.stdout += printTable(t, { wide: inv.parsed.wide, withNamespace: inv.parsed.allNamespaces && inv.parsed.namespaced });
        } else {
          inv.stdout += JSON.stringify(body, null, 4) + '\n';
        }
        inv.exitCode = 0;
        advance(inv, 'PRINTED');
        out.push(...narrate(inv.trace, 'kubectl.printed', { stdout: inv.stdout, stderr: inv.stderr, rows: (body as Table).rows?.length ?? 0 }, KUBECTL_PRINT_US));
        out.push({ type: 'note', kind: 'kubectl.exit', data: { invocation: inv.id, exitCode: 0, stdout: inv.stdout, stderr: inv.stderr }, afterUs: KUBECTL_PRINT_US });
      }
      return { state: s, outputs: out };
    },
  };
}
