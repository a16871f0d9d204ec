import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, type SimInput } from './kernel';
import type { Model } from './model';
import { hashJsonl } from './trace';

/** A counter that pings a peer every `period` µs and persists how many pongs it has seen. */
interface PingState {
  peer: string;
  sent: number;
  pongs: number;
  received: number[];
}

function pinger(peer: string, periodUs: number): Model<PingState> {
  return {
    type: 'pinger',
    init: (persisted) => ({ peer, sent: 0, pongs: Number(persisted.get('pongs') ?? 0), received: [] }),
    step(s, input, env) {
      if (input.type === 'start') return { state: s, outputs: [{ type: 'timer', name: 'tick', afterUs: periodUs }] };
      if (input.type === 'timer') {
        s.sent++;
        return { state: s, outputs: [{ type: 'send', to: s.peer, kind: 'ping', payload: { n: s.sent, at: env.now } }, { type: 'timer', name: 'tick', afterUs: periodUs }] };
      }
      if (input.type === 'message' && input.kind === 'ping') return { state: s, outputs: [{ type: 'send', to: input.from, kind: 'pong', payload: input.payload }] };
      if (input.type === 'message' && input.kind === 'pong') {
        s.pongs++;
        s.received.push((input.payload as { n: number }).n);
        return { state: s, outputs: [{ type: 'persist', key: 'pongs', value: s.pongs }] };
      }
      return { state: s, outputs: [] };
    },
  };
}

function build(seed = 1, link = { latencyUs: 1000, jitterUs: 0, loss: 0 }): Kernel {
  const k = new Kernel({ seed, epochMs: 0, defaultLink: link });
  k.addHost({ name: 'a', ip: '10.0.0.1', role: 'x' });
  k.addHost({ name: 'b', ip: '10.0.0.2', role: 'x' });
  k.spawn('a', 'p', pinger('b/p', 10_000));
  k.spawn('b', 'p', pinger('a/p', 1_000_000_000));
  return k;
}

