/**
 * client-go's EventCorrelator, the part of an event recorder between `Event(obj, type, reason,
 * message)` and the API: the same event seen again becomes a PATCH of the first one (count + 1,
 * lastTimestamp now) instead of a new object — what `kubectl describe` shows as "(x4 over 45s)" —
 * and a token bucket per involved object (burst 25, one token every 5 minutes) drops events of an
 * object that keeps repeating itself.
 *
 * Upstream (v1.33): k8s.io/client-go/tools/record/events_cache.go (getEventKey: source, involved
 * object, type, reason, message, reporting controller; eventLogger.eventObserve: count,
 * firstTimestamp and name of the first occurrence, a strategic merge patch of count, lastTimestamp
 * and message; EventSourceObjectSpamFilter with defaultSpamBurst 25 and defaultSpamQPS 1/300;
 * observation happens before filtering), event.go (makeEvent: name "<object>.<unix nanos in hex>",
 * recordToSink: Create for a first event, Patch for a repeat).
 * Leaves out: EventAggregator (10 similar events with different messages within 10 minutes
 * combined into one "(combined from similar events)"), the LRU bound (4096 entries), the 1 h
 * event TTL after which a patch finds no event and a new one is created.
 */
import type { KubeObject } from '../objects/meta';
import { rfc3339 } from '../objects/meta';

export const SPAM_BURST = 25;
export const SPAM_REFILL_MS = 300_000;

export interface EventCorrelatorState {
  /** eventLogger's cache: key → the first occurrence's name and timestamp, and the count so far. */
  seen: Record<string, { name: string; count: number; firstTimestamp: string }>;
  /** The spam filter's buckets: spam key → tokens and when they were last counted. */
  buckets: Record<string, { tokens: number; atMs: number }>;
}

export const newEventCorrelator = (): EventCorrelatorState => ({ seen: {}, buckets: {} });

export interface EventIntent {
  involved: { kind: string; apiVersion: string; namespace: string; name: string; uid: string; resourceVersion?: string };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
}

export type EventWrite = { verb: 'create'; path: string; body: KubeObject } | { verb: 'patch'; path: string; body: { count: number; lastTimestamp: string } } | { verb: 'skip' };

/**
 * Correlate one event at wall time `nowMs` (`nanos`, the Unix time in nanoseconds, names a new
 * event): what to send to kube-apiserver, if anything.
 */
export function correlateEvent(s: EventCorrelatorState, ev: EventIntent, nowMs: number, nanos: bigint): EventWrite {
  const i = ev.involved;
  const key = [ev.component, '', i.kind, i.namespace, i.name, i.uid, i.apiVersion, ev.type, ev.reason, ev.message, ev.component].join('');
  const now = rfc3339(nowMs);
  const last = s.seen[key];
  const count = last ? last.count + 1 : 1;
  const name = last ? last.name : `${i.name}.${nanos.toString(16)}`;
  const firstTimestamp = last ? last.firstTimestamp : now;
  s.seen[key] = { name, count, firstTimestamp };
  // EventSourceObjectSpamFilter: one bucket per source and involved object.
  const spamKey = [ev.component, '', i.kind, i.namespace, i.name, i.uid, i.apiVersion, ev.type].join('');
  const b = (s.buckets[spamKey] ??= { tokens: SPAM_BURST, atMs: nowMs });
  const refill = Math.floor((nowMs - b.atMs) / SPAM_REFILL_MS);
  if (refill > 0) {
    b.tokens = Math.min(SPAM_BURST, b.tokens + refill);
    b.atMs += refill * SPAM_REFILL_MS;
  }
  if (b.tokens < 1) return { verb: 'skip' };
  b.tokens--;
  const base = `/api/v1/namespaces/${i.namespace}/events`;
  if (count > 1) return { verb: 'patch', path: `${base}/${name}`, body: { count, lastTimestamp: now } };
  return {
    verb: 'create',
    path: base,
    body: { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: i.namespace }, involvedObject: i, reason: ev.reason, message: ev.message, source: { component: ev.component }, firstTimestamp: now, lastTimestamp: now, count: 1, type: ev.type, eventTime: null, reportingComponent: ev.component, reportingInstance: '' } as unknown as KubeObject,
  };
}
