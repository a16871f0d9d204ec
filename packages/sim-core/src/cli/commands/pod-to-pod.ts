/**
 * `lab flow pod-to-pod [--seed N] [--pcap FILE] [--trace FILE] -o json`: the seed's Example 3 — the
 * nginx pod on k3s-worker-1 calls http://api.default.svc.cluster.local, served by the api pod on
 * k3s-worker-2 — as thirteen steps with the seed's numbering, each with the real iptables rules it
 * hits and the bytes it puts on a wire. A network flow: it is computed by @kubelab/network's pure
 * `podToPod` from the seed's randomness stream, not played through the control-plane kernel; its
 * steps are recorded in a Trace (kernel/trace.ts) so the trace hash is taken the same way as every
 * other flow's (SHA-256 over the stable JSON lines).
 */
import { writeFileSync } from 'node:fs';
import { podToPod, type FlowStep } from '@kubelab/network';
import { RngStreams } from '../../kernel/rng';
import { Trace } from '../../kernel/trace';
import { emit } from '../io';

export const POD_TO_POD = 'pod-to-pod';

export interface PodToPodJsonStep {
  step: number;
  title: string;
  component: string;
  node: string;
  atMs: number;
  rules?: { table: string; chain: string; index: number; rule: string; target: string }[];
  bytes?: { frame?: string; inner?: string };
  dns?: FlowStep['dns'];
  route?: string;
  flannel?: string[];
  dnat?: string;
  conntrack?: string;
  seeded?: Record<string, number>;
}

function jsonStep(s: FlowStep): PodToPodJsonStep {
  const rules = [...(s.dns?.queryWalk ?? []), ...(s.hits ?? [])].map((h) => ({ table: h.table, chain: h.chain, index: h.index, rule: h.rule, target: h.target }));
  return {
    step: s.step,
    title: s.title,
    component: s.component,
    node: s.node,
    atMs: s.atUs / 1000,
    ...(rules.length ? { rules } : {}),
    ...(s.frameHex || s.innerFrameHex ? { bytes: { ...(s.frameHex ? { frame: s.frameHex } : {}), ...(s.innerFrameHex ? { inner: s.innerFrameHex } : {}) } } : {}),
    ...(s.dns ? { dns: s.dns } : {}),
    ...(s.route ? { route: s.route } : {}),
    ...(s.flannel ? { flannel: s.flannel.map((e) => e.text) } : {}),
    ...(s.dnat ? { dnat: `${s.dnat.ip}:${s.dnat.port}` } : {}),
    ...(s.conntrack ? { conntrack: s.conntrack } : {}),
    ...(s.seeded ? { seeded: s.seeded } : {}),
  };
}

export function runPodToPod(opts: { seed: number; pcap?: string; trace?: string; output: string }): void {
  const rng = new RngStreams(opts.seed).stream('network/pod-to-pod');
  const r = podToPod(rng);
  const steps = r.steps.map(jsonStep);
  const trace = new Trace();
  for (const s of steps) trace.record({ t: Math.round(s.atMs * 1000), type: 'note', from: s.node, kind: 'flow.step', data: s });
  if (opts.pcap) writeFileSync(opts.pcap, r.pcap);
  if (opts.trace) writeFileSync(opts.trace, trace.toJsonl());
  const result = {
    flow: POD_TO_POD,
    scenario: 'tower-fleet',
    seed: opts.seed,
    command: 'kubectl exec nginx -- curl http://api.default.svc.cluster.local',
    steps,
    pcap: { frames: r.records.length, bytes: r.pcap.length, ...(opts.pcap ? { file: opts.pcap } : {}) },
    traceHash: trace.hash(),
  };
  emit(opts.output, result, () => {
    const lines = [`$ ${result.command}    (tower-fleet, seed ${opts.seed})`, ''];
    for (const s of steps) {
      lines.push(`  ${String(s.step).padStart(2)}. ${s.title.padEnd(64)} ${s.node.padEnd(13)} ${s.component.padEnd(24)} +${s.atMs.toFixed(3)} ms`);
      for (const h of s.rules ?? []) lines.push(`        ${h.table.padEnd(6)} ${h.chain} #${h.index}: ${h.rule}`);
      if (s.route) lines.push(`        route: ${s.route}`);
      for (const f of s.flannel ?? []) lines.push(`        flannel: ${f}`);
      if (s.conntrack) lines.push(`        conntrack: ${s.conntrack}`);
      if (s.bytes?.frame) lines.push(`        frame (${s.bytes.frame.length / 2} bytes): ${s.bytes.frame}`);
    }
    lines.push('', `pcap: ${r.records.length} frames${opts.pcap ? ` → ${opts.pcap}` : ' (--pcap FILE to write it)'}`, `traceHash ${result.traceHash}`, '');
    return lines.join('\n');
  });
}
