/**
 * The Deployment controller's sync, pure: find or create the new ReplicaSet for the current pod
 * template (named <deployment>-<pod-template-hash>), scale it up within maxSurge and the old ones
 * down within maxUnavailable (RollingUpdate), or old to zero first (Recreate), and compute the
 * status `kubectl rollout status` reads: observedGeneration, replicas, updatedReplicas,
 * readyReplicas, availableReplicas, unavailableReplicas and the Available/Progressing conditions.
 *
 * Upstream (v1.33): pkg/controller/deployment/sync.go (getNewReplicaSet: name
 * "<deploy>-<hash>", revision annotations, NewRSNewReplicas; syncDeploymentStatus,
 * calculateStatus), rolling.go (rolloutRolling, reconcileNewReplicaSet, reconcileOldReplicaSets,
 * scaleDownOldReplicaSetsForRollingUpdate), recreate.go, util/deployment_util.go
 * (MaxUnavailable/MaxSurge via intstr.GetScaledValueFromIntOrPercent — surge rounds up,
 * unavailable rounds down; NewRSNewReplicas; condition reasons and messages), pkg/apis/apps/v1/
 * defaults.go (replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600).
 * Leaves out: progress deadline timeouts (ProgressDeadlineExceeded), rollbacks, pause, cleanup of
 * old ReplicaSets beyond revisionHistoryLimit, collisionCount bumps, proportional scaling of
 * several old ReplicaSets during a rollout (a scale mid-rollout goes to the new ReplicaSet).
 */
