/**
 * `lab serve [--scenario tower-fleet] [--seed N] [--port 6443] [--kubeconfig FILE] [--speed X]`:
 * serves the simulated API over HTTPS on 127.0.0.1 for real kubectl, writes a kubeconfig that
 * works as is, and runs until interrupted, the simulation advancing at --speed × the wall clock.
 */
import { NODE_TOKEN } from '../../scenarios/tower-fleet-pki';
import { AGENT_INSTALL, validateAgentInstall, type AgentInstall } from '../../scenarios/tower-fleet';
import { FieldError, parseDuration } from '../../kernel/time';
import { appendFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UnknownScenarioError } from '../../kernel/simulation';
import { CLIENT_CA, SERVER_CA } from '../../scenarios/tower-fleet';
import { INSTALLED_MS } from '../../scenarios/tower-fleet-objects';
import { CliError, intArg, type RegisterCommand } from '../io';
import { AUDIT_NOTE } from '../../apiserver/audit';
import { shiftTimes } from '../serve/calendar';
import type { LabServer } from '../serve/server';

const speedArg = (v: string): number => {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(n > 0) || n > 1000) throw new InvalidArgumentError(`--speed must be a number between 0 and 1000, got ${JSON.stringify(v)}`);
  return n;
};

/** `--add-worker name=ip`: the seed's "Add a Worker Node", installed `atUs` after the start. */
export interface ServeAddWorker {
  name: string;
  ip: string;
  atUs: number;
}

