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
  placements: { pod: string; node: string; podIP: string | null }[];
  output: string;
  stderr: string;
  exitCode: number | null;
  simulatedMs: number;
  events: number;
  traceHash: string;
  sim: Simulation;
}

/** What the learner can vary in a flow's command. */
export interface FlowParams {
  name?: string;
  image?: string;
  replicas?: number;
}

interface FlowCommand {
  to: (sim: Simulation) => string;
  kind: string;
  args: (p: FlowParams) => string[];
  /** The scenario the flow plays in unless the learner names another. */
  scenario: string;
  /** How long the flow may go on in the cluster after the command exits, µs. */
  settleUs?: number;
  /** The flow is over (checked every 100 ms of simulated time after the command exits). */
  done?: (steps: FlowStep[], p: FlowParams) => boolean;
}

const COMMANDS: Record<string, FlowCommand> = {
  // The seed's Example 2, verbatim; it plays on Tower Fleet before nginx exists (tower-fleet-fresh).
  'create-deployment': {
    to: (s) => s.built.processes.kubectl,
    kind: 'kubectl',
    args: (p) => ['create', 'deployment', p.name ?? 'nginx', `--image=${p.image ?? 'nginx'}`, `--replicas=${p.replicas ?? 3}`],
    scenario: 'tower-fleet-fresh',
    settleUs: seconds(120),
    done: (steps, p) => steps.filter((x) => x.step === 12).length >= (p.replicas ?? 3),
  },
  'kubectl-get-pods': { to: (s) => s.built.processes.kubectl, kind: 'kubectl', args: () => ['get', 'pods'], scenario: 'tower-fleet' },
};

export class UnknownFlowError extends Error {
  constructor(readonly flow: string) {
    super(`unknown flow ${JSON.stringify(flow)} (known: ${flowNames().join(', ')})`);
  }
}

export const DEFAULT_COMMAND_AT_US = seconds(1);

export function runFlow(flow: string, opts: { scenario?: string; seed: number; commandAtUs?: number; settleUs?: number; params?: FlowParams } & Pick<SimulationOptions, 'checkpointEveryUs'>): FlowRun {
  const def = flowDef(flow);
  const cmd = COMMANDS[flow];
  if (!def || !cmd) throw new UnknownFlowError(flow);
  const params = opts.params ?? {};
  const scenario = opts.scenario ?? cmd.scenario;
  const atUs = opts.commandAtUs ?? DEFAULT_COMMAND_AT_US;
  const args = cmd.args(params);
  const probe = new Simulation(scenario, { seed: opts.seed });
  const sim = new Simulation(scenario, { seed: opts.seed, checkpointEveryUs: opts.checkpointEveryUs, inputs: [{ atUs, type: 'command', to: cmd.to(probe), kind: cmd.kind, payload: { args, flow } }] });
  // Run until kubectl exits (bounded), then let in-flight messages land and the cluster finish the flow.
  let exit: TraceEntry | undefined;
  const stop = sim.trace.onEntry((e) => {
    if (e.type === 'note' && e.kind === 'kubectl.exit') exit = e;
  });
  const limit = atUs + seconds(30);
  while (!exit && sim.now < limit) sim.runFor(ms(1));
  stop();
  if (opts.settleUs !== undefined || !cmd.done) sim.runFor(opts.settleUs ?? cmd.settleUs ?? ms(5));
  else {
    const until = sim.now + (cmd.settleUs ?? ms(5));
    const exitCode = (exit?.data as { exitCode?: number } | undefined)?.exitCode;
    while (sim.now < until && exitCode === 0 && !cmd.done(flowSteps(sim.trace.entries, flow, atUs), params)) sim.runFor(ms(100));
    sim.runFor(ms(5));
  }
  const steps = flowSteps(sim.trace.entries, flow, atUs);
  const exitData = (exit?.data ?? {}) as { stdout?: string; stderr?: string; exitCode?: number };
  return {
    flow,
    scenario,
    seed: opts.seed,
    command: ['kubectl', ...args].join(' '),
    commandAtMs: toMs(atUs),
    steps,
    placements: placementsOf(steps),
    output: exitData.stdout ?? '',
    stderr: exitData.stderr ?? '',
    exitCode: exitData.exitCode ?? null,
    simulatedMs: toMs(sim.now),
    events: sim.trace.length,
    traceHash: sim.traceHash(),
    sim,
  };
}

/** Where the flow's pods landed: the scheduler's binding (step 8) and the kubelet's pod IP (step 11). */
export function placementsOf(steps: FlowStep[]): { pod: string; node: string; podIP: string | null }[] {
  const out: { pod: string; node: string; podIP: string | null }[] = [];
  for (const s of steps) {
    if (s.step !== 8) continue;
    const d = s.detail as { pod: string; node: string };
    const started = steps.find((x) => x.step === 11 && (x.detail as { pod?: string }).pod === d.pod);
    out.push({ pod: d.pod, node: d.node, podIP: (started?.detail as { podIP?: string } | undefined)?.podIP ?? null });
  }
  return out;
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

export function flowDefaultScenario(flow: string): string | undefined {
  return COMMANDS[flow]?.scenario;
}

export function flowCommands(): string[] {
  return Object.keys(COMMANDS).sort();
}
