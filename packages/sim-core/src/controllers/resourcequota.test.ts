import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../objects/meta';
import { podReplenishes, quotaNeedsSync, syncResourceQuota } from './resourcequota';

const quota = (hard: Record<string, string>, status?: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec: { hard }, ...(status ? { status } : {}) });
const claim = (name: string, storage: string, cls = 'longhorn-ssd'): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'ns' }, spec: { storageClassName: cls, resources: { requests: { storage } } } });
const pod = (name: string, cpu: string, phase = 'Running'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu, memory: '64Mi' }, limits: { cpu } } }] }, status: { phase } });

describe('resource quota controller (syncResourceQuota)', () => {
  it('a new quota gets status.hard and a zero usage for what it tracks', () => {
    expect(syncResourceQuota(quota({ 'requests.storage': '50Gi', persistentvolumeclaims: '5' }), { persistentvolumeclaims: [], pods: [] }, 0)!.status).toEqual({ hard: { persistentvolumeclaims: '5', 'requests.storage': '50Gi' }, used: { persistentvolumeclaims: '0', 'requests.storage': '0' } });
  });
  it('usage sums the namespace: claims by storage (canonical sum), pods by requests and limits, terminal pods free', () => {
    const q = quota({ 'requests.storage': '2Ti', persistentvolumeclaims: '5', pods: '10', 'requests.cpu': '4', 'limits.cpu': '4', 'count/pods': '10' });
    const used = syncResourceQuota(q, { persistentvolumeclaims: [claim('a', '1Ti'), claim('b', '10Gi')], pods: [pod('p1', '250m'), pod('p2', '500m'), pod('done', '1', 'Succeeded')] }, 0)!.status.used;
    expect(used).toEqual({ 'count/pods': '3', 'limits.cpu': '750m', persistentvolumeclaims: '2', pods: '2', 'requests.cpu': '750m', 'requests.storage': '1034Gi' });
  });
  it('nothing to write when status already matches; a quota whose spec changed is synced again', () => {
    const q = quota({ pods: '2' }, { hard: { pods: '2' }, used: { pods: '1' } });
    expect(syncResourceQuota(q, { pods: [pod('p1', '1')] }, 0)).toBeUndefined();
    expect(quotaNeedsSync(quota({ pods: '3' }), q)).toBe(true);
    expect(quotaNeedsSync(quota({ pods: '2' }, { used: { pods: '2' } }), q)).toBe(false);
  });
  it('a pod gives its quota back when it turns Succeeded or Failed', () => {
    expect(podReplenishes(pod('p', '1'), pod('p', '1', 'Failed'))).toBe(true);
    expect(podReplenishes(pod('p', '1', 'Pending'), pod('p', '1'))).toBe(false);
  });
});