export async function startServe(opts: { scenario: string; seed: number; port: number; kubeconfig: string; speed: number; quiet?: boolean; feedPort?: number; auditLog?: string; addWorker?: ServeAddWorker }): Promise<{ server: LabServer; port: number; kubeconfig: string; feed: import('../serve/trace-feed').TraceFeed; feedPort: number }> {
  const { kubeconfigYaml, makePki } = await import('../serve/pki');
  const { LabServer } = await import('../serve/server');
  const { TraceFeed } = await import('../serve/trace-feed');
  const pki = await makePki({
    serverCAName: SERVER_CA,
    clientCAName: CLIENT_CA,
    notBefore: new Date(INSTALLED_MS - 60_000),
    sanIPs: ['127.0.0.1', '10.89.97.201', '10.43.0.1', '::1'],
    sanDNS: ['localhost', 'k3s-master', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
  });
  let server: LabServer;
  try {
    server = new LabServer({ scenario: opts.scenario, seed: opts.seed, port: opts.port, speed: opts.speed, pki, ...(opts.quiet ? {} : { log: (l: string) => process.stderr.write(`${l}\n`) }) });
  } catch (e) {
    if (e instanceof UnknownScenarioError) throw new CliError(e.message);
    throw e;
  }
  if (opts.addWorker) {
    // The install is an input like any other: the same seed and flags give the same run.
    const a: AgentInstall = { name: opts.addWorker.name, ip: opts.addWorker.ip, serverURL: 'https://10.89.97.201:6443', token: NODE_TOKEN };
    const bad = server.sim.kernel.hasHostInput(AGENT_INSTALL) ? validateAgentInstall(server.sim.kernel, a) : `--scenario: Unsupported value: ${JSON.stringify(opts.scenario)}: --add-worker joins Tower Fleet's single server ("tower-fleet" or "tower-fleet-fresh")`;
    if (bad) throw new CliError(bad.replace(/^--name:/, '--add-worker:').replace(/^--ip:/, '--add-worker:'));
    server.sim.addInput({ atUs: opts.addWorker.atUs, type: 'host', kind: AGENT_INSTALL, payload: a });
  }
  let port: number;
  try {
    port = await server.listen();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`--port: cannot listen on 127.0.0.1:${opts.port}: ${code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : String(e)}`);
  }
  if (opts.auditLog) {
    // --audit-log-path: one audit.k8s.io/v1 Event per line, as the simulated apiserver records them.
    const auditFile = resolve(opts.auditLog);
    try {
      writeFileSync(auditFile, '');
    } catch (e) {
      await server.close();
      throw new CliError(`--audit-log: cannot write ${JSON.stringify(opts.auditLog)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    server.sim.trace.onEntry((e) => {
      if (e.type === 'note' && e.kind === AUDIT_NOTE) appendFileSync(auditFile, `${JSON.stringify(shiftTimes(e.data, server.calendarShiftMs))}\n`);
    });
  }
  const file = resolve(opts.kubeconfig);
  writeFileSync(file, kubeconfigYaml(`https://127.0.0.1:${port}`, pki), { mode: 0o600 });
  const feed = new TraceFeed(server.sim);
  let feedPort: number;
  try {
    feedPort = await feed.listen(opts.feedPort ?? 0);
  } catch (e) {
    await server.close();
    throw new CliError(`--trace-port: cannot listen on 127.0.0.1:${opts.feedPort}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return { server, port, kubeconfig: file, feed, feedPort };
}

export const register: RegisterCommand = (program) => {
  program
    .command('serve')
    .description('serve the simulated cluster to real kubectl over HTTPS on 127.0.0.1')
    .option('--scenario <name>', 'scenario', 'tower-fleet')
    .option('--seed <n>', 'seed', intArg('--seed'), 1)
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', intArg('--port', 0, 65535), 6443)
    .option('--kubeconfig <file>', 'where to write the kubeconfig', 'kubelab.kubeconfig')
    .option('--speed <x>', 'simulated seconds per wall-clock second', speedArg, 1)
    .option('--trace-port <n>', 'port on 127.0.0.1 for the live trace the browser lab reads (0 = any)', intArg('--trace-port', 0, 65535), 0)
    .option('--add-worker <name=ip>', 'a new machine joins with the node token (the seed\'s "Add a Worker Node"), e.g. k3s-worker-3=10.89.97.204')
    .option('--add-worker-at <duration>', 'when, in simulated time from the start', '10s')
    .option('--audit-log <file>', 'write the apiserver\'s audit events there, one JSON line each (as --audit-log-path)')
    .option('-o, --output <format>', 'text or json (the ready line)', 'text')
    .action(async (opts: { scenario: string; seed: number; port: number; kubeconfig: string; speed: number; output: string; tracePort: number; auditLog?: string; addWorker?: string; addWorkerAt: string }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new CliError(`-o: Invalid value: ${JSON.stringify(opts.output)}: must be text or json`);
      let addWorker: ServeAddWorker | undefined;
      if (opts.addWorker !== undefined) {
        const m = /^([^=]+)=(.+)$/.exec(opts.addWorker);
        if (!m) throw new CliError(`--add-worker: Invalid value: ${JSON.stringify(opts.addWorker)}: must be name=ip, e.g. k3s-worker-3=10.89.97.204`);
        let atUs: number;
        try {
          atUs = parseDuration(opts.addWorkerAt, '--add-worker-at');
        } catch (e) {
          if (e instanceof FieldError) throw new CliError(e.message);
          throw e;
        }
        addWorker = { name: m[1]!, ip: m[2]!, atUs };
      }
      const { server, port, kubeconfig, feed, feedPort } = await startServe({ scenario: opts.scenario, seed: opts.seed, port: opts.port, kubeconfig: opts.kubeconfig, speed: opts.speed, feedPort: opts.tracePort, ...(opts.auditLog ? { auditLog: opts.auditLog } : {}), ...(addWorker ? { addWorker } : {}) });
      const live = `http://127.0.0.1:${feedPort}`;
      // k3s's supervisor answers on the same port: /cacerts, /ping, /v1-k3s/* with the node token's password.
      const nodeToken = opts.scenario === 'tower-fleet' || opts.scenario === 'tower-fleet-fresh' ? NODE_TOKEN : undefined;
      const ready = { url: `https://127.0.0.1:${port}`, kubeconfig, scenario: opts.scenario, seed: opts.seed, speed: opts.speed, liveTrace: live, ...(nodeToken ? { nodeToken } : {}) };
      if (opts.output === 'json') process.stdout.write(JSON.stringify(ready) + '\n');
      else process.stdout.write(`kubelab: ${opts.scenario} (seed ${opts.seed}) serving at ${ready.url}\nkubeconfig written to ${kubeconfig}\ntry: kubectl --kubeconfig ${kubeconfig} get pods -A\n${nodeToken ? `node token (k3s-master:/var/lib/rancher/k3s/server/node-token): ${nodeToken}\n  its K10 hash is the SHA-256 of what GET ${ready.url}/cacerts answers\n` : ''}watch it in the browser lab: npx pnpm@12 start, then open http://127.0.0.1:5173/?live=${live}\n(Ctrl-C to stop)\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => {
          void Promise.all([server.close(), feed.close()]).then(() => resolveStop());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
};
