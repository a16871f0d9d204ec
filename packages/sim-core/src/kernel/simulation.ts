/**
 * A run: a scenario in a kernel, plus the inputs from outside (faults, commands), with seek.
 * Seeking to time t restores the latest checkpoint at or before t and replays from there: the
 * same seed and inputs give the same events, so replay lands in exactly the state a straight run
 * has at t. Checkpoints are taken every `checkpointEveryUs` of simulated time as the run advances.
 * Adding an input (an intervention) forks the timeline: checkpoints after it are dropped.
 */
import { getScenario, scenarioNames, type BuiltScenario, type Scenario } from '../scenarios/scenario';
import '../scenarios/index';
import { Kernel, type KernelState, type SimInput } from './kernel';
import type { TraceMark } from './trace';
import { seconds } from './time';

export interface SimulationOptions {
  seed: number;
  inputs?: SimInput[];
  checkpointEveryUs?: number;
  /** Extra set-up after the scenario is built and before t=0 (e.g. `lab serve` adds its front door). */
  setup?: (kernel: Kernel, built: BuiltScenario) => void;
}

interface Checkpoint {
  atUs: number;
  state: KernelState;
  trace: TraceMark;
}

export class UnknownScenarioError extends Error {
  constructor(readonly scenario: string) {
    super(`unknown scenario ${JSON.stringify(scenario)} (known: ${scenarioNames().join(', ')})`);
  }
}

export class Simulation {
  readonly kernel: Kernel;
  readonly scenario: Scenario;
  readonly built: BuiltScenario;
  readonly seed: number;
  private inputs: SimInput[];
  private checkpoints: Checkpoint[] = [];
  private readonly every: number;
  private nextCheckpointUs: number;

  constructor(scenarioName: string, opts: SimulationOptions) {
    const sc = getScenario(scenarioName);
    if (!sc) throw new UnknownScenarioError(scenarioName);
    this.scenario = sc;
    this.seed = opts.seed;
    this.every = opts.checkpointEveryUs ?? seconds(5);
    this.kernel = new Kernel(sc.kernelOptions(opts.seed));
    this.built = sc.build(this.kernel);
    opts.setup?.(this.kernel, this.built);
    this.inputs = [...(opts.inputs ?? [])].sort((a, b) => a.atUs - b.atUs);
    for (const i of this.inputs) this.kernel.input(i);
    this.checkpoint();
    this.nextCheckpointUs = this.every;
  }

  get now(): number {
    return this.kernel.now;
  }

  get trace() {
    return this.kernel.trace;
  }

  traceHash(): string {
    return this.kernel.trace.hash();
  }

  allInputs(): readonly SimInput[] {
    return this.inputs;
  }

  private checkpoint(): void {
    this.checkpoints.push({ atUs: this.kernel.now, state: this.kernel.snapshot(), trace: this.kernel.trace.mark() });
  }

  /** Advance to untilUs, taking checkpoints on the way. */
  runUntil(untilUs: number): void {
    while (this.nextCheckpointUs <= untilUs) {
      this.kernel.runUntil(this.nextCheckpointUs);
      if (this.checkpoints[this.checkpoints.length - 1]!.atUs < this.kernel.now) this.checkpoint();
      this.nextCheckpointUs += this.every;
    }
    this.kernel.runUntil(untilUs);
  }

  runFor(durationUs: number): void {
    this.runUntil(this.kernel.now + durationUs);
  }

  /** Move to time t, backwards (restore + replay) or forwards (run). */
  seek(tUs: number): void {
    if (tUs >= this.kernel.now) {
      this.runUntil(tUs);
      return;
    }
    let cp = this.checkpoints[0]!;
    for (const c of this.checkpoints) if (c.atUs <= tUs) cp = c;
    this.kernel.restore(cp.state);
    this.kernel.trace.rewind(cp.trace);
    this.nextCheckpointUs = (Math.floor(cp.atUs / this.every) + 1) * this.every;
    this.runUntil(tUs);
  }

  /** Add an input at its time (now or later, or earlier: the run forks from there). */
  addInput(input: SimInput): void {
    const end = this.kernel.now;
    if (input.atUs < end) {
      this.checkpoints = this.checkpoints.filter((c) => c.atUs <= input.atUs);
      this.seek(input.atUs);
    }
    this.inputs.push(input);
    this.inputs.sort((a, b) => a.atUs - b.atUs);
    this.kernel.input(input);
    if (end > this.kernel.now) this.runUntil(end);
  }
}
