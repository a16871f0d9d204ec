/**
 * FitError.Error(), after pkg/scheduler/framework/types.go at v1.33:
 * `0/<all nodes> nodes are available:` then either the PreFilter message, or a histogram of the
 * filter reasons over all nodes — each reason counted once per node that gave it (a node failing
 * cpu and memory counts under both), nodes absent from the status map counted under the absent
 * status's reasons — formatted `<count> <reason>`, sorted as STRINGS (so "10 …" sorts before
 * "2 …", as upstream), joined with ", " and closed with "."; then the PostFilter message
 * (preemption's) as another ` <msg>.`.
 */
import type { NodeToStatus } from './interface';

export const NoNodeAvailableMsg = '0/%v nodes are available';

export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  preFilterMsg: string;
  postFilterMsg: string;
  unschedulablePlugins: Set<string>;
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let reasonMsg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg !== '') reasonMsg += ` ${d.preFilterMsg}.`;
  if (d.preFilterMsg === '') {
    const reasons = new Map<string, number>();
    for (const s of d.nodeToStatus.statuses.values()) for (const r of s.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const explicit = d.nodeToStatus.statuses.size;
    if (explicit < numAllNodes) {
      for (const r of d.nodeToStatus.absent.reasons) reasons.set(r, (reasons.get(r) ?? 0) + (numAllNodes - explicit));
    }
    const list = [...reasons].map(([r, n]) => `${n} ${r}`);
    // Go's sort.Strings: byte-wise order.
    list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (list.length > 0) reasonMsg += ` ${list.join(', ')}.`;
  }
  if (d.postFilterMsg !== '') reasonMsg += ` ${d.postFilterMsg}.`;
  return reasonMsg;
}
