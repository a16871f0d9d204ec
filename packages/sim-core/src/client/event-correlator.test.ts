import { describe, expect, it } from 'vitest';
import { correlateEvent, newEventCorrelator, SPAM_BURST, SPAM_REFILL_MS, type EventIntent } from './event-correlator';

const t0 = Date.parse('2025-11-09T12:00:00Z');
const ev: EventIntent = { involved: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'data', uid: 'u1' }, type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding', component: 'persistentvolume-controller' };

describe('EventCorrelator', () => {
  it('the first occurrence is created as <object>.<nanos in hex>; repeats patch count and lastTimestamp', () => {
    const s = newEventCorrelator();
    const first = correlateEvent(s, ev, t0, 0x187a1b2c3d4e5f60n);
    expect(first).toMatchObject({ verb: 'create', path: '/api/v1/namespaces/default/events', body: { metadata: { name: 'data.187a1b2c3d4e5f60' }, count: 1, source: { component: 'persistentvolume-controller' }, firstTimestamp: '2025-11-09T12:00:00Z' } });
    expect(correlateEvent(s, ev, t0 + 15_000, 1n)).toEqual({ verb: 'patch', path: '/api/v1/namespaces/default/events/data.187a1b2c3d4e5f60', body: { count: 2, lastTimestamp: '2025-11-09T12:00:15Z' } });
    // A different message is another event.
    expect(correlateEvent(s, { ...ev, message: 'waiting for pod web-0 to be scheduled' }, t0 + 20_000, 2n).verb).toBe('create');
  });
  it('the spam filter lets 25 through per object, then one per 5 minutes (counts keep going)', () => {
    const s = newEventCorrelator();
    const verbs = Array.from({ length: SPAM_BURST + 2 }, (_, i) => correlateEvent(s, ev, t0 + i * 1_000, BigInt(i)).verb);
    expect(verbs.filter((v) => v !== 'skip')).toHaveLength(SPAM_BURST);
    const later = correlateEvent(s, ev, t0 + SPAM_REFILL_MS + 27_000, 99n);
    expect(later).toMatchObject({ verb: 'patch', body: { count: SPAM_BURST + 3 } });
  });
});
