/**
 * `lab record --kubeconfig FILE --script NAME -o recorded.json`: runs a scripted scenario against
 * any real API server (a k3d cluster, k3s, or `lab serve`) and records every object's transitions
 * from watches. `lab compare recorded.json` runs the same script in the simulation (through
 * `lab serve`, in-process) and reports, per object, which transitions match and which differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, loadKubeconfig } from '../record/kube-client';
import { runScript, SCRIPTS, type Recording } from '../record/scripts';
import { compareHistories } from '../record/transitions';
import { CliError, intArg, type RegisterCommand } from '../io';
import { startServe } from './serve';

export const register: RegisterCommand = (program) => {
  program
    .command('record')
    .description(`record a scripted scenario's object transitions against a real API server (${Object.keys(SCRIPTS).join(', ')})`)
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster to record (k3d, k3s, or lab serve)')
    .option('--script <name>', 'script to run', 'nginx-lifecycle')
    .option('--namespace <ns>', 'namespace the script creates, uses and deletes', 'kubelab-record')
    .option('--timeout <seconds>', 'per-wait timeout', intArg('--timeout', 1, 3600), 180)
    .requiredOption('-o, --output <file>', 'where to write the recording (JSON)')
    .action(async (opts: { kubeconfig: string; script: string; namespace: string; timeout: number; output: string }) => {
      if (!SCRIPTS[opts.script]) throw new CliError(`--script: unknown script ${JSON.stringify(opts.script)} (known: ${Object.keys(SCRIPTS).join(', ')})`);
      const client = new KubeClient(loadKubeconfig(opts.kubeconfig));
      let rec: Recording;
      try {
        rec = await runScript(client, opts.script, { namespace: opts.namespace, timeoutMs: opts.timeout * 1000 });
      } catch (e) {
        throw new CliError(`record: ${(e as Error).message}`, 1);
      }
      writeFileSync(opts.output, JSON.stringify(rec, null, 2) + '\n');
      process.stdout.write(`recorded ${rec.objects.length} objects, ${rec.steps.length} steps from ${rec.server.gitVersion ?? 'unknown server'} into ${opts.output}\n`);
    });

  program
    .command('compare')
    .description('run a recording\'s script in the simulation and compare object transitions')
    .argument('<recording>', 'a file written by lab record')
    .option('--seed <n>', 'seed', intArg('--seed'), 1)
    .option('--speed <x>', 'simulated seconds per wall second while comparing', '20')
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (file: string, opts: { seed: number; speed: string; output: string }) => {
      let recorded: Recording;
      try {
        recorded = JSON.parse(readFileSync(file, 'utf8')) as Recording;
      } catch (e) {
        throw new CliError(`<recording>: cannot read ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (!recorded?.script || !Array.isArray(recorded.objects)) throw new CliError(`<recording>: ${file} is not a lab record file (needs "script" and "objects")`);
      const dir = mkdtempSync(join(tmpdir(), 'kubelab-compare-'));
      const served = await startServe({ scenario: 'tower-fleet', seed: opts.seed, port: 0, kubeconfig: join(dir, 'kubeconfig'), speed: Number(opts.speed), quiet: true });
      let simulated: Recording;
      try {
        simulated = await runScript(new KubeClient(loadKubeconfig(served.kubeconfig)), recorded.script, { namespace: recorded.namespace, timeoutMs: 120_000 });
      } catch (e) {
        throw new CliError(`compare: the simulation could not run ${recorded.script}: ${(e as Error).message}`, 1);
      } finally {
        await served.server.close();
        await served.feed.close();
        rmSync(dir, { recursive: true, force: true });
      }
      const cmp = compareHistories(recorded.objects, simulated.objects);
      const result = { script: recorded.script, recordedFrom: recorded.server.gitVersion, matched: cmp.matched, differed: cmp.differed, objects: cmp.objects };
      if (opts.output === 'json') process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      else {
        const lines = [`${recorded.script}: ${cmp.matched} objects match, ${cmp.differed} differ (recorded from ${recorded.server.gitVersion ?? '?'})`];
        for (const o of cmp.objects) lines.push(`  ${o.match ? 'match ' : 'DIFFER'} ${o.key}${o.match ? '' : ` at transition ${o.firstDifference}: recorded ${JSON.stringify(o.recorded?.[o.firstDifference] ?? null)} vs simulated ${JSON.stringify(o.simulated?.[o.firstDifference] ?? null)}`}`);
        process.stdout.write(lines.join('\n') + '\n');
      }
      if (cmp.differed > 0) process.exitCode = 1;
    });
};
