import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../objects/meta';
import { eventColumns, printEvent } from './event';

// Cases ported from kubernetes pkg/printers/internalversion/printers_test.go TestPrintEvent.
const now = Date.parse('2025-11-09T12:00:00Z');
const daysAgo = (d: number) => new Date(now - d * 86400_000).toISOString();
const microDaysAgo = (d: number) => new Date(now - d * 86400_000).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
const ev = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: String(fields.name) }, ...fields });
const deploymentRef = { kind: 'Deployment', name: 'Deployment Name', fieldPath: 'spec.containers{foo}' };
const kubeletNode1 = { component: 'kubelet', host: 'Node1' };

describe('printEvent', () => {
  it('column order is v1.33\'s: Last Seen, Type, Reason, Object, Subobject, Source, Message, First Seen, Count, Name', () => {
    expect(eventColumns.map((c) => [c.name, c.priority])).toEqual([
      ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1],
    ]);
    expect(eventColumns.find((c) => c.name === 'Name')?.format).toBe('name');
  });

  const cases: { name: string; o: KubeObject; wide: boolean; expected: (string | number)[] }[] = [
    // Columns: Last Seen, Type, Reason, Object, Message
    { name: 'basic event; no generate options', o: ev({ name: 'event1', source: { component: 'kubelet' }, involvedObject: { kind: 'Pod', name: 'Pod Name', fieldPath: 'spec.containers{foo}' }, reason: 'Event Reason', message: 'Message Data', firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6, type: 'Normal' }), wide: false, expected: ['2d', 'Normal', 'Event Reason', 'pod/Pod Name', 'Message Data'] },
    // Columns: Last Seen, Type, Reason, Object, Subobject, Source, Message, First Seen, Count, Name
    { name: 'basic event; wide', o: ev({ name: 'event2', source: kubeletNode1, involvedObject: deploymentRef, reason: 'Event Reason', message: 'Message Data', firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6, type: 'Warning' }), wide: true, expected: ['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 6, 'event2'] },
    { name: 'w/o FirstTimestamp', o: ev({ name: 'event3', source: kubeletNode1, involvedObject: deploymentRef, reason: 'Event Reason', message: 'Message Data', eventTime: microDaysAgo(3), lastTimestamp: daysAgo(3), count: 1, type: 'Warning' }), wide: true, expected: ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event3'] },
    { name: 'w/o LastTimestamp', o: ev({ name: 'event4', source: kubeletNode1, involvedObject: deploymentRef, reason: 'Event Reason', message: 'Message Data', eventTime: microDaysAgo(3), firstTimestamp: daysAgo(3), count: 1, type: 'Warning' }), wide: true, expected: ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event4'] },
    { name: 'w/o FirstTimestamp and LastTimestamp', o: ev({ name: 'event5', source: kubeletNode1, involvedObject: deploymentRef, reason: 'Event Reason', message: 'Message Data', eventTime: microDaysAgo(3), count: 1, type: 'Warning' }), wide: true, expected: ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event5'] },
    { name: 'event series w/o FirstTimestamp, LastTimestamp and Count', o: ev({ name: 'event6', source: kubeletNode1, involvedObject: deploymentRef, series: { count: 2, lastObservedTime: microDaysAgo(2) }, reason: 'Event Reason', message: 'Message Data', eventTime: microDaysAgo(3), type: 'Warning' }), wide: true, expected: ['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 2, 'event6'] },
    { name: 'singleton event w/o FirstTimestamp, LastTimestamp and Count', o: ev({ name: 'event7', source: kubeletNode1, involvedObject: deploymentRef, reason: 'Event Reason', message: 'Message Data', eventTime: microDaysAgo(3), type: 'Warning' }), wide: true, expected: ['3d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, Node1', 'Message Data', '3d', 1, 'event7'] },
    { name: 'empty Source: reportingController/Instance', o: ev({ name: 'event2', reportingComponent: 'kubelet', reportingInstance: 'test', involvedObject: deploymentRef, reason: 'Event Reason', message: 'Message Data', firstTimestamp: daysAgo(3), lastTimestamp: daysAgo(2), count: 6, type: 'Warning' }), wide: true, expected: ['2d', 'Warning', 'Event Reason', 'deployment/Deployment Name', 'spec.containers{foo}', 'kubelet, test', 'Message Data', '3d', 6, 'event2'] },
  ];
  it.each(cases)('$name', ({ o, wide, expected }) => expect(printEvent(o, now, { wide })).toEqual(expected));

  it('the scheduler\'s Scheduled event as stored (null timestamps, eventTime, reporting fields); message trimmed Go-style', () => {
    const e = ev({ name: 'web-0.187a', involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-0' }, reason: 'Scheduled', message: ' Successfully assigned default/web-0 to k3s-worker-1\n', source: {}, firstTimestamp: null, lastTimestamp: null, type: 'Normal', eventTime: new Date(now - 42_000).toISOString().replace('Z', '000Z'), action: 'Binding', reportingComponent: 'default-scheduler', reportingInstance: 'default-scheduler-k3s-master' });
    expect(printEvent(e, now)).toEqual(['42s', 'Normal', 'Scheduled', 'pod/web-0', '', 'default-scheduler, default-scheduler-k3s-master', 'Successfully assigned default/web-0 to k3s-worker-1', '42s', 1, 'web-0.187a']);
  });
  it('events.k8s.io/v1 field names; object without name; no times at all', () => {
    const e: KubeObject = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'n1.1' }, regarding: { kind: 'Node', name: 'k3s-worker-1' }, note: 'Starting kubelet.', reason: 'Starting', type: 'Normal', deprecatedSource: { component: 'kubelet', host: 'k3s-worker-1' }, deprecatedFirstTimestamp: daysAgo(1), deprecatedLastTimestamp: daysAgo(1), deprecatedCount: 1, reportingController: 'kubelet', reportingInstance: 'k3s-worker-1' };
    expect(printEvent(e, now)).toEqual(['24h', 'Normal', 'Starting', 'node/k3s-worker-1', '', 'kubelet, k3s-worker-1', 'Starting kubelet.', '24h', 1, 'n1.1']);
    expect(printEvent(ev({ name: 'x', involvedObject: { kind: 'Namespace' } }), now)).toEqual(['<unknown>', '', '', 'namespace', '', '', '', '<unknown>', 1, 'x']);
  });
});
