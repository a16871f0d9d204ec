/**
 * The live trace of a `lab serve` run, for the browser lab: plain HTTP on 127.0.0.1 (read-only).
 *   GET /topology        → the scenario's topology (what the UI draws)
 *   GET /trace?from=N    → { entries: trace entries from index N (at most 2,000), next, nowUs, traceHash }
 * CORS allows any origin: the data is the simulated cluster's trace, served to loopback only.
 */
import { createServer, type Server } from 'node:http';
import type { Simulation } from '../../kernel/simulation';

export const MAX_ENTRIES_PER_POLL = 2000;

export class TraceFeed {
  private server?: Server;

  constructor(private sim: Simulation) {}

  async listen(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'GET') return send(405, { error: `method ${req.method} not allowed: this feed is read-only` });
      if (url.pathname === '/topology') return send(200, { topology: this.sim.built.topology, processes: this.sim.built.processes, scenario: this.sim.scenario.name, seed: this.sim.seed });
      if (url.pathname === '/trace') {
        const fromText = url.searchParams.get('from') ?? '0';
        if (!/^\d+$/.test(fromText)) return send(400, { error: `from: Invalid value: ${JSON.stringify(fromText)}: must be a non-negative integer` });
        const from = Number(fromText);
        const entries = this.sim.trace.entries.slice(from, from + MAX_ENTRIES_PER_POLL);
        return send(200, { entries, next: from + entries.length, nowUs: this.sim.now, traceHash: this.sim.traceHash() });
      }
      send(404, { error: `no such path ${JSON.stringify(url.pathname)}: try /topology or /trace?from=0` });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : port;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
