/**
 * Request flows: the seed's "How Requests Flow" examples as data. A request that belongs to a
 * flow carries a trace context (as W3C traceparent propagation would carry it through the
 * apiserver and its etcd client); each component, at the moment it does one of the flow's steps,
 * records a `flow.step` note with the seed's step number and words. The steps are therefore
 * events of the run itself, at the simulated instant they happen, not a script replayed beside it.
 */
import type { Output } from '../kernel/model';

export interface TraceContext {
  flow: string;
  traceId: string;
}

export interface FlowStepDef {
  step: number;
  /** The seed's words for the step. */
  title: string;
  /** The component that does it, as the topology names it. */
  component: string;
  /** The component event that is this step. */
  event: string;
}

export interface FlowDef {
  name: string;
  title: string;
  /** The seed's example it follows. */
  source: string;
  steps: FlowStepDef[];
}

const registry = new Map<string, FlowDef>();

export function defineFlow(f: FlowDef): FlowDef {
  registry.set(f.name, f);
  return f;
}

export function flowDef(name: string): FlowDef | undefined {
  return registry.get(name);
}

export function flowNames(): string[] {
  return [...registry.keys()].sort();
}

export interface FlowStepNote {
  flow: string;
  traceId: string;
  step: number;
  title: string;
  component: string;
  detail: unknown;
}

/** The note for `event` if the request is part of a flow that has such a step; else nothing. */
export function narrate(trace: TraceContext | undefined, event: string, detail: unknown, afterUs = 0): Output[] {
  if (!trace) return [];
  const def = registry.get(trace.flow);
  const s = def?.steps.find((x) => x.event === event);
  if (!def || !s) return [];
  const data: FlowStepNote = { flow: def.name, traceId: trace.traceId, step: s.step, title: s.title, component: s.component, detail };
  return [{ type: 'note', kind: 'flow.step', data, afterUs }];
}
