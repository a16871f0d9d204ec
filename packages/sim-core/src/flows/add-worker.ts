/**
 * The seed's "Add a Worker Node" (Scaling the Cluster; Practical Examples): read the join token on
 * k3s-master, install k3s as an agent on a new machine (10.89.97.204) with K3S_URL and K3S_TOKEN,
 * and verify from the master that the node is Ready "within 30 seconds". The seed's four steps —
 * "1. Connects to master:6443 2. Authenticates with token 3. kubelet registers with API server
 * 4. Scheduler starts assigning pods to it" — are read back from the run's trace, with what
 * happens between them in a real k3s (the CA hash check, the node password Secret, the kubelet's
 * certificates, node-ipam's /24, flannel's annotations, the Ready condition). To show step 4 the
 * learner then runs `kubectl create deployment web --image=nginx --replicas=4`; the first pod the
 * scheduler binds to the new node is the step. The run ends with `kubectl get nodes -o wide`.
 *
 * The install is a `host` input (kernel/kernel.ts): it replays like any other input.
 */
import { Simulation } from '../kernel/simulation';
import { ms, seconds, toMs } from '../kernel/time';
import type { TraceEntry } from '../kernel/trace';
import { AGENT_INSTALL, validateAgentInstall, type AgentInstall } from '../scenarios/tower-fleet';
import { NODE_TOKEN } from '../scenarios/tower-fleet-pki';

export interface AddWorkerStep {
  step: number;
  title: string;
  component: string;
  atMs: number;
  sinceInstallMs: number;
  process: string;
  traceIndex: number;
  detail: unknown;
}

export interface AddWorkerRun {
  flow: 'add-worker';
  scenario: string;
  seed: number;
  node: string;
  ip: string;
  token: string;
  install: string;
  installAtMs: number;
  steps: AddWorkerStep[];
  /** Ms from the install to the node's Ready condition (null if it never got there). */
  readyAfterMs: number | null;
  /** The agent's log lines, as `journalctl -u k3s-agent` shows them. */
  agentLog: string[];
  placements: { pod: string; node: string }[];
  output: string;
  simulatedMs: number;
  events: number;
  traceHash: string;
  sim: Simulation;
}

export class AddWorkerError extends Error {}

export const ADD_WORKER_DEFAULTS = { name: 'k3s-worker-3', ip: '10.89.97.204', server: 'https://10.89.97.201:6443' };

const INSTALL_AT_US = seconds(1);

