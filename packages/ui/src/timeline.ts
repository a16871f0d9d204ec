/**
 * The browser lab's view of a recorded run: messages with their send and delivery times, the
 * flow's steps, and what is true at a given simulated instant. Pure functions of the trace, so
 * the picture at time t is the same however the learner got there (play, step, seek).
 */
import type { TraceEntry } from '@kubelab/sim-core';

export interface Flight {
  id: number;
  from: string;
  to: string;
  kind: string;
  sentUs: number;
  /** Delivery time, or the drop time for a lost message. */
  endUs: number;
  dropped: boolean;
  /** Index of the deliver (or drop) entry in the trace. */
  entry: number;
}

export interface StepMark {
  step: number;
  title: string;
  component: string;
  process: string;
  tUs: number;
  entry: number;
  detail: unknown;
}

export interface Timeline {
  flights: Flight[];
  steps: StepMark[];
  startUs: number;
  endUs: number;
}

export function buildTimeline(entries: readonly TraceEntry[], flow: string, fromUs: number, toUs: number): Timeline {
  const sends = new Map<number, TraceEntry>();
  const flights: Flight[] = [];
  const steps: StepMark[] = [];
  for (const e of entries) {
    if (e.t < fromUs || e.t > toUs) {
      if (e.type === 'send' && e.id !== undefined) sends.set(e.id, e);
      continue;
    }
    if (e.type === 'send' && e.id !== undefined) sends.set(e.id, e);
    else if ((e.type === 'deliver' || e.type === 'drop') && e.id !== undefined) {
      const s = sends.get(e.id);
      const leaves = (s?.data as { leavesAtUs?: number } | undefined)?.leavesAtUs;
      flights.push({ id: e.id, from: e.from ?? '', to: e.to ?? '', kind: e.kind, sentUs: leaves ?? (s ? s.t : e.t), endUs: e.t, dropped: e.type === 'drop', entry: e.i });
    } else if (e.type === 'note' && e.kind === 'flow.step') {
      const d = e.data as { flow: string; step: number; title: string; component: string; detail: unknown };
      if (d.flow === flow) steps.push({ step: d.step, title: d.title, component: d.component, process: e.from ?? '', tUs: e.t, entry: e.i, detail: d.detail });
    }
  }
  return { flights, steps, startUs: fromUs, endUs: toUs };
}

/** Messages in the air at t, with how far along they are (0..1). */
export function inFlight(tl: Timeline, tUs: number): { flight: Flight; progress: number }[] {
  const out: { flight: Flight; progress: number }[] = [];
  for (const f of tl.flights) {
    if (f.sentUs <= tUs && tUs < f.endUs) out.push({ flight: f, progress: f.endUs === f.sentUs ? 1 : (tUs - f.sentUs) / (f.endUs - f.sentUs) });
  }
  return out;
}

/** The last step reached at t (0 before the first). */
export function currentStep(tl: Timeline, tUs: number): number {
  let n = 0;
  for (const s of tl.steps) if (s.tUs <= tUs) n = s.step;
  return n;
}

/** Stops for step forward/back: each flow step's time. */
export function nextStop(tl: Timeline, tUs: number): number {
  for (const s of tl.steps) if (s.tUs > tUs) return s.tUs;
  return tl.endUs;
}

export function prevStop(tl: Timeline, tUs: number): number {
  // Back from step n (wherever inside it the playhead is) goes to step n-1.
  const n = currentStep(tl, tUs);
  const prev = tl.steps.filter((s) => s.step < n);
  return prev.length ? prev[prev.length - 1]!.tUs : tl.startUs;
}

/** Is this trace entry part of the flow's own traffic (vs background lease renewals)? */
export function isFlowTraffic(e: TraceEntry, traceId: string): boolean {
  if (e.type === 'note') return e.kind === 'flow.step' || e.kind.startsWith('kubectl.');
  const d = e.data as { trace?: { traceId?: string } } | undefined;
  if (d && typeof d === 'object' && d.trace?.traceId === traceId) return true;
  // Replies and TCP/TLS segments carry the trace context too; etcd replies are matched by request id.
  return false;
}