import type { KubeObject } from '../objects/meta';
import { computeHash } from './hash';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaled(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const pct = Number(x.replace('%', ''));
  const f = (pct * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

export function surgeAndUnavailable(d: KubeObject): { maxSurge: number; maxUnavailable: number } {
  const replicas = Number(d.spec.replicas ?? 1);
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  let maxSurge = scaled(ru.maxSurge, replicas, true, '25%');
  let maxUnavailable = scaled(ru.maxUnavailable, replicas, false, '25%');
  // ResolveFenceposts: both zero is not allowed, unavailable becomes 1.
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** computeHash of templates without a collisionCount, by template object (objects handed between processes are never changed; a pure function's memo). */
const hashes = new WeakMap<object, string>();

/** The template with the pod-template-hash label, as the new ReplicaSet carries it. */
export function templateHash(d: KubeObject): string {
  const t = d.spec.template;
  const cc = d.status?.collisionCount;
  if (cc !== undefined || t === null || typeof t !== 'object') return computeHash(t, cc);
  let h = hashes.get(t);
  if (h === undefined) hashes.set(t, (h = computeHash(t)));
  return h;
}

export type DeploymentAction =
  | { type: 'create-rs'; rs: KubeObject }
  | { type: 'scale-rs'; name: string; replicas: number; annotations: Record<string, string> }
  | { type: 'status'; status: any };

const specReplicas = (rs: KubeObject) => Number(rs.spec?.replicas ?? 0);
const stat = (rs: KubeObject | undefined, k: string) => Number(rs?.status?.[k] ?? 0);

export function newReplicaSetFor(d: KubeObject, hash: string, replicas: number, revision: number): KubeObject {
  const name = `${d.metadata.name}-${hash}`;
  const t = structuredClone(d.spec.template);
  t.metadata = { ...(t.metadata ?? {}), labels: { ...(t.metadata?.labels ?? {}), 'pod-template-hash': hash } };
  const { maxSurge } = surgeAndUnavailable(d);
  const annotations: Record<string, string> = {};
  // copyDeploymentAnnotationsToReplicaSet: everything except kubectl's last-applied and the revision bookkeeping.
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (k !== 'kubectl.kubernetes.io/last-applied-configuration' && k !== REVISION_ANNOTATION) annotations[k] = String(v);
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(d.spec.replicas ?? 1);
  annotations[MAX_REPLICAS_ANNOTATION] = String(Number(d.spec.replicas ?? 1) + (d.spec.strategy?.type === 'Recreate' ? 0 : maxSurge));
  annotations[REVISION_ANNOTATION] = String(revision);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      labels: { ...(t.metadata.labels ?? {}) },
      annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas,
      ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
      selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
      template: t,
    },
  };
}

export interface DeploymentSync {
  actions: DeploymentAction[];
  newRsName: string;
}

function condition(type: string, status: boolean, reason: string, message: string, prev: any[], nowIso: string) {
  const p = prev.find((c) => c.type === type);
  const s = status ? 'True' : 'False';
  const same = p && p.status === s && p.reason === reason;
  return { type, status: s, lastUpdateTime: same && p.message === message ? p.lastUpdateTime : nowIso, lastTransitionTime: p && p.status === s ? p.lastTransitionTime : nowIso, reason, message };
}

/** util/deployment_util.go SetDeploymentCondition: the condition replaces its type's (appended last), unless status and reason are unchanged; lastTransitionTime stays while the status does. */
export function setDeploymentCondition(conds: any[], c: { type: string; status: string; reason: string; message: string }, nowIso: string): any[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conds;
  return [...conds.filter((x) => x.type !== c.type), { type: c.type, status: c.status, lastUpdateTime: nowIso, lastTransitionTime: cur && cur.status === c.status ? cur.lastTransitionTime : nowIso, reason: c.reason, message: c.message }];
}

/** sync.go getNewReplicaSet after creating the new ReplicaSet: the Deployment's status with Progressing=True NewReplicaSetCreated (progressDeadlineSeconds is always set: defaulted to 600). */
export function newReplicaSetCreatedStatus(d: KubeObject, rsName: string, nowIso: string): any {
  return { ...(d.status ?? {}), conditions: setDeploymentCondition(d.status?.conditions ?? [], { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, nowIso) };
}

/** One sync of one Deployment against the ReplicaSets it controls. */
export function syncDeployment(d: KubeObject, ownedIn: KubeObject[], nowIso: string): DeploymentSync {
  // Shallow copies: scaleTo below replaces a copy's spec, never the informer's object.
  const owned = ownedIn.map((r) => ({ ...r }));
  const actions: DeploymentAction[] = [];
  const replicas = Number(d.spec.replicas ?? 1);
  const hash = templateHash(d);
  const newName = `${d.metadata.name}-${hash}`;
  let newRs = owned.find((r) => r.metadata.labels?.['pod-template-hash'] === hash || r.metadata.name === newName);
  const old = owned.filter((r) => r !== newRs).sort((a, b) => ((a.metadata.creationTimestamp ?? '') < (b.metadata.creationTimestamp ?? '') ? -1 : 1));
  const maxRevision = Math.max(0, ...owned.map((r) => Number(r.metadata.annotations?.[REVISION_ANNOTATION] ?? 0)));
  const { maxSurge, maxUnavailable } = surgeAndUnavailable(d);
  const recreate = d.spec.strategy?.type === 'Recreate';
  const oldReplicas = old.reduce((a, r) => a + specReplicas(r), 0);
  let progressing: { reason: string; message: string } | undefined;
  const scaleTo = (r: KubeObject, n: number) => {
    actions.push({ type: 'scale-rs', name: r.metadata.name, replicas: n, annotations: { [DESIRED_REPLICAS_ANNOTATION]: String(replicas), [MAX_REPLICAS_ANNOTATION]: String(replicas + (recreate ? 0 : maxSurge)) } });
    r.spec = { ...r.spec, replicas: n };
  };
  if (!newRs) {
    let n: number;
    if (recreate) n = oldReplicas > 0 || old.some((r) => stat(r, 'replicas') > 0) ? 0 : replicas;
    else n = Math.max(0, Math.min(replicas + maxSurge - oldReplicas, replicas));
    newRs = newReplicaSetFor(d, hash, n, maxRevision + 1);
    actions.push({ type: 'create-rs', rs: newRs });
    progressing = { reason: 'NewReplicaSetCreated', message: `Created new replica set "${newName}"` };
  } else if (recreate) {
    if (oldReplicas > 0) for (const r of old) if (specReplicas(r) > 0) scaleTo(r, 0);
    const oldPods = old.reduce((a, r) => a + stat(r, 'replicas'), 0);
    if (oldReplicas === 0 && oldPods === 0 && specReplicas(newRs) !== replicas) scaleTo(newRs, replicas);
  } else {
    // reconcileNewReplicaSet
    const cur = specReplicas(newRs);
    let scaledUp = false;
    if (cur > replicas) scaleTo(newRs, replicas);
    else if (cur < replicas) {
      const total = cur + oldReplicas;
      const n = Math.min(replicas, cur + Math.max(0, replicas + maxSurge - total));
      if (n !== cur) {
        scaleTo(newRs, n);
        scaledUp = true;
      }
    }
    if (!scaledUp && oldReplicas > 0) {
      // reconcileOldReplicaSets
      const all = specReplicas(newRs) + oldReplicas;
      const minAvailable = replicas - maxUnavailable;
      const newUnavailable = specReplicas(newRs) - stat(newRs, 'availableReplicas');
      const maxScaledDown = all - minAvailable - newUnavailable;
      if (maxScaledDown > 0) {
        // cleanupUnhealthyReplicas: old pods that are not available go first.
        let budget = maxScaledDown;
        for (const r of old) {
          const unhealthy = specReplicas(r) - stat(r, 'availableReplicas');
          if (budget <= 0 || unhealthy <= 0 || specReplicas(r) === 0) continue;
          const down = Math.min(budget, unhealthy);
          scaleTo(r, specReplicas(r) - down);
          budget -= down;
        }
        const available = stat(newRs, 'availableReplicas') + old.reduce((a, r) => a + Math.min(stat(r, 'availableReplicas'), specReplicas(r)), 0);
        let total = Math.min(available - minAvailable, budget);
        for (const r of old) {
          if (total <= 0) break;
          if (specReplicas(r) === 0) continue;
          const down = Math.min(specReplicas(r), total);
          scaleTo(r, specReplicas(r) - down);
          total -= down;
        }
      }
    }
  }
  // calculateStatus
  const all = [newRs, ...old];
  const available = all.reduce((a, r) => a + stat(r, 'availableReplicas'), 0);
  const totalSpec = all.reduce((a, r) => a + specReplicas(r), 0);
  const status: any = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: all.reduce((a, r) => a + stat(r, 'replicas'), 0),
    updatedReplicas: stat(newRs, 'replicas'),
    readyReplicas: all.reduce((a, r) => a + stat(r, 'readyReplicas'), 0),
    availableReplicas: available,
    ...(totalSpec - available > 0 ? { unavailableReplicas: totalSpec - available } : {}),
  };
  const prevConds: any[] = d.status?.conditions ?? [];
  const availableOk = available >= replicas - (recreate ? 0 : maxUnavailable);
  const complete = specReplicas(newRs) === replicas && stat(newRs, 'replicas') === replicas && stat(newRs, 'availableReplicas') === replicas && status.replicas === replicas;
  if (!progressing) {
    if (complete) progressing = { reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newRs.metadata.name}" has successfully progressed.` };
    else {
      const p = prevConds.find((c) => c.type === 'Progressing');
      const moved = actions.some((a) => a.type === 'scale-rs') || !p || (d.status?.updatedReplicas ?? 0) !== status.updatedReplicas || (d.status?.availableReplicas ?? 0) !== status.availableReplicas;
      progressing = moved ? { reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRs.metadata.name}" is progressing.` } : { reason: p.reason, message: p.message };
    }
  }
  const conds = [
    condition('Available', availableOk, availableOk ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', availableOk ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', prevConds, nowIso),
    condition('Progressing', true, progressing.reason, progressing.message, prevConds, nowIso),
  ];
  status.conditions = conds;
  const prevStatus = d.status ?? {};
  const changed = JSON.stringify({ ...prevStatus, conditions: undefined }) !== JSON.stringify({ ...status, conditions: undefined }) || JSON.stringify(prevConds.map((c) => [c.type, c.status, c.reason, c.message])) !== JSON.stringify(conds.map((c) => [c.type, c.status, c.reason, c.message]));
  if (changed) actions.push({ type: 'status', status });
  return { actions, newRsName: newRs.metadata.name };
}

/** What `kubectl rollout status` decides from a Deployment (kubectl/pkg/polymorphichelpers/rollout_status.go). */
export function rolloutStatus(d: KubeObject): { done: boolean; message: string } {
  const name = d.metadata.name;
  const st = d.status ?? {};
  const replicas = Number(d.spec.replicas ?? 1);
  if ((d.metadata.generation ?? 1) > (st.observedGeneration ?? 0)) return { done: false, message: 'Waiting for deployment spec update to be observed...\n' };
  const upd = st.updatedReplicas ?? 0;
  if (upd < replicas) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${upd} out of ${replicas} new replicas have been updated...\n` };
  if ((st.replicas ?? 0) > upd) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - upd} old replicas are pending termination...\n` };
  if ((st.availableReplicas ?? 0) < upd) return { done: false, message: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${upd} updated replicas are available...\n` };
  return { done: true, message: `deployment "${name}" successfully rolled out\n` };
}
