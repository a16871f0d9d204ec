/**
 * Reads a `lab serve` run's live trace (its /topology and /trace?from=N feed). Only loopback
 * addresses are accepted: the lab never talks to anything but this machine.
 */
import type { TraceEntry, Topology } from '@kubelab/sim-core';

export function parseLiveUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`live: Invalid value: ${JSON.stringify(text)}: must be a URL such as http://127.0.0.1:7443`);
  }
  if (u.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) {
    throw new Error(`live: Invalid value: ${JSON.stringify(text)}: must be http:// on 127.0.0.1 or localhost (the feed \`lab serve\` prints)`);
  }
  return `${u.protocol}//${u.host}`;
}

export interface LiveSnapshot {
  topology: Topology;
  scenario: string;
  seed: number;
}

export class LiveFeed {
  entries: TraceEntry[] = [];
  nowUs = 0;
  traceHash = '';

  constructor(readonly base: string) {}

  async topology(): Promise<LiveSnapshot> {
    const r = await fetch(`${this.base}/topology`);
    if (!r.ok) throw new Error(`live: ${this.base}/topology answered ${r.status}`);
    return (await r.json()) as LiveSnapshot;
  }

  /** Fetches what is new; returns how many entries arrived. */
  async poll(): Promise<number> {
    let got = 0;
    for (;;) {
      const r = await fetch(`${this.base}/trace?from=${this.entries.length}`);
      if (!r.ok) throw new Error(`live: ${this.base}/trace answered ${r.status}`);
      const j = (await r.json()) as { entries: TraceEntry[]; next: number; nowUs: number; traceHash: string };
      this.entries.push(...j.entries);
      this.nowUs = j.nowUs;
      this.traceHash = j.traceHash;
      got += j.entries.length;
      if (j.entries.length < 2000) return got;
    }
  }
}
