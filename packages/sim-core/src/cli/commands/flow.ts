/**
 * `lab flow <name> [--scenario tower-fleet] [--seed N] [-o json]`: plays one of the seed's request
 * flows end to end and prints its numbered steps, what the learner's terminal shows, and the
 * trace hash (the browser lab shows the same hash for the same seed).
 */
import { writeFileSync } from 'node:fs';
import { UnknownScenarioError } from '../../kernel/simulation';
import { flowCommands, runFlow, UnknownFlowError } from '../../flows/run-flow';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';
import { POD_TO_POD, runPodToPod } from './pod-to-pod';
import { ADD_WORKER_DEFAULTS, AddWorkerError, runAddWorker } from '../../flows/add-worker';

const ADD_WORKER = 'add-worker';

export const register: RegisterCommand = (program) => {
  program
    .command('flow')
    .description(`play a request flow step by step (${[...flowCommands(), POD_TO_POD, ADD_WORKER].sort().join(', ')})`)
    .argument('<name>', 'flow name, e.g. kubectl-get-pods')
    .option('--scenario <name>', 'scenario to run it in (default: the flow\'s own: tower-fleet, or tower-fleet-fresh for create-deployment)')
    .option('--seed <n>', 'seed for every random choice', intArg('--seed'), 1)
    .option('--replicas <n>', 'create-deployment: --replicas for kubectl', intArg('--replicas'))
    .option('--name <name>', 'create-deployment: the Deployment\'s name (default nginx)')
    .option('--image <image>', 'create-deployment: the image (default nginx)')
    .option('--node-name <name>', `add-worker: the new machine's hostname (default ${ADD_WORKER_DEFAULTS.name})`)
    .option('--node-ip <ip>', `add-worker: its address on the node network (default ${ADD_WORKER_DEFAULTS.ip})`)
    .option('--token <token>', "add-worker: K3S_TOKEN (default: k3s-master's /var/lib/rancher/k3s/server/node-token)")
    .option('--trace <file>', 'write the trace (JSON lines) to this file')
    .option('--pcap <file>', 'pod-to-pod: write the frames as a libpcap file (tshark/Wireshark)')
    .addOption(outputOption())
    .action((name: string, opts: { scenario?: string; seed: number; replicas?: number; name?: string; image?: string; trace?: string; pcap?: string; output: string; nodeName?: string; nodeIp?: string; token?: string }) => {
      if (name === ADD_WORKER) return addWorker(opts);
      if (opts.nodeName !== undefined || opts.nodeIp !== undefined || opts.token !== undefined) throw new CliError(`--node-name, --node-ip and --token belong to the add-worker flow`);
      // pod-to-pod is a network flow (@kubelab/network), not played through the control-plane kernel.
      if (name === POD_TO_POD) {
        if (opts.scenario && opts.scenario !== 'tower-fleet') throw new CliError(`--scenario: Unsupported value: ${JSON.stringify(opts.scenario)}: pod-to-pod runs in "tower-fleet"`);
        return runPodToPod({ seed: opts.seed, ...(opts.pcap ? { pcap: opts.pcap } : {}), ...(opts.trace ? { trace: opts.trace } : {}), output: opts.output });
      }
      if (opts.pcap) throw new CliError(`--pcap: only the pod-to-pod flow writes frames`);
      let r;
      try {
        r = runFlow(name, { ...(opts.scenario ? { scenario: opts.scenario } : {}), seed: opts.seed, params: { ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}), ...(opts.name ? { name: opts.name } : {}), ...(opts.image ? { image: opts.image } : {}) } });
      } catch (e) {
        if (e instanceof UnknownFlowError || e instanceof UnknownScenarioError) throw new CliError(e.message);
        throw e;
      }
      if (opts.trace) writeFileSync(opts.trace, r.sim.trace.toJsonl());
      const result = {
        flow: r.flow,
        scenario: r.scenario,
        seed: r.seed,
        command: r.command,
        commandAtMs: r.commandAtMs,
        steps: r.steps.map((s) => ({ step: s.step, title: s.title, component: s.component, atMs: s.atMs, sinceCommandMs: Number(s.sinceCommandMs.toFixed(3)), process: s.process, traceIndex: s.traceIndex, detail: s.detail })),
        ...(r.placements.length ? { placements: r.placements } : {}),
        output: r.output,
        stderr: r.stderr,
        exitCode: r.exitCode,
        simulatedMs: r.simulatedMs,
        events: r.events,
        traceHash: r.traceHash,
      };
      emit(opts.output, result, () => {
        const lines = [`$ ${r.command}    (${r.scenario}, seed ${r.seed})`, ''];
        for (const s of result.steps) lines.push(`  ${String(s.step).padStart(2)}. ${s.title.padEnd(40)} ${s.component.padEnd(16)} +${s.sinceCommandMs.toFixed(3)} ms`);
        if (r.placements.length) {
          lines.push('', '  placements:');
          for (const p of r.placements) lines.push(`    ${p.pod.padEnd(40)} → ${p.node.padEnd(14)} ${p.podIP ?? ''}`);
        }
        lines.push('', r.output + r.stderr, `traceHash ${r.traceHash}`, '');
        return lines.join('\n');
      });
    });
};

