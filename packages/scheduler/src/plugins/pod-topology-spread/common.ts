/**
 * PodTopologySpread's shared pieces, after pkg/scheduler/framework/plugins/podtopologyspread/
 * common.go and plugin.go at v1.33: a constraint with its parsed selector (matchLabelKeys merged
 * in), minDomains (default 1), nodeAffinityPolicy (default Honor) and nodeTaintsPolicy (default
 * Ignore); the system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway),
 * which apply only to pods selected by a Service / ReplicaSet / StatefulSet / RC; and
 * countPodsMatchSelector (terminating pods and other namespaces excluded; an empty selector
 * counts nothing).
 */
import type { Pod, TopologySpreadConstraint } from '../../api/types';
import type { ClusterSnapshot } from '../../framework/snapshot';
import type { PodInfo } from '../../framework/types';
import { labelSelectorAsSelector, Selector } from '../../util/labels';
import type { RequiredNodeAffinity } from '../../util/node-affinity';
import { doNotScheduleTaint, findMatchingUntoleratedTaint } from '../../util/taints';
import type { Node } from '../../api/types';
import { defaultSelector } from '../helper/spread';

export const LabelHostname = 'kubernetes.io/hostname';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
}

export const systemDefaultConstraints: TopologySpreadConstraint[] = [
  { topologyKey: LabelHostname, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LabelTopologyZone, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  defaultingType?: 'System' | 'List';
}

export function filterTopologySpreadConstraints(constraints: readonly TopologySpreadConstraint[], podLabels: Record<string, string> | undefined, action: string): Constraint[] {
  const out: Constraint[] = [];
  constraints.forEach((c, i) => {
    if (c.whenUnsatisfiable !== action) return;
    let selector = labelSelectorAsSelector(c.labelSelector, `spec.topologySpreadConstraints[${i}].labelSelector`);
    if (c.matchLabelKeys && c.matchLabelKeys.length > 0) {
      const add = [];
      for (const k of c.matchLabelKeys) if (podLabels && k in podLabels) add.push({ key: k, operator: 'In' as const, values: [podLabels[k]!] });
      if (add.length > 0) selector = selector.nothing ? Selector.of(add) : selector.add(add);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
    });
  });
  return out;
}

export function buildDefaultConstraints(defaults: readonly TopologySpreadConstraint[], pod: Pod, action: string, snapshot: ClusterSnapshot): Constraint[] {
  const cs = filterTopologySpreadConstraints(defaults, pod.metadata.labels, action);
  if (cs.length === 0) return cs;
  const selector = defaultSelector(pod, snapshot);
  if (selector.empty()) return [];
  for (const c of cs) c.selector = selector;
  return cs;
}

export function nodeLabelsMatchSpreadConstraints(labels: Record<string, string> | undefined, cs: readonly Constraint[]): boolean {
  for (const c of cs) if (!labels || !Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return false;
  return true;
}

export function matchNodeInclusionPolicies(c: Constraint, pod: Pod, node: Node, require: RequiredNodeAffinity): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !require.match(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, doNotScheduleTaint)) return false;
  return true;
}

export function countPodsMatchSelector(pods: readonly PodInfo[], selector: Selector, ns: string): number {
  if (selector.empty()) return 0;
  let n = 0;
  for (const p of pods) {
    if (p.pod.metadata.deletionTimestamp || (p.pod.metadata.namespace ?? 'default') !== ns) continue;
    if (selector.matches(p.pod.metadata.labels)) n++;
  }
  return n;
}
