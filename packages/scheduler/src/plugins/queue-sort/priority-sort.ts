/**
 * PrioritySort, after pkg/scheduler/framework/plugins/queuesort/priority_sort.go at v1.33: higher
 * `spec.priority` first, then earlier enqueue time (here: the order pods were handed in).
 */
import type { Pod } from '../../api/types';
import type { QueueSortPlugin } from '../../framework/interface';

export const Name = 'PrioritySort';

export class PrioritySort implements QueueSortPlugin {
  readonly name = Name;
  less(a: { pod: Pod; seq: number }, b: { pod: Pod; seq: number }): boolean {
    const p1 = a.pod.spec.priority ?? 0;
    const p2 = b.pod.spec.priority ?? 0;
    return p1 > p2 || (p1 === p2 && a.seq < b.seq);
  }
}