function addWorker(opts: { scenario?: string; seed: number; trace?: string; output: string; nodeName?: string; nodeIp?: string; token?: string; pcap?: string; replicas?: number }): void {
  if (opts.pcap) throw new CliError(`--pcap: only the pod-to-pod flow writes frames`);
  let r;
  try {
    r = runAddWorker({ seed: opts.seed, ...(opts.scenario ? { scenario: opts.scenario } : {}), ...(opts.nodeName !== undefined ? { name: opts.nodeName } : {}), ...(opts.nodeIp !== undefined ? { ip: opts.nodeIp } : {}), ...(opts.token !== undefined ? { token: opts.token } : {}) });
  } catch (e) {
    if (e instanceof AddWorkerError || e instanceof UnknownScenarioError) throw new CliError(e.message);
    throw e;
  }
  if (opts.trace) writeFileSync(opts.trace, r.sim.trace.toJsonl());
  const steps = [...r.steps].sort((a, b) => a.atMs - b.atMs || a.step - b.step);
  const result = { flow: r.flow, scenario: r.scenario, seed: r.seed, node: r.node, ip: r.ip, install: r.install, installAtMs: r.installAtMs, steps: steps.map((s) => ({ step: s.step, title: s.title, component: s.component, atMs: s.atMs, sinceInstallMs: Number(s.sinceInstallMs.toFixed(3)), process: s.process, traceIndex: s.traceIndex, detail: s.detail })), readyAfterMs: r.readyAfterMs, agentLog: r.agentLog, placements: r.placements, output: r.output, simulatedMs: r.simulatedMs, events: r.events, traceHash: r.traceHash };
  emit(opts.output, result, () => {
    const lines = [`# on k3s-master: cat /var/lib/rancher/k3s/server/node-token`, r.token, '', `# on ${r.node} (${r.ip}):`, `$ ${r.install}`, ''];
    for (const s of result.steps) lines.push(`  ${String(s.step).padStart(2)}. ${s.title.padEnd(44)} ${s.component.padEnd(24)} +${s.sinceInstallMs.toFixed(3)} ms`);
    lines.push('', `  k3s-agent log (${r.node}):`, ...r.agentLog.map((l) => `    ${l}`));
    lines.push('', r.readyAfterMs === null ? `  ${r.node} did not become Ready` : `  ${r.node} Ready ${(r.readyAfterMs / 1000).toFixed(1)} s after the install started`);
    if (r.placements.length) {
      lines.push('', '  $ kubectl create deployment web --image=nginx --replicas=4');
      for (const p of r.placements) lines.push(`    ${p.pod.padEnd(40)} → ${p.node}`);
    }
    lines.push('', '# on k3s-master: kubectl get nodes -o wide', r.output, `traceHash ${r.traceHash}`, '');
    return lines.join('\n');
  });
}