export function runAddWorker(opts: { seed: number; scenario?: string; name?: string; ip?: string; token?: string; server?: string; forUs?: number }): AddWorkerRun {
  const scenario = opts.scenario ?? 'tower-fleet';
  const install: AgentInstall = { name: opts.name ?? ADD_WORKER_DEFAULTS.name, ip: opts.ip ?? ADD_WORKER_DEFAULTS.ip, serverURL: opts.server ?? ADD_WORKER_DEFAULTS.server, token: opts.token ?? NODE_TOKEN };
  const probe = new Simulation(scenario, { seed: opts.seed });
  if (!probe.kernel.hasHostInput(AGENT_INSTALL)) throw new AddWorkerError(`--scenario: Unsupported value: ${JSON.stringify(scenario)}: add-worker joins Tower Fleet's single server ("tower-fleet" or "tower-fleet-fresh")`);
  const bad = validateAgentInstall(probe.kernel, install);
  if (bad) throw new AddWorkerError(bad);
  const kubectl = probe.built.processes.kubectl;
  const sim = new Simulation(scenario, { seed: opts.seed, inputs: [{ atUs: INSTALL_AT_US, type: 'host', kind: AGENT_INSTALL, payload: install }] });
  // Until the node is Ready (or the time is up), then the learner's deployment, then `get nodes`.
  const limit = INSTALL_AT_US + (opts.forUs ?? seconds(120));
  const isReady = (e: TraceEntry) => e.type === 'note' && e.kind === 'kubelet.node-status' && (e.data as { node?: string; ready?: string }).node === install.name && (e.data as { ready?: string }).ready === 'True';
  let ready: TraceEntry | undefined;
  const stop = sim.trace.onEntry((e) => {
    if (!ready && isReady(e)) ready = e;
  });
  while (!ready && sim.now < limit) sim.runFor(ms(100));
  let bound: TraceEntry | undefined;
  if (ready) {
    sim.addInput({ atUs: sim.now + seconds(2), type: 'command', to: kubectl, kind: 'kubectl', payload: { args: ['create', 'deployment', 'web', '--image=nginx', '--replicas=4'] } });
    const until = sim.now + seconds(60);
    while (sim.now < until) {
      sim.runFor(ms(100));
      bound = sim.trace.entries.find((e) => e.type === 'note' && e.kind === 'scheduler.bind' && (e.data as { node?: string }).node === install.name);
      if (bound) break;
    }
  }
  sim.runFor(seconds(3));
  const getAt = sim.now + ms(10);
  sim.addInput({ atUs: getAt, type: 'command', to: kubectl, kind: 'kubectl', payload: { args: ['get', 'nodes', '-o', 'wide'] } });
  let output = '';
  const untilGet = getAt + seconds(10);
  while (!output && sim.now < untilGet) {
    sim.runFor(ms(10));
    const exit = [...sim.trace.entries].reverse().find((e) => e.type === 'note' && e.kind === 'kubectl.exit' && e.t >= getAt);
    if (exit) output = String((exit.data as { stdout?: string }).stdout ?? '') + String((exit.data as { stderr?: string }).stderr ?? '');
  }
  stop();
  const entries = sim.trace.entries;
  const steps: AddWorkerStep[] = [];
  const mk = (step: number, title: string, component: string, e: TraceEntry | undefined, detail: unknown) => {
    if (!e) return;
    steps.push({ step, title, component, atMs: toMs(e.t), sinceInstallMs: toMs(e.t - INSTALL_AT_US), process: e.from ?? '', traceIndex: e.i, detail });
  };
  const joinStep = (name: string) => entries.find((e) => e.type === 'note' && e.kind === 'k3s.join-step' && (e.data as { node: string; step: string; ok: boolean }).node === install.name && (e.data as { step: string }).step === name && (e.data as { ok: boolean }).ok);
  const note = (kind: string, pred: (d: any) => boolean = (d) => d?.node === install.name) => entries.find((e) => e.type === 'note' && e.kind === kind && pred(e.data));
  const installEntry = entries.find((e) => e.type === 'input' && e.kind === AGENT_INSTALL);
  mk(0, 'Get the join token from master', 'k3s-master', installEntry, { file: '/var/lib/rancher/k3s/server/node-token', token: install.token });
  const ca = joinStep('validate-ca');
  mk(1, 'Connects to master:6443', 'k3s-agent', ca, { request: 'GET /cacerts', check: 'sha256 of the CA bundle equals the token\'s K10 hash', ...(ca?.data as object) });
  mk(2, 'Authenticates with token', 'k3s-agent', joinStep('config'), { request: 'GET /v1-k3s/config', user: 'node (the token\'s password)' });
  mk(2, 'Node password Secret created', 'kube-apiserver', note('k3s.node-password-created'), (note('k3s.node-password-created')?.data as object) ?? {});
  mk(2, 'Kubelet client certificate issued', 'k3s-agent', joinStep('client-cert'), (joinStep('client-cert')?.data as object) ?? {});
  mk(3, 'kubelet registers with API server', 'kubelet', note('kubelet.registered'), { request: 'POST /api/v1/nodes', ...(note('kubelet.registered')?.data as object) });
  mk(3, 'Node gets its pod CIDR', 'kube-controller-manager', note('node-ipam.allocated'), (note('node-ipam.allocated')?.data as object) ?? {});
  mk(3, 'flannel announces the node\'s VXLAN subnet', 'k3s-agent', joinStep('flannel-annotated'), { request: `PATCH /api/v1/nodes/${install.name}/status (flannel.alpha.coreos.com/* annotations)` });
  mk(3, 'Node Ready', 'kubelet', ready, { condition: 'Ready=True', reason: 'KubeletReady' });
  mk(4, 'Scheduler starts assigning pods to it', 'kube-scheduler', bound, (bound?.data as object) ?? {});
  const agentLog = entries.filter((e) => e.type === 'note' && e.kind === 'k3s.agent-log' && (e.data as { node: string }).node === install.name).map((e) => `${(e.data as { level: string }).level.toUpperCase().slice(0, 4)}[${toMs(e.t).toFixed(0).padStart(6)} ms] ${(e.data as { msg: string }).msg}`);
  const placements = entries.filter((e) => e.type === 'note' && e.kind === 'scheduler.bind' && String((e.data as { pod: string }).pod).startsWith('default/web-')).map((e) => ({ pod: (e.data as { pod: string }).pod, node: (e.data as { node: string }).node }));
  return {
    flow: 'add-worker',
    scenario,
    seed: opts.seed,
    node: install.name,
    ip: install.ip,
    token: install.token,
    install: `curl -sfL https://get.k3s.io | K3S_URL=${install.serverURL} K3S_TOKEN=${install.token} sh -`,
    installAtMs: toMs(INSTALL_AT_US),
    steps,
    readyAfterMs: ready ? toMs(ready.t - INSTALL_AT_US) : null,
    agentLog,
    placements,
    output,
    simulatedMs: toMs(sim.now),
    events: sim.trace.length,
    traceHash: sim.traceHash(),
    sim,
  };
}
