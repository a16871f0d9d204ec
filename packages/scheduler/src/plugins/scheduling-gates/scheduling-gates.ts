/**
 * SchedulingGates, after pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go at
 * v1.33: PreEnqueue keeps a pod with `spec.schedulingGates` out of the active queue
 * (UnschedulableAndUnresolvable, `waiting for scheduling gates: [a b]`).
 */
import type { Pod } from '../../api/types';
import type { PreEnqueuePlugin } from '../../framework/interface';
import { newStatus, type Status } from '../../framework/types';

export const Name = 'SchedulingGates';

export class SchedulingGates implements PreEnqueuePlugin {
  readonly name = Name;
  preEnqueue(pod: Pod): Status | null {
    const g = pod.spec.schedulingGates ?? [];
    if (g.length === 0) return null;
    return newStatus('UnschedulableAndUnresolvable', `waiting for scheduling gates: [${g.map((x) => x.name).join(' ')}]`);
  }
}