describe('Kernel', () => {
  it('delivers after the link latency and records send/deliver with one id', () => {
    const k = build();
    k.runUntil(12_000);
    const send = k.trace.entries.find((e) => e.type === 'send' && e.kind === 'ping')!;
    const deliver = k.trace.entries.find((e) => e.type === 'deliver' && e.id === send.id)!;
    expect(send.t).toBe(10_000);
    expect(deliver.t).toBe(11_000);
    expect(deliver.to).toBe('b/p');
    const pong = k.trace.entries.find((e) => e.type === 'deliver' && e.kind === 'pong')!;
    expect(pong.t).toBe(12_000);
  });

  it('keeps a link FIFO even with jitter (TCP order)', () => {
    const k = build(5, { latencyUs: 1000, jitterUs: 900, loss: 0 });
    k.runUntil(2_000_000);
    const got = k.processState<PingState>('a/p').received;
    expect(got.length).toBeGreaterThan(100);
    expect(got).toEqual([...got].sort((x, y) => x - y));
  });

  it('partition drops messages between the sides; heal restores them', () => {
    const k = build();
    k.input({ atUs: 25_000, type: 'fault', fault: { kind: 'partition', hosts: ['a'] } });
    k.input({ atUs: 65_000, type: 'fault', fault: { kind: 'heal' } });
    k.runUntil(100_000);
    const drops = k.trace.entries.filter((e) => e.type === 'drop');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((d) => (d.data as { reason: string }).reason === 'partition')).toBe(true);
    expect(drops.every((d) => d.t >= 25_000 && d.t < 65_000)).toBe(true);
    expect(k.processState<PingState>('a/p').received).toContain(9);
  });

  it('loss drops about the configured fraction', () => {
    const k = build(11, { latencyUs: 100, jitterUs: 0, loss: 0.3 });
    k.runUntil(10_000_000);
    const sends = k.trace.entries.filter((e) => e.type === 'send').length;
    const lost = k.trace.entries.filter((e) => e.type === 'drop' && (e.data as { reason: string }).reason === 'loss').length;
    expect(lost / sends).toBeGreaterThan(0.25);
    expect(lost / sends).toBeLessThan(0.35);
  });

  it('crash loses volatile state and keeps what was persisted; restart resumes from it', () => {
    const k = build();
    k.input({ atUs: 51_000, type: 'fault', fault: { kind: 'kill', target: 'a/p' } });
    k.input({ atUs: 80_000, type: 'fault', fault: { kind: 'restart', target: 'a/p' } });
    k.runUntil(50_500);
    const before = k.processState<PingState>('a/p');
    expect(before.pongs).toBe(4);
    expect(before.sent).toBe(5);
    k.runUntil(70_000);
    expect(k.process('a/p').status).toBe('crashed');
    // the pong for ping 5 arrives while a is down: dropped
    expect(k.trace.entries.some((e) => e.type === 'drop' && e.kind === 'pong')).toBe(true);
    k.runUntil(80_001);
    const after = k.processState<PingState>('a/p');
    expect(after.pongs).toBe(4); // persisted
    expect(after.sent).toBe(0); // volatile, lost
    expect(after.received).toEqual([]);
  });

  it('pause stops the process clock: its timers fire late by the pause, held messages land on resume', () => {
    const k = build();
    k.input({ atUs: 15_000, type: 'fault', fault: { kind: 'pause', target: 'a/p' } });
    k.input({ atUs: 45_000, type: 'fault', fault: { kind: 'resume', target: 'a/p' } });
    k.runUntil(100_000);
    const ticks = k.trace.entries.filter((e) => e.type === 'timer' && e.from === 'a/p').map((e) => e.t);
    // ticks at 10ms; then 20ms was due while paused (15→45ms): it fires at 20+30 = 50ms
    expect(ticks.slice(0, 3)).toEqual([10_000, 50_000, 60_000]);
    // the pong for ping 1 (due at 12ms) arrived before the pause
    const pongDeliveries = k.trace.entries.filter((e) => e.type === 'deliver' && e.kind === 'pong').map((e) => e.t);
    expect(pongDeliveries[0]).toBe(12_000);
  });

  it('a stopped process (graceful stop) drops what is sent to it', () => {
    const k = build();
    k.input({ atUs: 5_000, type: 'fault', fault: { kind: 'stop', target: 'b/p' } });
    k.runUntil(30_000);
    const drops = k.trace.entries.filter((e) => e.type === 'drop');
    expect(drops.map((d) => (d.data as { reason: string }).reason)).toContain('target stopped');
  });

  it('link latency can be changed by a fault input', () => {
    const k = build();
    k.input({ atUs: 0, type: 'fault', fault: { kind: 'link', from: 'a', to: 'b', latencyUs: 50_000, bidirectional: true } });
    k.runUntil(200_000);
    const send = k.trace.entries.find((e) => e.type === 'send' && e.kind === 'ping')!;
    const deliver = k.trace.entries.find((e) => e.type === 'deliver' && e.id === send.id)!;
    expect(deliver.t - send.t).toBe(50_000);
  });

  it('the trace hash is the SHA-256 of the JSONL trace', () => {
    const k = build();
    k.runUntil(100_000);
    expect(k.trace.hash()).toBe(hashJsonl(k.trace.toJsonl()));
  });

  it('property: same seed and inputs give the same trace hash; the hash does not depend on how the run is chunked', () => {
    const faultArb = fc.record({
      atUs: fc.integer({ min: 0, max: 400_000 }),
      kind: fc.constantFrom('kill', 'restart', 'pause', 'resume', 'partition', 'heal'),
      target: fc.constantFrom('a/p', 'b/p'),
    });
    fc.assert(
      fc.property(fc.integer(), fc.array(faultArb, { maxLength: 6 }), fc.integer({ min: 1, max: 50_000 }), (seed, faults, chunk) => {
        const inputs: SimInput[] = faults.map((f) => ({
          atUs: f.atUs,
          type: 'fault',
          fault: f.kind === 'partition' ? { kind: 'partition', hosts: [f.target.split('/')[0]!] } : f.kind === 'heal' ? { kind: 'heal' } : { kind: f.kind, target: f.target },
        })) as SimInput[];
        const run = (step: number) => {
          const k = build(seed, { latencyUs: 700, jitterUs: 500, loss: 0.05 });
          for (const i of inputs) k.input(i);
          for (let t = step; t < 500_000; t += step) k.runUntil(t);
          k.runUntil(500_000);
          return k.trace.hash();
        };
        expect(run(chunk)).toBe(run(500_000));
      }),
      { numRuns: 40 },
    );
  });

  it('property: events come out in (time, sequence) order', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const k = build(seed, { latencyUs: 300, jitterUs: 1000, loss: 0.1 });
        k.runUntil(300_000);
        const ts = k.trace.entries.map((e) => e.t);
        for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
      }),
      { numRuns: 30 },
    );
  });
});
