/**
 * pkg/scheduler/framework/plugins/helper/spread.go at v1.33: DefaultSelector — the selector
 * merged from every Service whose selector matches the pod, plus the controlling
 * ReplicationController's selector or the controlling ReplicaSet's / StatefulSet's label
 * selector requirements. Used by PodTopologySpread's system-default constraints.
 */
import type { Controller, LabelSelector, Pod } from '../../api/types';
import type { ClusterSnapshot } from '../../framework/snapshot';
import { labelSelectorAsSelector, Selector } from '../../util/labels';

function matchesSet(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k of Object.keys(sel)) if (!labels || labels[k] !== sel[k]) return false;
  return true;
}

/** Each list's controllers by "namespace/name" (the first of a name, as a walk finds it), made once per list (lists are not changed once handed to the snapshot). */
const byName = new WeakMap<Controller[], Map<string, Controller>>();

function findController(list: Controller[], ns: string, name: string): Controller | undefined {
  let m = byName.get(list);
  if (!m) {
    m = new Map();
    for (const c of list) {
      const k = `${c.metadata.namespace ?? 'default'}/${c.metadata.name}`;
      if (!m.has(k)) m.set(k, c);
    }
    byName.set(list, m);
  }
  return m.get(`${ns}/${name}`);
}

export function defaultSelector(pod: Pod, snapshot: ClusterSnapshot): Selector {
  const ns = pod.metadata.namespace ?? 'default';
  let labelSet: Record<string, string> = {};
  for (const svc of snapshot.services) {
    if ((svc.metadata.namespace ?? 'default') !== ns) continue;
    const sel = svc.spec?.selector;
    if (sel == null) continue; // services with nil selectors match nothing
    if (matchesSet(sel, pod.metadata.labels)) labelSet = { ...labelSet, ...sel };
  }
  let selector = Selector.fromSet(labelSet);
  const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!owner) return selector;
  const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
  if (owner.kind === 'ReplicationController' && group === '') {
    const rc = findController(snapshot.replicationControllers, ns, owner.name);
    if (rc) {
      labelSet = { ...labelSet, ...((rc.spec?.selector as Record<string, string>) ?? {}) };
      selector = Selector.fromSet(labelSet);
    }
  } else if ((owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet') && group === 'apps') {
    const list = owner.kind === 'ReplicaSet' ? snapshot.replicaSets : snapshot.statefulSets;
    const c = findController(list, ns, owner.name);
    if (c) {
      try {
        const other = labelSelectorAsSelector((c.spec?.selector as LabelSelector) ?? null);
        if (!other.nothing) selector = selector.add(other.requirements);
      } catch {
        /* upstream ignores an unparsable selector */
      }
    }
  }
  return selector;
}
