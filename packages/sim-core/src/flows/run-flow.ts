/**
 * Runs a flow end to end in a fresh simulation: the scenario boots, the learner's command is
 * given at `commandAtUs`, and the run continues until the command has finished (and a little
 * after, so replies in flight land). The flow's steps are read back from the trace.
 */
import { Simulation, type SimulationOptions } from '../kernel/simulation';
import { ms, seconds, toMs } from '../kernel/time';
import type { TraceEntry } from '../kernel/trace';
import { flowDef, flowNames, type FlowStepNote } from './flow';
import './index';

export interface FlowStep {
  step: number;
  title: string;
  component: string;
  /** Simulated time of the step, ms since the scenario's start. */
  atMs: number;
  /** Time since the learner pressed enter, ms. */
  sinceCommandMs: number;
  /** Index of the flow.step entry in the trace. */
  traceIndex: number;
  process: string;
  detail: unknown;
}

export interface FlowRun {
  flow: string;
  scenario: string;
  seed: number;
  command: string;
  commandAtMs: number;
  steps: FlowStep[];
  output: string;
  stderr: string;
  exitCode: number | null;
  simulatedMs: number;
  events: number;
  traceHash: string;
  sim: Simulation;
}

interface FlowCommand {
  to: (sim: Simulation) => string;
  kind: string;
  payload: unknown;
  command: string;
}

const COMMANDS: Record<string, FlowCommand> = {
  'kubectl-get-pods': { to: (s) => s.built.processes.kubectl, kind: 'kubectl', payload: { args: ['get', 'pods'], flow: 'kubectl-get-pods' }, command: 'kubectl get pods' },
};

export class UnknownFlowError extends Error {
  constructor(readonly flow: string) {
    super(`unknown flow ${JSON.stringify(flow)} (known: ${flowNames().join(', ')})`);
  }
}

export const DEFAULT_COMMAND_AT_US = seconds(1);

export function runFlow(flow: string, opts: { scenario?: string; seed: number; commandAtUs?: number; settleUs?: number } & Pick<SimulationOptions, 'checkpointEveryUs'>): FlowRun {
  const def = flowDef(flow);
  const cmd = COMMANDS[flow];
  if (!def || !cmd) throw new UnknownFlowError(flow);
  const scenario = opts.scenario ?? 'tower-fleet';
  const atUs = opts.commandAtUs ?? DEFAULT_COMMAND_AT_US;
  const probe = new Simulation(scenario, { seed: opts.seed });
  const sim = new Simulation(scenario, { seed: opts.seed, checkpointEveryUs: opts.checkpointEveryUs, inputs: [{ atUs, type: 'command', to: cmd.to(probe), kind: cmd.kind, payload: cmd.payload }] });
  // Run until kubectl exits (bounded), then let in-flight messages land.
  let exit: TraceEntry | undefined;
  const stop = sim.trace.onEntry((e) => {
    if (e.type === 'note' && e.kind === 'kubectl.exit') exit = e;
  });
  const limit = atUs + seconds(30);
  while (!exit && sim.now < limit) sim.runFor(ms(1));
  stop();
  sim.runFor(opts.settleUs ?? ms(5));
  const steps = flowSteps(sim.trace.entries, flow, atUs);
  const exitData = (exit?.data ?? {}) as { stdout?: string; stderr?: string; exitCode?: number };
  return {
    flow,
    scenario,
    seed: opts.seed,
    command: cmd.command,
    commandAtMs: toMs(atUs),
    steps,
    output: exitData.stdout ?? '',
    stderr: exitData.stderr ?? '',
    exitCode: exitData.exitCode ?? null,
    simulatedMs: toMs(sim.now),
    events: sim.trace.length,
    traceHash: sim.traceHash(),
    sim,
  };
}

export function flowSteps(entries: readonly TraceEntry[], flow: string, commandAtUs = 0): FlowStep[] {
  const out: FlowStep[] = [];
  for (const e of entries) {
    if (e.type !== 'note' || e.kind !== 'flow.step') continue;
    const n = e.data as FlowStepNote;
    if (n.flow !== flow) continue;
    out.push({ step: n.step, title: n.title, component: n.component, atMs: toMs(e.t), sinceCommandMs: toMs(e.t - commandAtUs), traceIndex: e.i, process: e.from ?? '', detail: n.detail });
  }
  return out;
}

export function flowCommands(): string[] {
  return Object.keys(COMMANDS).sort();
}
