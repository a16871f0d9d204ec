/**
 * doNoScheduleTaintingPass (node_lifecycle_controller.go) as a table: which NoSchedule taints a
 * node's conditions and spec.unschedulable call for, and that it leaves every other taint alone.
 */
import { describe, expect, it } from 'vitest';
import { noScheduleTaintPass } from './node-lifecycle';
import type { KubeObject } from '../objects/meta';

const node = (conds: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec, status: { conditions: Object.entries(conds).map(([type, status]) => ({ type, status })) } });
const NR = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const NR_X = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: 't' };
const UNREACH = { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' };
const CORDON = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const MINE = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

describe('doNoScheduleTaintingPass', () => {
  const cases: [string, KubeObject, unknown[] | undefined][] = [
    ['a Ready node without taints: nothing to do', node({ Ready: 'True', MemoryPressure: 'False' }), undefined],
    ['a new node, Ready False: not-ready', node({ Ready: 'False' }), [NR]],
    ['Ready Unknown with not-ready: swapped for unreachable', node({ Ready: 'Unknown' }, { taints: [NR] }), [UNREACH]],
    ['Ready again: not-ready:NoSchedule goes, NoExecute and the user taint stay', node({ Ready: 'True' }, { taints: [MINE, NR, NR_X] }), [MINE, NR_X]],
    ['cordoned: unschedulable', node({ Ready: 'True' }, { unschedulable: true }), [CORDON]],
    ['uncordoned: unschedulable goes', node({ Ready: 'True' }, { taints: [CORDON] }), []],
    ['memory and PID pressure', node({ Ready: 'True', MemoryPressure: 'True', PIDPressure: 'True' }), [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' }]],
    ['already as wanted (any order): nothing to do', node({ Ready: 'False' }, { unschedulable: true, taints: [CORDON, NR] }), undefined],
    ['no conditions yet, a user taint: nothing to do', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { taints: [MINE] } }, undefined],
  ];
  for (const [name, n, want] of cases) it(name, () => expect(noScheduleTaintPass(n)).toEqual(want));
});
