/**
 * `lab serve [--scenario tower-fleet] [--seed N] [--port 6443] [--kubeconfig FILE] [--speed X]`:
 * serves the simulated API over HTTPS on 127.0.0.1 for real kubectl, writes a kubeconfig that
 * works as is, and runs until interrupted, the simulation advancing at --speed × the wall clock.
 */
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

export async function startServe(opts: { scenario: string; seed: number; port: number; kubeconfig: string; speed: number; quiet?: boolean; feedPort?: number; auditLog?: string }): Promise<{ server: LabServer; port: number; kubeconfig: string; feed: import('../serve/trace-feed').TraceFeed; feedPort: number }> {
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
    .option('--audit-log <file>', 'write the apiserver\'s audit events there, one JSON line each (as --audit-log-path)')
    .option('-o, --output <format>', 'text or json (the ready line)', 'text')
    .action(async (opts: { scenario: string; seed: number; port: number; kubeconfig: string; speed: number; output: string; tracePort: number; auditLog?: string }) => {
      if (opts.output !== 'text' && opts.output !== 'json') throw new CliError(`-o: Invalid value: ${JSON.stringify(opts.output)}: must be text or json`);
      const { server, port, kubeconfig, feed, feedPort } = await startServe({ ...opts, feedPort: opts.tracePort });
      const live = `http://127.0.0.1:${feedPort}`;
      const ready = { url: `https://127.0.0.1:${port}`, kubeconfig, scenario: opts.scenario, seed: opts.seed, speed: opts.speed, liveTrace: live };
      if (opts.output === 'json') process.stdout.write(JSON.stringify(ready) + '\n');
      else process.stdout.write(`kubelab: ${opts.scenario} (seed ${opts.seed}) serving at ${ready.url}\nkubeconfig written to ${kubeconfig}\ntry: kubectl --kubeconfig ${kubeconfig} get pods -A\nwatch it in the browser lab: npx pnpm@12 start, then open http://127.0.0.1:5173/?live=${live}\n(Ctrl-C to stop)\n`);
      await new Promise<void>((resolveStop) => {
        const stop = () => {
          void Promise.all([server.close(), feed.close()]).then(() => resolveStop());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
};
