import { describe, expect, it } from 'vitest';
import { printPod } from './pod';

const now = Date.parse('2025-11-09T12:00:00Z');
const base = (status: any, meta: any = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', creationTimestamp: '2025-11-09T11:50:00Z', ...meta }, spec: { containers: [{ name: 'c' }], nodeName: 'k3s-worker-1' }, status });

// Cases after pkg/printers/internalversion/printers_test.go TestPrintPod.
describe('printPod', () => {
  it('running and ready', () => {
    expect(printPod(base({ phase: 'Running', podIPs: [{ ip: '10.42.1.5' }], containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }] }), now)).toEqual(['p', '1/1', 'Running', '0', '10m', '10.42.1.5', 'k3s-worker-1', '<none>', '<none>']);
  });
  it('waiting reason wins (ContainerCreating), not ready', () => {
    expect(printPod(base({ phase: 'Pending', containerStatuses: [{ ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }), now).slice(0, 4)).toEqual(['p', '0/1', 'ContainerCreating', '0']);
  });
  it('restarts show when the last one ended', () => {
    expect(printPod(base({ phase: 'Running', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} }, lastState: { terminated: { finishedAt: '2025-11-09T11:55:00Z', exitCode: 1 } } }] }), now)[3]).toBe('3 (5m ago)');
  });
  it('terminated without reason shows the exit code; Completed', () => {
    expect(printPod(base({ phase: 'Failed', containerStatuses: [{ ready: false, restartCount: 0, state: { terminated: { exitCode: 2 } } }] }), now)[2]).toBe('ExitCode:2');
    expect(printPod(base({ phase: 'Succeeded', containerStatuses: [{ ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), now)[2]).toBe('Completed');
  });
  it('deletion shows Terminating, or Unknown for NodeLost', () => {
    expect(printPod(base({ phase: 'Running', containerStatuses: [{ ready: true, state: { running: {} } }] }, { deletionTimestamp: '2025-11-09T11:59:00Z' }), now)[2]).toBe('Terminating');
    expect(printPod(base({ phase: 'Running', reason: 'NodeLost', containerStatuses: [] }, { deletionTimestamp: '2025-11-09T11:59:00Z' }), now)[2]).toBe('Unknown');
  });
  it('SchedulingGated', () => {
    expect(printPod(base({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), now)[2]).toBe('SchedulingGated');
  });
});
