/**
 * `lab flow <name> [--scenario tower-fleet] [--seed N] [-o json]`: plays one of the seed's request
 * flows end to end and prints its numbered steps, what the learner's terminal shows, and the
 * trace hash (the browser lab shows the same hash for the same seed).
 */
import { writeFileSync } from 'node:fs';
import { UnknownScenarioError } from '../../kernel/simulation';
import { flowCommands, runFlow, UnknownFlowError } from '../../flows/run-flow';
import { CliError, emit, intArg, outputOption, type RegisterCommand } from '../io';

export const register: RegisterCommand = (program) => {
  program
    .command('flow')
    .description(`play a request flow step by step (${flowCommands().join(', ')})`)
    .argument('<name>', 'flow name, e.g. kubectl-get-pods')
    .option('--scenario <name>', 'scenario to run it in', 'tower-fleet')
    .option('--seed <n>', 'seed for every random choice', intArg('--seed'), 1)
    .option('--trace <file>', 'write the trace (JSON lines) to this file')
    .addOption(outputOption())
    .action((name: string, opts: { scenario: string; seed: number; trace?: string; output: string }) => {
      let r;
      try {
        r = runFlow(name, { scenario: opts.scenario, seed: opts.seed });
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
        lines.push('', r.output + r.stderr, `traceHash ${r.traceHash}`, '');
        return lines.join('\n');
      });
    });
};
