/**
 * `lab run <scenario> [--seed N] [--for 30s] [--trace FILE] [-o json]`: runs a scenario for a
 * stretch of simulated time and prints its fingerprint. `--trace FILE` writes the trace as JSON
 * lines; `sha256sum FILE` equals the printed traceHash.
 */
import { writeFileSync } from 'node:fs';
import { Simulation, UnknownScenarioError } from '../../kernel/simulation';
import { FieldError, parseDuration, toMs } from '../../kernel/time';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';

export const register: RegisterCommand = (program) => {
  program
    .command('run')
    .description('run a scenario for a stretch of simulated time and print its trace hash')
    .argument('<scenario>', 'scenario name, e.g. tower-fleet')
    .option('--seed <n>', 'seed for every random choice', intArg('--seed'), 1)
    .option('--for <duration>', 'simulated time to run, e.g. 30s, 10m', '30s')
    .option('--trace <file>', 'write the trace (JSON lines) to this file')
    .addOption(outputOption())
    .action((scenario: string, opts: { seed: number; for: string; trace?: string; output: string }) => {
      let durationUs: number;
      try {
        durationUs = parseDuration(opts.for, '--for');
      } catch (e) {
        if (e instanceof FieldError) throw new CliError(e.message);
        throw e;
      }
      let sim: Simulation;
      try {
        sim = new Simulation(scenario, { seed: opts.seed });
      } catch (e) {
        if (e instanceof UnknownScenarioError) throw new CliError(e.message);
        throw e;
      }
      sim.runUntil(durationUs);
      if (opts.trace) {
        try {
          writeFileSync(opts.trace, sim.trace.toJsonl());
        } catch (e) {
          throw new CliError(`--trace: cannot write ${JSON.stringify(opts.trace)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
      }
      const counts: Record<string, number> = {};
      for (const e of sim.trace.entries) counts[e.type] = (counts[e.type] ?? 0) + 1;
      const result = {
        scenario,
        seed: opts.seed,
        simulatedMs: toMs(sim.now),
        events: sim.trace.length,
        eventsByType: Object.fromEntries(Object.entries(counts).sort()),
        processes: Object.values(sim.kernel.state.processes)
          .map((p) => ({ id: p.id, model: p.model, status: p.status }))
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
        traceHash: sim.traceHash(),
        ...(opts.trace ? { traceFile: opts.trace } : {}),
      };
      emit(opts.output, result, () =>
        [
          `scenario   ${result.scenario} (seed ${result.seed})`,
          `simulated  ${opts.for} (${result.simulatedMs} ms)`,
          `events     ${result.events} (${Object.entries(result.eventsByType).map(([k, v]) => `${k} ${v}`).join(', ')})`,
          `processes  ${result.processes.length}: ${result.processes.map((p) => `${p.id} ${p.status}`).join(', ')}`,
          `traceHash  ${result.traceHash}`,
          ...(opts.trace ? [`trace      ${opts.trace}`] : []),
          '',
        ].join('\n'),
      );
    });
};
